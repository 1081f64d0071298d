package hook

import (
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The steps of a run, in the order they happen:
//
//	RunStart
//	  { RateLimitWait? ModelStart Content* ModelEnd }+        one model call: its attempts
//	  { ToolStart ApprovalAsked? ApprovalAnswered?
//	      { ToolAttempt (SubAgentStart … SubAgentEnd)? ToolAttemptEnd }*
//	    ToolEnd }*                                            its tool calls
//	  …
//	RunEnd
//
// A tool call that is answered without running (an unknown tool, invalid
// arguments, a denied approval) has no attempts. Content comes between a
// model attempt's start and end when the agent streams (Delta), or after
// the ModelEnd of a response that has text.

// RunStart: the run is ready — its tools resolved, its context derived —
// and its first model call comes next. The context an observer returns
// becomes the run's context.
type RunStart struct {
	Run *RunInfo
	// Message is the user's message the run started with; "" for a run
	// resumed from a checkpoint.
	Message string
}

// RunEnd: the run ended. Result is its answer, or Err why it failed;
// Stats are final.
type RunEnd struct {
	Run    *RunInfo
	Result string
	Err    error
	// Outcome classifies the end, for metrics and spans: "ok",
	// "tool_error", "model_error", "limit", "timeout", "canceled",
	// "rate_limited", "halted", "invalid_output", "checkpoint_error" or
	// "approval_pending" (a closed set).
	Outcome string
	Stats   Stats
}

// RateLimitWait: a model attempt waited Wait for the agent's rate limiter;
// Err is the limiter's refusal, if any.
type RateLimitWait struct {
	Run *RunInfo
	// Call is the model call's number (1-based).
	Call int
	Wait time.Duration
	Err  error
}

// ModelStart: attempt Attempt of model call Call (both 1-based) is about
// to send Request. An interceptor that calls next again for the same call
// continues its attempts' numbering. The context an observer returns is the one
// Model.Generate gets, and comes back with the ModelEnd.
type ModelStart struct {
	Run           *RunInfo
	Call, Attempt int
	// Request is what is sent, after the interceptors.
	Request *ai.Request
}

// ModelEnd: the attempt ended after Duration, with Response or Err.
type ModelEnd struct {
	Run           *RunInfo
	Call, Attempt int
	// Response is the model's answer; nil when Err is set.
	Response *ai.Response
	Err      error
	// ErrorType names Err's kind for metrics and spans (error.type): the
	// provider's HTTP status ("503"), "timeout", "canceled", or the
	// error's Go type; "" when Err is nil.
	ErrorType string
	Duration  time.Duration
	// CostUSD is the estimated cost of the attempt's usage in US dollars,
	// priced with the agent's Pricing (see RunInfo.Priced); 0 when it has
	// none or the attempt reported no usage.
	CostUSD float64
	// WillRetry is set when the attempt failed transiently and the call
	// will be tried again after RetryIn; Exhausted when it failed
	// transiently with no retry left.
	WillRetry, Exhausted bool
	RetryIn              time.Duration
}

// Content: assistant text — a whole response's (after its ModelEnd), or,
// when the agent streams, one fragment as it arrives (Delta).
type Content struct {
	Run   *RunInfo
	Text  string
	Delta bool
}

// ToolStart: the model's tool call Call is about to be answered. Tool is
// the tool as offered to the model, nil when no tool has that name. The
// context an observer returns is the call's: the tool runs in it
// (AgentRun.Context), and it comes back with the ToolEnd.
type ToolStart struct {
	Run  *RunInfo
	Call ai.ToolCall
	Tool *ai.Tool
}

// ToolAttempt: attempt Attempt (1-based) of running the tool begins. An
// interceptor that calls next again for the same call continues its
// attempts' numbering, as for a model call.
type ToolAttempt struct {
	Run     *RunInfo
	Call    ai.ToolCall
	Attempt int
}

// ToolAttemptEnd: the attempt ended after Duration; Err is its failure,
// nil when the tool returned a result. Retry fields as in ModelEnd.
type ToolAttemptEnd struct {
	Run                  *RunInfo
	Call                 ai.ToolCall
	Attempt              int
	Err                  error
	ErrorType            string
	Duration             time.Duration
	WillRetry, Exhausted bool
	RetryIn              time.Duration
}

// ToolEnd: the call was answered with Result after Duration — an error
// result (Result.Error) is an answer the model sees — or failed with Err,
// which stops the run.
type ToolEnd struct {
	Run  *RunInfo
	Call ai.ToolCall
	// Tool is the tool called, nil when no tool has that name.
	Tool      *ai.Tool
	Result    *ai.ToolResult
	Err       error
	ErrorType string
	Duration  time.Duration
	// At is when the call ended: in a parallel turn, ends are reported
	// after every call of the turn has ended, in call order.
	At time.Time
}

// ToolAbandoned: a tool did not return within the run's stop grace after
// its context ended — the run stopped (Reason "stopped"), or the tool's
// timeout passed (Reason "timeout") — and the run went on without it. Its
// result, if it ever comes, is discarded; its goroutine ends when the tool
// returns. A tool should honour its context; this is the net under it.
type ToolAbandoned struct {
	Run  *RunInfo
	Call ai.ToolCall
	// Reason is "stopped" or "timeout".
	Reason string
	// Grace is how long the run waited once the context had ended.
	Grace time.Duration
}

// RunInfo implements Step.
func (s *ToolAbandoned) RunInfo() *RunInfo { return s.Run }

func (*ToolAbandoned) step() {}

// ApprovalHow says how an approval was settled.
type ApprovalHow uint8

// The ways an approval is settled.
const (
	// ApprovalByUser: AgentRun.Approve answered it.
	ApprovalByUser ApprovalHow = iota
	// ApprovalTimedOut: no answer within the approval timeout (denied).
	ApprovalTimedOut
	// ApprovalNotAskable: the run has no event stream to ask on (denied).
	ApprovalNotAskable
)

// String is "answered", "timed_out" or "not_askable".
func (h ApprovalHow) String() string {
	switch h {
	case ApprovalByUser:
		return "answered"
	case ApprovalTimedOut:
		return "timed_out"
	case ApprovalNotAskable:
		return "not_askable"
	}
	return "unknown"
}

// ApprovalAsked: the call waits for AgentRun.Approve(ID) until Deadline.
type ApprovalAsked struct {
	Run  *RunInfo
	Call ai.ToolCall
	// ID is what AgentRun.Approve takes.
	ID string
	// Args are the call's decoded arguments.
	Args map[string]any
	// Message, Values and ValidationErrors are the tool's
	// ValidationResult: what the call will do, what to show, what failed.
	Message          string
	Values           any
	ValidationErrors []error
	Timeout          time.Duration
	Deadline         time.Time
}

// ApprovalAnswered: the call's approval was settled; when not Approved,
// Reason says why and the tool does not run.
type ApprovalAnswered struct {
	Run      *RunInfo
	Call     ai.ToolCall
	Approved bool
	How      ApprovalHow
	Reason   string
	Timeout  time.Duration
}

// SubAgentStart: the run delegates to a sub-agent's run, Child (whose own
// RunStart its observers have seen).
type SubAgentStart struct {
	Run   *RunInfo
	Child *RunInfo
}

// SubAgentEnd: the sub-agent's run Child ended, with Err when it failed;
// ChildStats are its final Stats.
type SubAgentEnd struct {
	Run        *RunInfo
	Child      *RunInfo
	ChildStats Stats
	Err        error
}

// Decision: an interceptor decided something about a step of the run and
// says so (RunInfo.Report): a guardrail passed, rewrote or tripped; a typed
// answer was asked for again; a conversation was compacted. Observers show
// it: the log (Warn for "trip", Info otherwise), the trace file, a span
// event, an *aigentic.DecisionEvent.
type Decision struct {
	Run *RunInfo
	// By names who decided: a guard's or an interceptor's name.
	By string
	// Step is what the decision is about: "input", "output", "model call
	// 2", `tool "fetch_page"`.
	Step string
	// Action is what was done, one short word from a small set the
	// decider documents ("pass", "rewrite", "trip", "retry", "compact"):
	// it may become a metric label.
	Action string
	// Reason says why, briefly, for a person.
	Reason string
	// TokensBefore and TokensAfter are the size, in (estimated) tokens, of
	// what the decision changed, before and after — a compaction's prompt
	// — when it changed a size; 0 otherwise.
	TokensBefore, TokensAfter int
}

// RunInfo implements Step.
func (s *Decision) RunInfo() *RunInfo { return s.Run }

func (*Decision) step() {}

// RunInfo implements Step.
func (s *RunStart) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *RunEnd) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *RateLimitWait) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ModelStart) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ModelEnd) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *Content) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ToolStart) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ToolAttempt) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ToolAttemptEnd) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ToolEnd) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ApprovalAsked) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *ApprovalAnswered) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *SubAgentStart) RunInfo() *RunInfo { return s.Run }

// RunInfo implements Step.
func (s *SubAgentEnd) RunInfo() *RunInfo { return s.Run }

func (*RunStart) step()         {}
func (*RunEnd) step()           {}
func (*RateLimitWait) step()    {}
func (*ModelStart) step()       {}
func (*ModelEnd) step()         {}
func (*Content) step()          {}
func (*ToolStart) step()        {}
func (*ToolAttempt) step()      {}
func (*ToolAttemptEnd) step()   {}
func (*ToolEnd) step()          {}
func (*ApprovalAsked) step()    {}
func (*ApprovalAnswered) step() {}
func (*SubAgentStart) step()    {}
func (*SubAgentEnd) step()      {}
