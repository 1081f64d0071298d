// Package hook is the seam of an aigentic run: the one place where code of
// your own meets the run loop. It has two roles.
//
// An [Observer] sees every step of a run, read-only: the run's start and
// end, each model attempt, each tool call and its attempts, approvals,
// sub-agents, rate-limit waits, streamed text. It can never fail the run.
// The runtime's own sinks are observers of this seam — the run's Stats, its
// slog records, the events of AgentRun.Next, the trace file
// (package aigentic/tracefile) and OpenTelemetry (package
// aigentic/otelagent) — and a sink of yours is one more:
//
//	agent.Observers = []aigentic.Observer{myMetrics{}}
//
// An [Interceptor] wraps a run's model calls and tool calls, as net/http
// middleware wraps a handler: it may inspect and rewrite the request
// before calling next, inspect and rewrite what next returns, or refuse
// the step by returning an error without calling next — which stops the
// run with an *aigentic.HaltError holding the work done so far.
// Guardrails, typed answers, context-window compaction and failover are
// built on it.
//
// Both are set per agent (aigentic.Agent.Observers, .Interceptors), run in
// the order given, and are inherited by sub-agents that set none of their
// own, as the agent's other settings are.
//
// The design follows grpc-go's stats.Handler (one method over a closed
// family of step types, the begin steps handing a context forward), River's
// hooks and middleware, and net/http middleware.
package hook

import (
	"context"
	"log/slog"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Observer watches runs. Observe is called once for each step of each run
// of the agents it is registered on, with a *RunStart, *RunEnd,
// *ModelStart, *ModelEnd, *Content, *ToolStart, *ToolAttempt,
// *ToolAttemptEnd, *ToolEnd, *ApprovalAsked, *ApprovalAnswered,
// *SubAgentStart, *SubAgentEnd, *RateLimitWait, *ToolAbandoned or
// *Decision; switch on the type and
// keep a default case: new step types may be added.
//
// The rules:
//
//   - Observe is called synchronously from the run's goroutine (a
//     streamed *Content from the goroutine that called Model.Generate,
//     which is the same one), in registration order. It must not block:
//     hand slow work to something asynchronous (the OpenTelemetry SDK's
//     batchers, a buffered channel of copies).
//   - A step is read-only, and valid only during the call: the run reuses
//     its step values, so an observer that keeps one copies it
//     (kept := *s). The slices and pointers a step holds (the request's
//     messages, the response) belong to the run: read them, never modify
//     them.
//   - Observe returns a context. For the steps that begin something —
//     *RunStart, *ModelStart, *ToolStart — the run passes it on: to the next
//     observer, then to what the step begins (the run's context, the
//     context Model.Generate gets, the context a tool runs in), and gives
//     it back with the matching end step. That is where per-run state
//     lives (grpc's TagRPC pattern): derive a context carrying yours at
//     *RunStart and read it back from the ctx of later steps. For every
//     other step the returned context is ignored; return ctx.
//   - An observer never fails the run. A panic in one is recovered, logged
//     once at Error on the run's logger with its stack, and that observer
//     sees nothing more of that run. A context it returns carries values,
//     not cancellation: one already ended is ignored (the run goes on in
//     the context it gave); one it cancels later would stop the step, so
//     derive with context.WithValue or a tracer, never WithCancel.
//
// One Observer value serves every run of its agents, concurrently: keep
// per-run state in the context, not in the observer.
type Observer interface {
	Observe(ctx context.Context, step Step) context.Context
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(ctx context.Context, step Step) context.Context

// Observe calls f(ctx, step).
func (f ObserverFunc) Observe(ctx context.Context, step Step) context.Context { return f(ctx, step) }

// Interceptor wraps a run's model calls and tool calls.
//
// InterceptModel wraps one model call: the whole call, with its retries
// (each attempt is an observed *ModelStart/*ModelEnd pair inside next). It
// may change call.Request before calling next — give it a new Messages
// slice rather than writing to the run's (the transcript stays what the
// model answered to) — and change or replace the response next returns.
//
// InterceptTool wraps one tool call: argument validation, approval and
// execution with retries are all inside next. It may change call.Arguments
// before calling next (they are then validated like the model's), and
// change or replace the result. To refuse one call while the run goes on,
// return an error result (ai.ErrorText) without calling next: the model
// sees it.
//
// Returning an error that next did not return — refusing the step, or
// rejecting what next returned — stops the run with an
// *aigentic.HaltError wrapping it, the transcript so far kept. An error
// next returned, passed on (wrapped or not), ends the run as it would have
// without the interceptor. A panic is recovered and halts the run the
// same way, wrapping an *aigentic.PanicError (its Interceptor set).
//
// next may be called again once it returned — to retry, as
// window.Compactor does after a context-length refusal — but not while an
// earlier call of it for the same step still runs: that call returns an
// error wrapping aigentic.ErrConcurrentNext, and the step is not run.
// Called after its step ended — an interceptor that kept next — it
// returns an error wrapping aigentic.ErrCallEnded, and nothing runs. next
// must be given the context the interceptor got, or one derived from it:
// it tells which call next continues (aigentic.ErrNextContext otherwise).
//
// Interceptors run in order: the first one given is the outermost, so it
// sees the request first and the response last. They run with the run's
// context (a tool call's context for InterceptTool) and should honour it:
// in a run something can stop, the chain runs in a goroutine of its own,
// and once the context ends an interceptor that has not returned within
// Agent.StopGrace is abandoned, as a tool is (a tool call's reported as
// ToolAbandoned); what it returns later is discarded.
type Interceptor interface {
	InterceptModel(ctx context.Context, call *ModelCall, next ModelNext) (*ai.Response, error)
	InterceptTool(ctx context.Context, call *ToolCall, next ToolNext) (*ai.ToolResult, error)
}

// ModelNext continues a model call: the next interceptor, or the call
// itself.
type ModelNext func(ctx context.Context, call *ModelCall) (*ai.Response, error)

// ToolNext continues a tool call: the next interceptor, or the call
// itself.
type ToolNext func(ctx context.Context, call *ToolCall) (*ai.ToolResult, error)

// ModelCall is a model call an interceptor wraps.
type ModelCall struct {
	// Run is the run making the call.
	Run *RunInfo
	// Call is the call's number in the run, 1-based.
	Call int
	// Request is what will be sent.
	Request ai.Request
	// FollowUp, set by an interceptor on a response that is a final answer
	// (no tool calls), turns it into a turn of the conversation: the run
	// appends the answer, then these messages (a user message saying what
	// was wrong with it, say), and calls the model again instead of ending.
	// That call counts like any other (Agent.MaxLLMCalls, budgets,
	// Stats.LLMCalls and Stats.FollowUps). Typed answers ask again this way
	// when an answer does not match its schema. Ignored on a response with
	// tool calls.
	FollowUp []ai.Message
}

// ToolCall is a tool call an interceptor wraps: the model's call (its ID,
// the tool's name and the raw JSON arguments).
type ToolCall struct {
	ai.ToolCall
	// Run is the run making the call.
	Run *RunInfo
	// Tool is the tool called, as offered to the model; nil when no tool
	// of that name exists (next then answers with an error result).
	Tool *ai.Tool
}

// Funcs is an Interceptor built from functions; a nil function passes the
// call on unchanged. It suits an interceptor that wraps only one kind of
// call.
type Funcs struct {
	Model func(ctx context.Context, call *ModelCall, next ModelNext) (*ai.Response, error)
	Tool  func(ctx context.Context, call *ToolCall, next ToolNext) (*ai.ToolResult, error)
}

// InterceptModel calls f.Model, or next when it is nil.
func (f Funcs) InterceptModel(ctx context.Context, call *ModelCall, next ModelNext) (*ai.Response, error) {
	if f.Model == nil {
		return next(ctx, call)
	}
	return f.Model(ctx, call, next)
}

// InterceptTool calls f.Tool, or next when it is nil.
func (f Funcs) InterceptTool(ctx context.Context, call *ToolCall, next ToolNext) (*ai.ToolResult, error) {
	if f.Tool == nil {
		return next(ctx, call)
	}
	return f.Tool(ctx, call, next)
}

// RunInfo describes a run: the same value for every step and call of the
// run. Its fields never change once the run has started.
type RunInfo struct {
	// ID identifies the run ("run_…"), as AgentRun.ID does.
	ID string
	// Parent is the run that delegated to this one (a sub-agent's run);
	// nil for a top-level run.
	Parent *RunInfo
	// AgentName is the agent's name ("agent" when it has none).
	AgentName string
	// SessionID is the run's session's ID.
	SessionID string
	// Model is the agent's model's name (ai.Model.ModelName).
	Model string
	// Provider names the model's provider as gen_ai.provider.name does
	// ("openai", "offline"): the model's ProviderName() when it has that
	// method, else the last element of its package path.
	Provider string
	// Tools are the tools offered to the model, in order.
	Tools []ai.Tool
	// MaxLLMCalls is the run's limit of model calls (the default applied);
	// Retries the agent's Retries.
	MaxLLMCalls, Retries int
	// Priced is set when the agent has a Pricing: the cost of its tokens
	// (ModelEnd.CostUSD, Stats.CostUSD) is known.
	Priced bool
	// Started is when the run started.
	Started time.Time
	// Logger is the run's logger: the agent's level, the agent, session
	// and run ids on every record, redacted. An observer that has
	// something to say about the run (a trace that could not be written)
	// says it here.
	Logger *slog.Logger
	// Reporter reports steps of an interceptor's own (a *Decision) to the
	// run's observers, as the run reports its own; nil for a RunInfo the
	// runtime did not make. Call it from the call the interceptor wraps.
	Reporter Reporter
}

// Reporter reports a decision to a run's observers. *aigentic.AgentRun is
// one. Only a *Decision can be reported: the run's other steps are the
// run's own to report, so an interceptor cannot forge a ModelEnd (and its
// usage) or a second RunEnd.
type Reporter interface {
	Report(ctx context.Context, d *Decision)
}

type runInfoKey struct{}

// NewContext returns ctx carrying info: the runtime puts its run's in the
// run's context, so what runs inside the run — a model, a tool, an
// interceptor's own calls — can find it with FromContext.
func NewContext(ctx context.Context, info *RunInfo) context.Context {
	return context.WithValue(ctx, runInfoKey{}, info)
}

// FromContext returns the RunInfo of the run whose context ctx is (or
// derives from), or nil. A model that routes among several (a failover
// list) reports what it did through it: FromContext(ctx).Report(ctx, …).
func FromContext(ctx context.Context) *RunInfo {
	info, _ := ctx.Value(runInfoKey{}).(*RunInfo)
	return info
}

// Report reports d through r.Reporter, if it has one.
func (r *RunInfo) Report(ctx context.Context, d *Decision) {
	if r != nil && r.Reporter != nil {
		r.Reporter.Report(ctx, d)
	}
}

// Step is one step of a run, as an Observer sees it: one of the pointer
// types of this package (*RunStart, *ModelEnd, …). The set is closed:
// only this package implements Step.
type Step interface {
	// RunInfo returns the run the step belongs to.
	RunInfo() *RunInfo
	step()
}

// Stats are a run's counters. They are complete after the run ends —
// whether it succeeded or failed — and readable while it runs.
// aigentic.Stats is this type.
type Stats struct {
	// LLMCalls is the number of model calls that ran (each call counts once
	// however many attempts it took), sub-agents' calls included.
	LLMCalls int
	// Retries is the number of retried attempts (model calls and tools),
	// sub-agents' included.
	Retries int
	// ToolCalls is the number of this run's tool calls executed or
	// answered (a delegation to a sub-agent is one; the sub-agent's own
	// tool calls are in its trace and events, not here).
	ToolCalls int
	// ToolErrors is the number of this run's tool calls whose result was
	// an error.
	ToolErrors int
	// InputTokens and OutputTokens add up the usage reported by the model,
	// sub-agents included.
	InputTokens  int
	OutputTokens int
	// CachedInputTokens is the part of InputTokens served from the
	// provider's prompt cache, and ReasoningTokens the part of
	// OutputTokens a reasoning model spent thinking (ai.Usage), when the
	// provider said.
	CachedInputTokens int
	ReasoningTokens   int
	// CostUSD is the estimated cost of those tokens in US dollars, priced
	// with Agent.Pricing (sub-agents included, each priced with its own
	// Pricing or its parent's); 0 without Pricing.
	CostUSD float64
	// RateLimitWait is the time spent waiting for Agent.RateLimiter,
	// sub-agents' included.
	RateLimitWait time.Duration
	// Started is when the run started.
	Started time.Time
	// Duration is how long the run took (so far, while it runs).
	Duration time.Duration
	// FollowUps is the number of model calls an interceptor asked for after
	// an answer it did not accept (ModelCall.FollowUp): a typed answer
	// that did not match its schema, an output guard asking again.
	FollowUps int
	// Compactions is the number of times an interceptor shortened what was
	// sent to fit the model's context window (a *Decision with Action
	// "compact"); Fallbacks the number of times a model that routes among
	// several moved on from one that failed (Action "fallback").
	Compactions, Fallbacks int
	// CompactedTokens adds up what compactions took off the prompts sent
	// (Decision.TokensBefore − TokensAfter), in estimated tokens.
	CompactedTokens int
	// ToolTimeouts is the number of this run's tool calls that ran past
	// their timeout (AgentTool.Timeout, Agent.ToolTimeout): error results
	// the model saw. ToolsAbandoned is the number of tool calls the run
	// stopped waiting for (hook.ToolAbandoned).
	ToolTimeouts, ToolsAbandoned int
	// ResponseModel and ResponseProvider name the model that gave this
	// run's last response and its provider (gen_ai.response.model and
	// gen_ai.provider.name): the response's own names, else the agent's
	// model and its provider. Behind a failover list they name the model
	// of the list that answered. "" before the first response.
	ResponseModel, ResponseProvider string
	// ToolUseFailures is the number of model calls whose tool call the
	// provider refused as malformed (ai.ErrToolUseFailed, Groq's
	// tool_use_failed): the model was told and asked again.
	ToolUseFailures int
}
