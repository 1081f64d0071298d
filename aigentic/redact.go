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
	// A name ending in authorization or api key (OPENAI_API_KEY, x-api-key,
	// Proxy-Authorization), then the value — with its scheme word, so
	// "Authorization: Basic <credential>" loses the credential too. The
	// value ends at a quote, a comma, a brace, whitespace or a query &.
	regexp.MustCompile(`(?i)\b((?:[a-z0-9]+[_-])*(?:authorization|api[_-]?key))(["']?\s*[:=]\s*["']?)(?:(?:basic|bearer|digest|token|negotiate|ntlm)\s+)?[^\s"',}&]+`),
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
	return strings.Contains(s, "sk-") || containsFold(s, "bearer") || containsFold(s, "authorization") || containsFold(s, "key")
}

// containsFold is an allocation-free, ASCII case-insensitive Contains;
// sub must be lower case.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// recordNeedsRedaction reports whether the message or any string attribute
// might hold a secret; most records do not and are passed on uncopied.
func recordNeedsRedaction(r slog.Record) bool {
	if Redact(r.Message) != r.Message {
		return true
	}
	need := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Value.Kind() {
		case slog.KindString:
			s := a.Value.String()
			need = Redact(s) != s
		case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindBool, slog.KindDuration, slog.KindTime:
		default:
			need = true
		}
		return !need
	})
	return need
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

// runHandler is a run's slog handler: it filters below the agent's level,
// adds the agent, session and run ids to every record and redacts it
// before the wrapped handler. Adding the ids at Handle time costs nothing
// for records that are filtered out.
type runHandler struct {
	level slog.Level
	next  slog.Handler
	ids   [3]slog.Attr
}

func (h *runHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.next.Enabled(ctx, l)
}

func (h *runHandler) Handle(ctx context.Context, r slog.Record) error {
	if !recordNeedsRedaction(r) {
		r.AddAttrs(h.ids[:]...)
		return h.next.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	out.AddAttrs(h.ids[:]...)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *runHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return &runHandler{h.level, h.next.WithAttrs(red), h.ids}
}

func (h *runHandler) WithGroup(name string) slog.Handler {
	return &runHandler{h.level, h.next.WithGroup(name), h.ids}
}
