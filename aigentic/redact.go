package aigentic

import (
	"context"
	"log/slog"
	"os"
	"regexp"
	"strings"
)

// secretPatterns match credentials that must never reach a log or a trace:
// OpenAI-style keys, bearer tokens and key=value pairs naming a key.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\bsk-[A-Za-z0-9_\-]{8,}`),
	regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{8,}`),
	regexp.MustCompile(`(?i)\b(authorization|api[_-]?key|x-api-key)(["']?\s*[:=]\s*["']?)[^\s"',}]+`),
}

// secretEnv are environment variables whose values are redacted verbatim.
var secretEnv = []string{"OPENAI_API_KEY", "AIGENTIC_API_KEY"}

// Redact returns s with credentials replaced by "[REDACTED]": API keys of
// the sk-… form, bearer tokens, "authorization: …"/"api_key=…" pairs, and
// the current value of OPENAI_API_KEY wherever it appears. Traces and logs
// pass everything through it.
func Redact(s string) string {
	if s == "" {
		return s
	}
	for _, name := range secretEnv {
		if v := os.Getenv(name); len(v) >= 6 && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, "[REDACTED]")
		}
	}
	if !mayHoldSecret(s) {
		return s
	}
	s = secretPatterns[0].ReplaceAllString(s, "[REDACTED]")
	s = secretPatterns[1].ReplaceAllString(s, "Bearer [REDACTED]")
	s = secretPatterns[2].ReplaceAllString(s, "${1}${2}[REDACTED]")
	return s
}

// mayHoldSecret is a cheap pre-check so the common case skips the regexps.
func mayHoldSecret(s string) bool {
	return strings.Contains(s, "sk-") || strings.Contains(s, "earer") || strings.Contains(s, "EARER") ||
		strings.Contains(strings.ToLower(s), "authorization") || strings.Contains(strings.ToLower(s), "key")
}

// redactingHandler passes records to next with the message and every string
// (and error) attribute redacted.
type redactingHandler struct{ next slog.Handler }

func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return redactingHandler{h.next.WithAttrs(red)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = redactAttr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Redact(err.Error()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// levelHandler filters records below a level before the wrapped handler.
type levelHandler struct {
	level slog.Level
	next  slog.Handler
}

func (h levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.next.Enabled(ctx, l)
}

func (h levelHandler) Handle(ctx context.Context, r slog.Record) error { return h.next.Handle(ctx, r) }

func (h levelHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return levelHandler{h.level, h.next.WithAttrs(as)}
}

func (h levelHandler) WithGroup(name string) slog.Handler {
	return levelHandler{h.level, h.next.WithGroup(name)}
}
