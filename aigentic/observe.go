package aigentic

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Observer sees every step of a run, read-only: see hook.Observer, the
// seam's contract. Agent.Observers holds the agent's own; the runtime's
// sinks (Stats, slog, events, the trace file, OpenTelemetry) are observers
// of the same seam.
type Observer = hook.Observer

// Interceptor wraps a run's model calls and tool calls: see
// hook.Interceptor. Agent.Interceptors holds them, outermost first.
type Interceptor = hook.Interceptor

// Stats are a run's counters: see hook.Stats.
type Stats = hook.Stats

// The run loop reports each step once, to one seam: r.observe for the
// steps that begin something (their context goes on), r.note for the
// others. Observers are registered by observeRun, in this order: stats
// (the one the run reads back), OpenTelemetry (first of the sinks, so the
// others see its spans in the context they get), the trace file, slog, the
// events of Next(), then the agent's own Observers. A new sink is an
// observer plus one line in observeRun; the loop never changes.
//
// The run reports through its step values (stepValues, and a tool call's
// toolFrame): one of each kind, reused, so reporting the steps of a model
// call or a tool call allocates nothing. The rare ones — approvals,
// sub-agents, abandoned calls — are made where they happen. Observers may
// not keep them (hook.Observer says so).

// stepValues are a run's reusable step values (those of a tool call are
// in its toolFrame).
type stepValues struct {
	runStart      hook.RunStart
	runEnd        hook.RunEnd
	rateLimitWait hook.RateLimitWait
	modelStart    hook.ModelStart
	modelEnd      hook.ModelEnd
	content       hook.Content
	// The steps of a tool call are its toolFrame's.
}

// Report reports a decision of an interceptor's own to the run's
// observers, as the run reports its own steps (hook.Reporter; it is
// RunInfo.Reporter). Call it from the run's goroutine: from an
// interceptor's call, or a tool. A nil d, or one reported after the run
// ended (after its RunEnd), is dropped.
func (r *AgentRun) Report(ctx context.Context, d *hook.Decision) {
	select {
	case <-r.done:
		return
	default:
	}
	if d != nil {
		r.note(ctx, d)
	}
}

// observe reports a step that begins something and returns the context
// the observers derived: each gets the one the previous returned.
func (r *AgentRun) observe(ctx context.Context, s hook.Step) context.Context {
	if r.concurrent {
		r.stepMu.Lock()
		defer r.stepMu.Unlock()
	}
	for _, o := range r.obs {
		ctx = o.Observe(ctx, s)
	}
	return ctx
}

// note reports any other step. While the calls of a parallel turn run,
// steps are reported one at a time: an observer is never called
// concurrently.
func (r *AgentRun) note(ctx context.Context, s hook.Step) {
	if r.concurrent {
		r.stepMu.Lock()
		defer r.stepMu.Unlock()
	}
	for _, o := range r.obs {
		o.Observe(ctx, s)
	}
}

// now is the time, for a step's Duration or At: read only when someone
// can see it (r.timed), the clock being a cost a run pays per step.
func (r *AgentRun) now() time.Time {
	if r.timed {
		return time.Now()
	}
	return time.Time{}
}

// elapsed is end-start for times from now: 0 when steps are not timed
// (both are zero then), without time.Time.Sub's cost on a zero time.
func (r *AgentRun) elapsed(start, end time.Time) time.Duration {
	if !r.timed {
		return 0
	}
	return end.Sub(start)
}

// observeRun registers the run's observers (see above). Each built-in one
// is registered only when it has something to do; the run's own live in
// the run, so registering them allocates nothing. It is called at the end
// of newRun, before the run is shared.
func (r *AgentRun) observeRun() {
	r.obs = r.obsBuf[:0]
	r.statsObs.r = r
	r.obs = append(r.obs, &r.statsObs)
	if o := r.otelObserver(); o != nil {
		r.obs = append(r.obs, o)
	}
	if r.agent.Trace != nil {
		r.obs = append(r.obs, r.agent.Trace)
	}
	r.logObs.r = r
	r.obs = append(r.obs, &r.logObs)
	if r.events.enabled {
		r.eventObs.r = r
		r.obs = append(r.obs, &r.eventObs)
	}
	for _, o := range r.agent.Observers {
		if o != nil {
			r.obs = append(r.obs, &guardedObserver{o: o, r: r})
		}
	}
	// Steps are timed when an observer other than stats and the log
	// registered, or the log writes Debug records (which show durations):
	// Stats and the run's Info record need the run's own times only.
	r.timed = len(r.obs) > 2 || r.logDebug
}

// guardedObserver runs an Observer of the agent's: a panic in it is
// recovered and logged, and it sees nothing more of the run.
type guardedObserver struct {
	o    hook.Observer
	r    *AgentRun
	dead atomic.Bool
}

func (g *guardedObserver) Observe(ctx context.Context, s hook.Step) (out context.Context) {
	if g.dead.Load() {
		return ctx
	}
	defer func() {
		if v := recover(); v != nil {
			g.dead.Store(true)
			out = ctx
			g.r.logger.ErrorContext(ctx, "observer panicked; it sees nothing more of this run",
				"observer", fmt.Sprintf("%T", g.o), "step", fmt.Sprintf("%T", s), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	out = g.o.Observe(ctx, s)
	if out == nil || out.Err() != nil && ctx.Err() == nil {
		// An observer never fails the run: a context it ended is not
		// passed on (its values would be, its cancellation may not).
		out = ctx
	}
	return out
}
