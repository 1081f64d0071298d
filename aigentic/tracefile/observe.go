package tracefile

import (
	"context"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// writerKey is the context key of a run's writer for one Trace: a
// sub-agent's run, whose context derives from its parent's, finds its own
// writer first, and a run traced by two Traces finds each.
type writerKey struct{ t *Trace }

// Observe implements hook.Observer: at a run's start it creates the run's
// file and keeps its writer in the run's context (a file that cannot be
// created is logged at Warn on the run's logger, and the run goes
// untraced); every later step of the run is written to it, and the run's
// end closes it. A tool call that never ran — unknown tool, invalid
// arguments — is written as its attempt 1 when it is answered; one not
// run for want of approval gets a "not run" line.
func (t *Trace) Observe(ctx context.Context, step hook.Step) context.Context {
	if s, ok := step.(*hook.RunStart); ok {
		w, err := t.open(s.Run.Started, s.Run.ID, s.Run.Logger)
		if err != nil {
			s.Run.Logger.WarnContext(ctx, "trace disabled for this run", "error", err)
			return ctx
		}
		w.logger = s.Run.Logger
		w.header(t, s.Run)
		return context.WithValue(ctx, writerKey{t}, w)
	}
	if w, ok := ctx.Value(writerKey{t}).(*writer); ok {
		w.observe(step)
	}
	return ctx
}

// Path returns the file t writes for the run whose context is ctx (the
// run's, or one derived from it), or "" when t writes none for it.
func Path(ctx context.Context, t *Trace) string {
	if w, ok := ctx.Value(writerKey{t}).(*writer); ok {
		return w.path
	}
	return ""
}

// observe writes one step.
func (tr *writer) observe(step hook.Step) {
	switch s := step.(type) {
	case *hook.RunEnd:
		tr.outcome(s.Stats, s.Result, s.Err)
		tr.close()
	case *hook.RateLimitWait:
		if s.Err == nil && s.Wait >= minReportedWait {
			tr.note("rate limiter: waited %s before model call %d\n", s.Wait, s.Call)
		}
	case *hook.ModelStart:
		tr.modelRequest(s.Call, s.Attempt, s.Request)
	case *hook.ModelEnd:
		if s.Err == nil {
			tr.modelResponse(s.Call, s.Attempt, s.Response, s.Duration)
		} else {
			tr.modelError(s.Call, s.Attempt, s.Err, s.Duration, s.RetryIn, s.WillRetry)
		}
	case *hook.ToolStart:
		tr.startTool(s.Call.ID)
	case *hook.ToolAttempt:
		tr.markRan(s.Call.ID)
		tr.toolCall(s.Call, s.Attempt)
	case *hook.ToolAttemptEnd:
		if s.Err != nil {
			tr.toolFailure(s.Call, s.Err, s.Duration, s.RetryIn, s.WillRetry)
		}
	case *hook.ToolEnd:
		tr.endTool(s.Call, s.Result, s.Err, s.Duration)
	case *hook.ApprovalAsked:
		tr.note("--- approval requested for %s (%s): %s ---\narguments: %s\n", s.Call.Name, s.Call.ID, s.Message, s.Call.Arguments)
	case *hook.ToolAbandoned:
		tr.note("--- tool call %s (%s) abandoned (%s): it did not return within %s; its result, if any, is discarded ---\n\n",
			s.Call.Name, s.Call.ID, s.Reason, s.Grace)
	case *hook.Decision:
		tr.note("--- %s: %s on %s: %s ---\n", s.By, s.Action, s.Step, s.Reason)
	case *hook.ApprovalAnswered:
		switch s.How {
		case hook.ApprovalByUser:
			tr.note("approval answer: approved=%t\n\n", s.Approved)
		case hook.ApprovalTimedOut:
			tr.note("approval timed out after %s: treated as denied\n\n", s.Timeout)
		}
		if !s.Approved {
			tr.markRan(s.Call.ID)
			tr.note("--- tool call %s (%s) not run: %s ---\n\n", s.Call.Name, s.Call.ID, s.Reason)
		}
	}
}

// minReportedWait is the shortest rate-limit wait written: shorter ones
// are the limiter's bookkeeping, not a wait worth a line.
const minReportedWait = time.Millisecond
