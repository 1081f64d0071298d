package aigentic

import (
	"context"
	"log/slog"

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
//   - the program's own credential formats, registered as patterns:
//     secret.RegisterPattern (the service registers its aig_… keys);
//
// each registered value also in its JSON-escaped and URL-encoded forms.
// Values shorter than 8 bytes (secret.MinLen) are not registered. See
// package aigentic/secret for what redaction cannot catch.
func Redact(s string) string { return secret.Redact(s) }

// DefaultLogValueLimit is the default of [SetLogValueLimit]: 4 KiB, room for
// a page of text, so one huge tool argument, tool result or model response
// cannot flood the logs.
const DefaultLogValueLimit = secret.DefaultLogValueLimit

// SetLogValueLimit sets, for the whole process, the most bytes of a string
// a run's log record keeps — its message and each string attribute, after
// redaction — and returns the previous limit. Longer text is cut on a UTF-8
// boundary and marked "…[truncated N bytes]" (N bytes removed). n <= 0
// removes the limit. The default is [DefaultLogValueLimit]; safe for
// concurrent use (secret.SetLogValueLimit).
func SetLogValueLimit(n int) (previous int) { return secret.SetLogValueLimit(n) }

// redactError is secret.Error: err, or err behind a wrapper whose text is
// redacted and whose Unwrap keeps errors.Is and errors.As working. The
// errors a run returns (Execute, Wait, Err) and carries in events pass
// through it.
func redactError(err error) error { return secret.Error(err) }

// runHandler is a run's slog handler: it filters below the agent's level,
// adds the agent, session and run ids to every record, and redacts and caps
// it (secret.CleanRecord) before the wrapped handler. Adding the ids at
// Handle time costs nothing for records that are filtered out.
type runHandler struct {
	level slog.Level
	next  slog.Handler
	ids   [3]slog.Attr
}

func (h *runHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.next.Enabled(ctx, l)
}

func (h *runHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.handleClean(ctx, secret.CleanRecord(r))
}

// handleClean adds the ids to a record known to be clean and passes it on.
func (h *runHandler) handleClean(ctx context.Context, r slog.Record) error {
	r.AddAttrs(h.ids[:]...)
	return h.next.Handle(ctx, r)
}

func (h *runHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &runHandler{h.level, h.next.WithAttrs(secret.LogAttrs(as)), h.ids}
}

func (h *runHandler) WithGroup(name string) slog.Handler {
	return &runHandler{h.level, h.next.WithGroup(name), h.ids}
}
