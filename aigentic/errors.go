package aigentic

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// Sentinel errors. Every error a run returns wraps what caused it, so
// errors.Is and errors.As work through the whole chain — including
// context.Canceled and context.DeadlineExceeded when a run was stopped.
var (
	// ErrMaxLLMCalls is matched (errors.Is) by a *LimitError for
	// Agent.MaxLLMCalls.
	ErrMaxLLMCalls = errors.New("aigentic: MaxLLMCalls limit reached")
	// ErrBudgetExceeded is matched by a *LimitError for a limit of a
	// Budget (Agent.Budget), shared by a run tree.
	ErrBudgetExceeded = errors.New("aigentic: budget exceeded")
	// ErrToolPanic is matched by a *PanicError: a tool panicked.
	ErrToolPanic = errors.New("aigentic: tool panicked")
	// ErrRetriesExhausted is matched by a *ModelCallError or *ToolError
	// whose step failed transiently on every attempt allowed.
	ErrRetriesExhausted = errors.New("aigentic: retries exhausted")
	// ErrInvalidAgent is wrapped by Start and Execute when the Agent's
	// configuration is unusable (no model, negative limits, bad tools).
	ErrInvalidAgent = errors.New("aigentic: invalid agent")
	// ErrWaitTimeout is the cause of a run stopped by Wait(timeout). It
	// wraps context.DeadlineExceeded.
	ErrWaitTimeout = fmt.Errorf("aigentic: wait timeout: %w", context.DeadlineExceeded)
	// ErrNilContext is wrapped by ExecuteContext and StartContext when
	// given a nil context.
	ErrNilContext = errors.New("aigentic: nil context")
	// ErrUnknownApproval is returned by AgentRun.Approve for an ID that is
	// not awaiting approval (never asked, already answered, timed out).
	ErrUnknownApproval = errors.New("aigentic: no pending approval with that id")
	// ErrRateLimited ends a run whose Agent.RateLimiter refused a model
	// request (for rate.Limiter: the wait would outlast the run's
	// deadline); the limiter's own error is wrapped too. Its outcome in
	// metrics is "rate_limited", not a model error.
	ErrRateLimited = errors.New("aigentic: rate limiter refused a model request")
)

// LimitError ends a run that reached a limit while the model still wanted
// to go on: Agent.MaxLLMCalls (errors.Is ErrMaxLLMCalls), or a limit of a
// Budget shared by the run tree (errors.Is ErrBudgetExceeded). It keeps the
// work done so far.
type LimitError struct {
	// Exceeded names the limit reached: LimitMaxLLMCalls, or one of the
	// LimitBudget… names ("Budget.MaxTotalTokens", …).
	Exceeded string
	// BudgetOwner is the name of the agent whose Budget was exceeded: the
	// top-level agent's, or a sub-agent's own. Empty for MaxLLMCalls.
	BudgetOwner string
	// Max is the limit's value and Used what was used when the run ended,
	// in the limit's unit (model calls, tool calls, tokens, US dollars).
	// For a Budget, Used counts every run drawing from it — the whole run
	// tree — and may pass Max for tokens and cost, known only after a
	// response.
	Max, Used float64
	// Limit is the MaxLLMCalls in force for this run.
	Limit int
	// Calls is the number of this run's own model calls (equal to Limit
	// when Exceeded is LimitMaxLLMCalls).
	Calls int
	// ToolCalls is the number of this run's tool calls answered: run, or
	// refused with an error result the model saw (an unknown tool, invalid
	// arguments, a denied approval) — as Stats.ToolCalls counts them.
	ToolCalls int
	// Transcript is the conversation so far: every message sent and
	// received, tool results included.
	Transcript []ai.Message
	// Pending are the tool calls the last response asked for; they were not
	// executed, since no model call was left to read their results.
	Pending []ai.ToolCall
	// Usage is the tokens this run (sub-agents included) used so far.
	Usage ai.Usage
	// CostUSD is the estimated cost of Usage, when the agent has Pricing.
	CostUSD float64
	// Partial is the last text the model produced in this run, if any
	// (never an answer of an earlier run in Session.History).
	Partial string
}

// Error implements error.
func (e *LimitError) Error() string {
	if e.Exceeded == "" || e.Exceeded == LimitMaxLLMCalls {
		return fmt.Sprintf("aigentic: MaxLLMCalls limit reached: %d of %d model calls made, %s answered, %s pending",
			e.Calls, e.Limit, plural(e.ToolCalls, "tool call"), plural(len(e.Pending), "tool call"))
	}
	return fmt.Sprintf("aigentic: budget exceeded: %s of agent %q: %s used by the run tree; this run made %s, %s answered, %s pending",
		e.Exceeded, e.BudgetOwner, e.usedText(), plural(e.Calls, "model call"), plural(e.ToolCalls, "tool call"), plural(len(e.Pending), "tool call"))
}

// usedText is "6 of 6 model calls", "1200 of 1000 total tokens", "$0.0123
// of $0.01".
func (e *LimitError) usedText() string {
	unit := map[string]string{
		LimitBudgetLLMCalls: "model calls", LimitBudgetToolCalls: "tool calls", LimitBudgetInputTokens: "input tokens",
		LimitBudgetOutputTokens: "output tokens", LimitBudgetTotalTokens: "total tokens",
	}[e.Exceeded]
	if unit == "" {
		return fmt.Sprintf("$%.6g of $%.6g", e.Used, e.Max)
	}
	return fmt.Sprintf("%.0f of %.0f %s", e.Used, e.Max, unit)
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// Is matches ErrMaxLLMCalls for Agent.MaxLLMCalls and ErrBudgetExceeded
// for a Budget limit.
func (e *LimitError) Is(target error) bool {
	if e.Exceeded == "" || e.Exceeded == LimitMaxLLMCalls {
		return target == ErrMaxLLMCalls
	}
	return target == ErrBudgetExceeded
}

// ModelCallError is a model call that failed: permanently at once, or
// transiently on every attempt the retry budget allowed.
type ModelCallError struct {
	// Call is the 1-based number of the model call in the run.
	Call int
	// Attempts is how many attempts were made.
	Attempts int
	// Exhausted is true when the last failure was transient and the retry
	// budget ran out.
	Exhausted bool
	// Err is the last attempt's error.
	Err error
}

// Error implements error.
func (e *ModelCallError) Error() string {
	if e.Exhausted {
		return fmt.Sprintf("aigentic: model call %d failed after %s: %v", e.Call, attempts(e.Attempts), e.Err)
	}
	return fmt.Sprintf("aigentic: model call %d failed (attempt %d, not retryable): %v", e.Call, e.Attempts, e.Err)
}

// Unwrap returns the last attempt's error.
func (e *ModelCallError) Unwrap() error { return e.Err }

// attempts spells "1 attempt" or "N attempts".
func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// Is matches ErrRetriesExhausted when the retry budget ran out.
func (e *ModelCallError) Is(target error) bool { return target == ErrRetriesExhausted && e.Exhausted }

// ToolError is a tool that stopped the run: it returned a Go error or
// panicked. It names the tool and wraps the cause.
type ToolError struct {
	// Tool is the tool's name.
	Tool string
	// CallID is the model's tool call ID.
	CallID string
	// Attempts is how many times the tool ran (more than 1 when it
	// returned transient errors and was retried).
	Attempts int
	// Exhausted is true when the last error was transient and the retry
	// budget ran out.
	Exhausted bool
	// Err is the tool's error, or a *PanicError.
	Err error
}

// Error implements error.
func (e *ToolError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("aigentic: tool %q failed after %d attempts: %v", e.Tool, e.Attempts, e.Err)
	}
	return fmt.Sprintf("aigentic: tool %q failed: %v", e.Tool, e.Err)
}

// Unwrap returns the tool's error.
func (e *ToolError) Unwrap() error { return e.Err }

// Is matches ErrRetriesExhausted when the retry budget ran out.
func (e *ToolError) Is(target error) bool { return target == ErrRetriesExhausted && e.Exhausted }

// PanicError is a recovered panic: a tool's (or its Validate's), an
// Interceptor's (inside a *HaltError), or the model's (inside a
// *ModelCallError).
type PanicError struct {
	// Value is what it panicked with; a string or an error redacted
	// (Redact; an error keeps errors.Is and errors.As), and a []byte or
	// any other value whose text (%v) holds a credential replaced by that
	// text, redacted — so a credential in a panic leaves the run in no
	// field.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
	// Source is what panicked; only a tool's panic matches ErrToolPanic.
	Source PanicSource
}

// PanicSource says what panicked: a tool (the zero value), an
// interceptor, the model, or another implementation the agent was given
// (its RateLimiter, its Session's History, its RetryPolicy's Rand or
// Sleep). Each ends the run with a *PanicError, never the process.
type PanicSource int

// The sources of a *PanicError.
const (
	PanicInTool PanicSource = iota
	PanicInInterceptor
	// PanicInModel is the model's Generate, ModelName or ProviderName.
	PanicInModel
	// PanicInRateLimiter is Agent.RateLimiter's Wait.
	PanicInRateLimiter
	// PanicInHistory is the Session's History: Load or Append.
	PanicInHistory
	// PanicInRetryPolicy is Agent.RetryPolicy's Rand or Sleep.
	PanicInRetryPolicy
)

// String names the source: "tool", "interceptor", "model", "rate
// limiter", "history", "retry policy".
func (s PanicSource) String() string {
	switch s {
	case PanicInInterceptor:
		return "interceptor"
	case PanicInModel:
		return "model"
	case PanicInRateLimiter:
		return "rate limiter"
	case PanicInHistory:
		return "history"
	case PanicInRetryPolicy:
		return "retry policy"
	}
	return "tool"
}

// recoverAs, deferred around a call of code the agent was given, turns
// its panic into *err, a *PanicError of source.
func recoverAs(source PanicSource, err *error) {
	if v := recover(); v != nil {
		*err = newPanicError(v, debug.Stack(), source)
	}
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Is matches ErrToolPanic when a tool panicked.
func (e *PanicError) Is(target error) bool { return target == ErrToolPanic && e.Source == PanicInTool }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// StoppedError is a run stopped by its context: the session's timeout or
// cancellation, run.Cancel(), or Wait's timeout. It wraps both the
// context's error and its cause, so errors.Is(err, context.DeadlineExceeded)
// or context.Canceled holds even when the context was given a custom cause
// (context.WithTimeoutCause, context.WithCancelCause), and errors.Is finds
// that cause too.
type StoppedError struct {
	// During says what the run was doing: "model call 2", "backoff before
	// model call 2", "tool \"search\"" (also when the tool returned after
	// the stop, within Agent.StopGrace: its result is kept), "tools
	// \"search\", \"fetch\"" (a parallel turn), "approval of
	// \"send_email\"".
	During string
	// Cause is the context's cause: context.Cause(ctx).
	Cause error
	// Err is the context's error: context.Canceled or
	// context.DeadlineExceeded. Nil when it is the same as Cause.
	Err error
	// Abandoned are the tool calls whose tools had not returned within
	// Agent.StopGrace of the stop: the run ended without them (their
	// results, if they come, are discarded).
	Abandoned []ai.ToolCall
	// Partial is, when the run stopped while the model was streaming
	// (Agent.Stream), the text it had streamed of that answer; otherwise
	// the last text the model produced in this run, if any — as
	// LimitError's and HaltError's.
	Partial string
}

// Error implements error.
func (e *StoppedError) Error() string {
	var s string
	if e.Err != nil && e.Cause != nil && !errors.Is(e.Cause, e.Err) {
		s = fmt.Sprintf("aigentic: run stopped during %s: %v: %v", e.During, e.Err, e.Cause)
	} else {
		s = fmt.Sprintf("aigentic: run stopped during %s: %v", e.During, cmp.Or(e.Cause, e.Err))
	}
	if len(e.Abandoned) > 0 {
		names := make([]string, len(e.Abandoned))
		for i, c := range e.Abandoned {
			names[i] = fmt.Sprintf("%q (%s)", c.Name, c.ID)
		}
		s += fmt.Sprintf("; abandoned %s: it did not return after the stop", strings.Join(names, ", "))
	}
	return s
}

// Unwrap returns the cause and the context's error.
func (e *StoppedError) Unwrap() []error {
	if e.Err == nil || e.Err == e.Cause {
		return []error{e.Cause}
	}
	return []error{e.Cause, e.Err}
}

// stopped builds a *StoppedError from a done context.
func stopped(ctx context.Context, during string) error {
	cause, cerr := context.Cause(ctx), ctx.Err()
	if cause == nil {
		cause = cerr
	}
	se := &StoppedError{During: during, Cause: cause}
	if cerr != cause {
		se.Err = cerr
	}
	return se
}

// newPanicError is the *PanicError of a panic with v in source, its
// stack taken here (call it from the deferred recover).
func newPanicError(v any, stack []byte, source PanicSource) *PanicError {
	return &PanicError{Value: secret.PanicValue(v), Stack: stack, Source: source}
}
