package aigentic

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// DefaultMaxLLMCalls is the limit a run gets when Agent.MaxLLMCalls is 0.
// An agent is never unlimited: a runaway tool loop costs money.
const DefaultMaxLLMCalls = 20

// DefaultApprovalTimeout is how long a run waits for an approval when
// Agent.ApprovalTimeout is 0. No answer in time counts as denied.
const DefaultApprovalTimeout = 5 * time.Minute

// RateLimiter paces model requests. *rate.Limiter (golang.org/x/time/rate)
// implements it.
type RateLimiter interface {
	// Wait blocks until a request may be sent, or returns an error when
	// ctx ends first (or, for rate.Limiter, when the wait would outlast
	// ctx's deadline).
	Wait(ctx context.Context) error
}

// Agent describes an agent: a model, its instructions and tools, and the
// production limits of its runs. Agent is a value type: build it once and
// run it many times, concurrently — each Execute or Start is an independent
// run that copies the Agent.
type Agent struct {
	// Model answers the agent's calls. Required; a sub-agent (Agents)
	// without one uses its parent's.
	Model ai.Model
	// Name identifies the agent in logs and traces, and names it as a
	// tool when it is a sub-agent (see Agents).
	Name string
	// Description says what the agent does; used when it is a sub-agent.
	Description string
	// Instructions is the system prompt.
	Instructions string
	// Session groups runs under one context (timeout, cancellation). Nil
	// gives each run a session of its own on context.Background().
	Session *Session
	// Trace, when set, records each run in a text file of its own
	// (package aigentic/tracefile). Sub-agents without their own use
	// their parent's.
	Trace *Trace
	// Retries is how many more attempts a failed step gets when its
	// failure is transient: a model call (network error, attempt timeout,
	// HTTP 408/429/5xx), or a tool returning an ai.Transient error.
	// Permanent failures are never retried. 0 means no retries.
	Retries int
	// MaxLLMCalls bounds the model calls of one run; 0 means
	// DefaultMaxLLMCalls. A call counts once however many attempts its
	// retries took (retries are bounded by Retries, so a run makes at most
	// MaxLLMCalls × (1+Retries) requests). Sub-agents have limits of their
	// own; Budget bounds the whole run tree. Reaching the limit while the
	// model still asks for tools ends the run with a *LimitError holding
	// the work done so far.
	MaxLLMCalls int
	// LogLevel is the least level logged: Debug shows every model request
	// and tool call, and each run's start; Info (the zero value) one record
	// per run, at its end ("run finished", with the model and the counts);
	// Warn retries, tool errors and stops; Error failures.
	LogLevel slog.Level
	// Logger, when set, receives the records (filtered at LogLevel and
	// redacted, with the agent, session and run ids); nil logs through
	// slog.Default() as it is when the run starts, so slog.SetDefault
	// works (its handler's own level filters too: slog's default handler
	// drops Debug unless slog.SetLogLoggerLevel lowers it).
	Logger *slog.Logger
	// AgentTools are the tools offered to the model.
	AgentTools []AgentTool
	// Agents are sub-agents, each offered to the model as a tool named
	// after it, taking {"input": "..."}. Their runs share this run's
	// context, trace, log level and logger, and their LLM calls and tokens
	// count in this run's Stats. A sub-agent's failure reaches the model as
	// an error result; cancellation stops both. What a sub-agent does not
	// set of Model, RetryPolicy, RateLimiter, Pricing, Observers,
	// Interceptors and the other shared settings is its parent's; its
	// settings are checked when the top-level run starts (ErrInvalidAgent
	// naming it), at every depth.
	Agents []Agent
	// RateLimiter, when set, paces this agent's model requests: every
	// attempt waits for it first (ending early when the run's context
	// ends). A *rate.Limiter from golang.org/x/time/rate fits; share one
	// per tenant, per API key or per process. Sub-agents without their own
	// share it. The time spent waiting is in Stats.RateLimitWait.
	RateLimiter RateLimiter
	// RetryPolicy shapes the waits between retries; nil uses the defaults.
	RetryPolicy *RetryPolicy
	// Stream asks the model to stream; fragments arrive on Next() as
	// *ContentEvent with Delta true. When an attempt fails mid-stream and is
	// retried, a *RetryEvent follows its fragments: discard the text
	// streamed since the last model call began.
	Stream bool
	// ApprovalTimeout bounds the wait for AgentRun.Approve; 0 means
	// DefaultApprovalTimeout.
	ApprovalTimeout time.Duration
	// Pricing, when set, prices the model's tokens: Stats.CostUSD and
	// cost metrics use it. Nil means the cost is unknown. Sub-agents
	// without their own use their parent's.
	Pricing *Pricing
	// TracerProvider makes the OpenTelemetry spans of the agent's runs,
	// named and shaped by the GenAI semantic conventions: "invoke_agent
	// {Name}" per run (a sub-agent's nests under its parent's tool call),
	// "chat {model}" per model attempt and "execute_tool {tool}" per tool
	// call (package aigentic/otelagent). Nil uses otel.GetTracerProvider(), the global one,
	// which records nothing until the program sets one. Sub-agents without
	// their own use their parent's.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the agent's metrics: gen_ai.client.token.usage,
	// gen_ai.client.operation.duration, aigentic.runs, aigentic.run.duration,
	// aigentic.tool.calls, aigentic.retries, aigentic.retries.exhausted,
	// aigentic.rate_limit.wait.duration and, with Pricing, aigentic.cost
	// (package aigentic/otelagent). Nil uses otel.GetMeterProvider(). Sub-agents
	// without their own use their parent's.
	MeterProvider metric.MeterProvider
	// Memory, when set, gives the agent's runs a memory they share,
	// offered to the model as tools (see package aigentic/memory). Like
	// the aigentic library, memories are scoped to the Session by default:
	// give the agent a Session so its runs remember. Sub-agents do not
	// inherit it; give them their own.
	Memory Memory
	// Budget bounds the model calls, tool calls, tokens and estimated
	// cost of a whole run tree: this agent's run and its sub-agents' runs
	// draw from it together. The zero Budget limits nothing (MaxLLMCalls
	// still applies). See Budget.
	Budget Budget
	// ToolTimeout bounds each run of a tool that has no Timeout of its
	// own (see AgentTool.Timeout); 0 means none: only the run's context
	// bounds it.
	ToolTimeout time.Duration
	// ParallelToolCalls is how many tool calls of one model response may
	// run at once; 0 or 1 runs them one at a time. With more, a turn's
	// calls run concurrently (at most that many at a time), their results
	// go back in the order the model asked for them, approvals are asked
	// one at a time, steps reach observers one at a time (each call's
	// start in call order before any runs, each end in call order after
	// all have), budgets are charged per call, and a Go error from one
	// call cancels the others and stops the run. Tools and interceptors
	// must then be safe for concurrent use.
	ParallelToolCalls int
	// StopGrace is how long a run waits for a tool to return once the
	// tool's context has ended — the run stopped, or the tool's timeout
	// passed — before it abandons the call (hook.ToolAbandoned, named by
	// the *StoppedError); 0 means DefaultStopGrace. A stop thus never
	// waits on a tool that ignores its context longer than this. A model
	// call is given the same grace once the run stopped or the attempt's
	// RetryPolicy.AttemptTimeout passed, then abandoned (its answer
	// discarded), and so is an Interceptor that ignores its context
	// (hook.Interceptor; its late next is refused with ErrCallEnded).
	StopGrace time.Duration
	// Observers see every step of the agent's runs, read-only, after the
	// runtime's own (Stats, OpenTelemetry, the trace file, slog, events):
	// see package aigentic/hook. Sub-agents without their own use their
	// parent's.
	Observers []Observer
	// Interceptors wrap the model calls and tool calls of the agent's
	// runs, the first one outermost: they may rewrite a request or a
	// result, or refuse the step, which ends the run with a *HaltError
	// keeping the work done. See package aigentic/hook. Sub-agents without
	// their own use their parent's.
	Interceptors []Interceptor
}

// Execute runs the agent on message and returns its final answer. It runs
// in the calling goroutine and records no events. It stops when the
// Session's context ends.
func (a Agent) Execute(message string) (string, error) {
	r, err := a.newRun(message, false, nil)
	if err != nil {
		return "", err
	}
	r.loop()
	return r.result, r.err
}

// Start begins a run in the background. Read its events with Next(), stop
// it with Cancel(), and get its answer with Wait().
func (a Agent) Start(message string) (*AgentRun, error) {
	r, err := a.newRun(message, true, nil)
	if err != nil {
		return nil, err
	}
	go r.loop()
	return r, nil
}

// ExecuteContext is Execute bound to ctx as well as to the Session, as
// database/sql's QueryContext is: the run ends when either ctx or the
// session's context ends, whichever comes first, with a *StoppedError
// wrapping that context's error and cause. The run's context (what tools
// get from run.Context()) carries ctx's values and the earlier of the two
// deadlines. A nil ctx is an error wrapping ErrNilContext; nothing runs.
func (a Agent) ExecuteContext(ctx context.Context, message string) (string, error) {
	if ctx == nil {
		return "", fmt.Errorf("%w: Agent.ExecuteContext needs a context (context.Background() for none)", ErrNilContext)
	}
	r, err := a.newRunContext(ctx, message, false, nil)
	if err != nil {
		return "", err
	}
	r.loop()
	return r.result, r.err
}

// StartContext is Start bound to ctx as well as to the Session: the run
// ends when either ends (see ExecuteContext). A nil ctx is an error
// wrapping ErrNilContext; nothing starts.
func (a Agent) StartContext(ctx context.Context, message string) (*AgentRun, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: Agent.StartContext needs a context (context.Background() for none)", ErrNilContext)
	}
	r, err := a.newRunContext(ctx, message, true, nil)
	if err != nil {
		return nil, err
	}
	go r.loop()
	return r, nil
}
