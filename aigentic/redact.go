package aigentic

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// Redact returns s with every credential the process holds replaced by
// "[REDACTED]" — the one function for any text that leaves the process
// (traces, logs, errors, events; OpenTelemetry span names, attributes and
// event text should pass through it too). It knows:
//
//   - keys registered in code: secret.Register, which openai.New and
//     openai.NewModel call with their key, whatever its format;
//   - the current values of OPENAI_API_KEY and AIGENTIC_API_KEY, and of
//     every environment variable named like a credential (…_KEY, …_TOKEN,
//     …_SECRET, …_PASSWORD) when first called;
//   - sk-… keys, bearer tokens and "authorization: …"/"api_key=…" pairs,
//     whatever their value;
//
// each registered value also in its JSON-escaped and URL-encoded forms.
// Values shorter than 8 bytes (secret.MinLen) are not registered. See
// package aigentic/secret for what redaction cannot catch.
func Redact(s string) string { return secret.Redact(s) }

// DefaultLogValueLimit is the default of [SetLogValueLimit]: 4 KiB, room for
// a page of text, so one huge tool argument, tool result or model response
// cannot flood the logs.
const DefaultLogValueLimit = 4 << 10

var logValueLimit atomic.Int64

func init() { logValueLimit.Store(DefaultLogValueLimit) }

// SetLogValueLimit sets, for the whole process, the most bytes of a string
// a run's log record keeps — its message and each string attribute, after
// redaction — and returns the previous limit. Longer text is cut on a UTF-8
// boundary and marked "…[truncated N bytes]" (N bytes removed). n <= 0
// removes the limit. The default is [DefaultLogValueLimit]; safe for
// concurrent use.
func SetLogValueLimit(n int) (previous int) {
	return int(logValueLimit.Swap(int64(n)))
}

// capLogValue applies the log limit to s.
func capLogValue(s string) string {
	n := int(logValueLimit.Load())
	if n <= 0 || len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + fmt.Sprintf("…[truncated %d bytes]", len(s)-n)
}

// cleanLogValue is s as a log record may hold it: redacted, then capped.
func cleanLogValue(s string) string { return capLogValue(Redact(s)) }

// recordNeedsRewrite reports whether the message or any attribute might
// hold a secret or exceed the log limit; most records do not and are passed
// on uncopied.
func recordNeedsRewrite(r slog.Record) bool {
	if cleanLogValue(r.Message) != r.Message {
		return true
	}
	need := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Value.Kind() {
		case slog.KindString:
			s := a.Value.String()
			need = cleanLogValue(s) != s
		case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindBool, slog.KindDuration, slog.KindTime:
		default:
			need = true
		}
		return !need
	})
	return need
}

// redactAttr redacts and caps the strings in a: string values, groups,
// errors, and any other value whose printed form holds a secret (replaced
// by that printed form, redacted).
func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, cleanLogValue(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = redactAttr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, cleanLogValue(err.Error()))
		}
		printed := fmt.Sprint(v.Any())
		if clean := cleanLogValue(printed); clean != printed {
			return slog.String(a.Key, clean)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// runHandler is a run's slog handler: it filters below the agent's level,
// adds the agent, session and run ids to every record, and redacts and caps
// it (SetLogValueLimit) before the wrapped handler. Adding the ids at Handle
// time costs nothing for records that are filtered out.
type runHandler struct {
	level slog.Level
	next  slog.Handler
	ids   [3]slog.Attr
}

func (h *runHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.next.Enabled(ctx, l)
}

func (h *runHandler) Handle(ctx context.Context, r slog.Record) error {
	if !recordNeedsRewrite(r) {
		r.AddAttrs(h.ids[:]...)
		return h.next.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, cleanLogValue(r.Message), r.PC)
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
