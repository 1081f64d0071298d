package secret

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"unicode/utf8"
)

// DefaultLogValueLimit is the default of [SetLogValueLimit]: 4 KiB, room
// for a page of text, so one huge tool argument, tool result or model
// response cannot flood the logs.
const DefaultLogValueLimit = 4 << 10

var logValueLimit atomic.Int64

func init() { logValueLimit.Store(DefaultLogValueLimit) }

// SetLogValueLimit sets, for the whole process, the most bytes of a string
// a cleaned log record keeps — its message and each string attribute, after
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

// LogValue is s as a log record may hold it: redacted, then cut at the log
// limit ([SetLogValueLimit]).
func LogValue(s string) string { return capLogValue(Redact(s)) }

// recordNeedsRewrite reports whether the message or any attribute might
// hold a secret or exceed the log limit; most records do not and are passed
// on uncopied.
func recordNeedsRewrite(r slog.Record) bool {
	if LogValue(r.Message) != r.Message {
		return true
	}
	need := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Value.Kind() {
		case slog.KindString:
			s := a.Value.String()
			need = LogValue(s) != s
		case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindBool, slog.KindDuration, slog.KindTime:
		default:
			need = true
		}
		return !need
	})
	return need
}

// LogAttr returns a with its strings redacted and cut: string values,
// groups, errors, and any other value whose printed form holds a secret
// (replaced by that printed form, redacted).
func LogAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, LogValue(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = LogAttr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, LogValue(err.Error()))
		}
		printed := fmt.Sprint(v.Any())
		if clean := LogValue(printed); clean != printed {
			return slog.String(a.Key, clean)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// CleanRecord returns r when nothing in it needs redacting or cutting (no
// copy: the common case), and otherwise a copy with its message and every
// attribute passed through LogValue / LogAttr.
func CleanRecord(r slog.Record) slog.Record {
	if !recordNeedsRewrite(r) {
		return r
	}
	out := slog.NewRecord(r.Time, r.Level, LogValue(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(LogAttr(a))
		return true
	})
	return out
}

// NewLogHandler returns a slog.Handler that cleans every record
// (CleanRecord) — and the attributes given to WithAttrs — before next
// handles it: no registered secret, and no string over the log limit,
// reaches next.
func NewLogHandler(next slog.Handler) slog.Handler { return logHandler{next} }

type logHandler struct{ next slog.Handler }

func (h logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.next.Handle(ctx, CleanRecord(r))
}

func (h logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return logHandler{h.next.WithAttrs(LogAttrs(as))}
}

func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.next.WithGroup(name)} }

// LogAttrs is LogAttr over a slice, in a new slice.
func LogAttrs(as []slog.Attr) []slog.Attr {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = LogAttr(a)
	}
	return out
}
