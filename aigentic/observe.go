package aigentic

import (
	"context"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The run loop reports each step once, to one seam: r.obs. Everything
// that watches a run — its Stats, the trace file, slog, the events of
// Next() and OpenTelemetry — is an observer of that seam, so adding a sink
// means writing an observer and registering it in observeRun, never
// touching the loop.
//
// Rules (borrowed from grpc's stats.Handler and River's hooks):
//   - Steps are values and read-only; an observer keeps what it needs.
//   - Observers are called synchronously, in registration order, from the
//     run's goroutine (a streamed fragment from the goroutine that called
//     Model.Generate, which is the same one); they must not block, and
//     hand slow work to asynchronous exporters (the OTel SDK's batchers).
//   - An observer never fails the run: it has no error to return.
//   - The steps that begin something (a run, a model attempt, a tool call)
//     hand a context forward: each observer gets the context the previous
//     one returned and returns it or one derived from it. The run uses
//     the last one — the model attempt's reaches Model.Generate, the tool
//     call's is AgentRun.Context() while the tool runs (so a sub-agent's
//     run nests under it) — and gives it back with the matching end step.
//   - Steps are passed by value through an interface, so reporting one
//     allocates nothing; an observer that is not needed is not registered.

// observer watches one run. Embed baseObserver and override the steps of
// interest.
type observer interface {
	runStart(ctx context.Context, s runStart) context.Context
	runEnd(ctx context.Context, s runEnd)
	rateLimitWait(ctx context.Context, s rateLimitWait)
	modelStart(ctx context.Context, s modelStart) context.Context
	modelEnd(ctx context.Context, s modelEnd)
	content(ctx context.Context, s contentStep)
	toolStart(ctx context.Context, s toolStart) context.Context
	toolAttempt(ctx context.Context, s toolAttempt)
	toolAttemptEnd(ctx context.Context, s toolAttemptEnd)
	toolEnd(ctx context.Context, s toolEnd)
	approvalAsked(ctx context.Context, s approvalAsked)
	approvalAnswered(ctx context.Context, s approvalAnswered)
	subAgentStart(ctx context.Context, s subAgentStart)
	subAgentEnd(ctx context.Context, s subAgentEnd)
}

// runStart: the run is ready (its tools resolved, its context derived);
// its first model call comes next.
type runStart struct{}

// runEnd: the run ended with result or err; stats are final.
type runEnd struct {
	result string
	err    error
	stats  Stats
}

// rateLimitWait: a model attempt waited d for Agent.RateLimiter; err is
// the limiter's refusal, if any.
type rateLimitWait struct {
	call int
	d    time.Duration
	err  error
}

// modelStart: attempt of model call call (both 1-based) is about to send
// req.
type modelStart struct {
	call, attempt int
	req           ai.Request
}

// modelEnd: the attempt ended after d with resp or err. A failed attempt
// that will be retried after retryIn has willRetry set; a transient
// failure out of retries has exhausted set.
type modelEnd struct {
	call, attempt int
	resp          *ai.Response
	err           error
	d             time.Duration
	retryIn       time.Duration
	willRetry     bool
	exhausted     bool
}

// contentStep: assistant text — a whole response's, or a streamed
// fragment (delta).
type contentStep struct {
	text  string
	delta bool
}

// toolStart: the model's tool call tc is about to be answered; tool is nil
// when no tool of that name exists.
type toolStart struct {
	tc   ai.ToolCall
	tool *AgentTool
}

// toolAttempt: attempt (1-based) of running tc's tool begins.
type toolAttempt struct {
	tc      ai.ToolCall
	attempt int
}

// toolAttemptEnd: the attempt ended after d; err is its failure (nil when
// the tool returned a result). Retry fields as in modelEnd.
type toolAttemptEnd struct {
	tc        ai.ToolCall
	attempt   int
	err       error
	d         time.Duration
	retryIn   time.Duration
	willRetry bool
	exhausted bool
}

// toolEnd: tc is answered with res after d, or failed with err (which
// stops the run: a *ToolError or a *StoppedError).
type toolEnd struct {
	tc  ai.ToolCall
	res *ai.ToolResult
	err error
	d   time.Duration
}

// approvalAsked: tc waits for AgentRun.Approve(id) until deadline.
type approvalAsked struct {
	tool    *AgentTool
	tc      ai.ToolCall
	id      string
	message string
	// validation is the tool's ValidationResult (AgentTool.Validate).
	validation ValidationResult
	args       map[string]any
	timeout    time.Duration
	deadline   time.Time
}

// approvalHow is how an approval was settled.
type approvalHow uint8

const (
	approvalAnsweredByUser approvalHow = iota // Approve was called
	approvalTimedOut                          // no answer within the timeout
	approvalImpossible                        // a run without events cannot ask
)

// approvalAnswered: tc's approval was settled; when not approved, reason
// says why and the tool does not run.
type approvalAnswered struct {
	tool     *AgentTool
	tc       ai.ToolCall
	approved bool
	how      approvalHow
	reason   string
	timeout  time.Duration
}

// subAgentStart: this run delegates to the sub-agent run child (its
// runStart has been reported to the child's own observers).
type subAgentStart struct{ child *AgentRun }

// subAgentEnd: the sub-agent run child ended; its Stats are final.
type subAgentEnd struct {
	child *AgentRun
	stats Stats
	err   error
}

// baseObserver implements every step as doing nothing.
type baseObserver struct{}

func (baseObserver) runStart(ctx context.Context, _ runStart) context.Context     { return ctx }
func (baseObserver) runEnd(context.Context, runEnd)                               {}
func (baseObserver) rateLimitWait(context.Context, rateLimitWait)                 {}
func (baseObserver) modelStart(ctx context.Context, _ modelStart) context.Context { return ctx }
func (baseObserver) modelEnd(context.Context, modelEnd)                           {}
func (baseObserver) content(context.Context, contentStep)                         {}
func (baseObserver) toolStart(ctx context.Context, _ toolStart) context.Context   { return ctx }
func (baseObserver) toolAttempt(context.Context, toolAttempt)                     {}
func (baseObserver) toolAttemptEnd(context.Context, toolAttemptEnd)               {}
func (baseObserver) toolEnd(context.Context, toolEnd)                             {}
func (baseObserver) approvalAsked(context.Context, approvalAsked)                 {}
func (baseObserver) approvalAnswered(context.Context, approvalAnswered)           {}
func (baseObserver) subAgentStart(context.Context, subAgentStart)                 {}
func (baseObserver) subAgentEnd(context.Context, subAgentEnd)                     {}

// observers calls each observer in order.
type observers []observer

func (os observers) runStart(ctx context.Context, s runStart) context.Context {
	for _, o := range os {
		ctx = o.runStart(ctx, s)
	}
	return ctx
}

func (os observers) runEnd(ctx context.Context, s runEnd) {
	for _, o := range os {
		o.runEnd(ctx, s)
	}
}

func (os observers) rateLimitWait(ctx context.Context, s rateLimitWait) {
	for _, o := range os {
		o.rateLimitWait(ctx, s)
	}
}

func (os observers) modelStart(ctx context.Context, s modelStart) context.Context {
	for _, o := range os {
		ctx = o.modelStart(ctx, s)
	}
	return ctx
}

func (os observers) modelEnd(ctx context.Context, s modelEnd) {
	for _, o := range os {
		o.modelEnd(ctx, s)
	}
}

func (os observers) content(ctx context.Context, s contentStep) {
	for _, o := range os {
		o.content(ctx, s)
	}
}

func (os observers) toolStart(ctx context.Context, s toolStart) context.Context {
	for _, o := range os {
		ctx = o.toolStart(ctx, s)
	}
	return ctx
}

func (os observers) toolAttempt(ctx context.Context, s toolAttempt) {
	for _, o := range os {
		o.toolAttempt(ctx, s)
	}
}

func (os observers) toolAttemptEnd(ctx context.Context, s toolAttemptEnd) {
	for _, o := range os {
		o.toolAttemptEnd(ctx, s)
	}
}

func (os observers) toolEnd(ctx context.Context, s toolEnd) {
	for _, o := range os {
		o.toolEnd(ctx, s)
	}
}

func (os observers) approvalAsked(ctx context.Context, s approvalAsked) {
	for _, o := range os {
		o.approvalAsked(ctx, s)
	}
}

func (os observers) approvalAnswered(ctx context.Context, s approvalAnswered) {
	for _, o := range os {
		o.approvalAnswered(ctx, s)
	}
}

func (os observers) subAgentStart(ctx context.Context, s subAgentStart) {
	for _, o := range os {
		o.subAgentStart(ctx, s)
	}
}

func (os observers) subAgentEnd(ctx context.Context, s subAgentEnd) {
	for _, o := range os {
		o.subAgentEnd(ctx, s)
	}
}

// observeRun registers the run's observers, in this order: stats (the one
// the run reads back), OpenTelemetry (first of the sinks, so the others
// see its spans in the context they get), the trace file, slog, and the
// events of Next(). Each is registered only when it has something to do.
// It is called at the end of newRun, before the run is shared.
func (r *AgentRun) observeRun() {
	r.obs = r.obsBuf[:0]
	r.statsObs.r = r
	r.obs = append(r.obs, &r.statsObs)
	if o := newOTelObserver(r); o != nil {
		r.obs = append(r.obs, o)
	}
	if r.trace != nil {
		r.traceObs.r = r
		r.obs = append(r.obs, &r.traceObs)
	}
	r.logObs.r = r
	r.obs = append(r.obs, &r.logObs)
	if r.events.enabled {
		r.eventObs.r = r
		r.obs = append(r.obs, &r.eventObs)
	}
}
