package aigentic

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// DefaultStopGrace is how long a run waits, by default (Agent.StopGrace),
// for a tool to return once its context has ended — the run stopped, or
// the tool's timeout passed — before it abandons the call. A tool that
// honours its context returns within microseconds; one that does not
// would otherwise hold the run, and the request that waits on it, as long
// as it likes.
const DefaultStopGrace = 250 * time.Millisecond

// toolOutcome is what a tool returned.
type toolOutcome struct {
	res *ai.ToolResult
	err error
}

// execTool runs the tool in a goroutine of its own, in ctx bounded by
// timeout (> 0), so the run never waits on a tool that ignores its
// context: when ctx ends — the run stopped, or the timeout passed — the
// tool gets Agent.StopGrace to return, after which the call is abandoned
// (reported, its eventual result discarded; its goroutine ends when the
// tool returns) with errAbandoned. It reports whether the call ran past
// its timeout. A call nothing can stop runs in the run's goroutine.
func (r *AgentRun) execTool(ctx context.Context, f *toolFrame, t *AgentTool, tc ai.ToolCall, args map[string]any, timeout time.Duration) (*ai.ToolResult, error, bool) {
	if timeout == 0 && !r.concurrent && !r.stoppable {
		// Nothing can stop this call before the tool returns — no timeout,
		// and a run nobody outside can stop (Execute on a context that
		// never ends) — so there is nothing to wait for: run it here,
		// without a goroutine.
		res, err := execute(r.handle(), t, tc.Arguments, args)
		return res, err, false
	}
	tctx, h := ctx, r.handle()
	if timeout > 0 {
		var cancel context.CancelFunc
		tctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		h = r.scoped(f, tctx)
	} else if r.concurrent {
		h = r.scoped(f, ctx)
	}
	done := make(chan toolOutcome, 1)
	go func() {
		res, err := execute(h, t, tc.Arguments, args)
		done <- toolOutcome{res, err}
	}()
	select {
	case out := <-done:
		return out.res, out.err, false
	case <-tctx.Done():
	}
	// The context ended first: the run stopped, or the timeout passed.
	timedOut := ctx.Err() == nil
	if out, ok := waitGrace(r, done, nil); ok {
		if out.err == nil && out.res != nil && !out.res.Error {
			return out.res, nil, false // it finished as its time ran out
		}
		return out.res, out.err, timedOut
	}
	r.abandon(f, tc, timedOut, r.stopGrace())
	return nil, errAbandoned, timedOut
}

// waitGrace waits for done once a call's context has ended: Agent.StopGrace
// (r.stopGrace), then a grace more each time keep (if set) says the call
// must not be abandoned yet. ok is false when the grace ran out: the caller
// abandons the call. One rule for tools (execTool), models (generate) and
// interceptor chains (awaitChain).
func waitGrace[T any](r *AgentRun, done <-chan T, keep func() bool) (out T, ok bool) {
	grace := r.stopGrace()
	timer := graceTimer(grace)
	defer timer.Stop()
	for {
		select {
		case out = <-done:
			return out, true
		case <-timer.C:
		}
		if keep == nil || !keep() {
			return out, false
		}
		timer.Reset(grace)
	}
}

// graceTimer starts the timer of a stop's grace: time.NewTimer, which the
// package's tests replace to see the grace asked for without waiting it.
var graceTimer = time.NewTimer

// errAbandoned is execTool's error for a call it stopped waiting for.
var errAbandoned = errors.New("aigentic: tool call abandoned: it did not return after its context ended")

// stopGrace is the agent's StopGrace, or DefaultStopGrace.
func (r *AgentRun) stopGrace() time.Duration {
	if g := r.agent.StopGrace; g > 0 {
		return g
	}
	return DefaultStopGrace
}

// abandon reports that the run went on without tc's tool: counted, logged,
// traced, a span event, an event, and named by the run's *StoppedError.
func (r *AgentRun) abandon(f *toolFrame, tc ai.ToolCall, timedOut bool, grace time.Duration) {
	reason := "stopped"
	if timedOut {
		reason = outcomeTimeout
	}
	r.mu.Lock()
	r.rareLocked().abandoned = append(r.rareLocked().abandoned, tc)
	r.mu.Unlock()
	r.note(f.ctx, &hook.ToolAbandoned{Run: &r.info, Call: tc, Reason: reason, Grace: grace})
}

// execute runs the tool, turning a panic into a *PanicError.
func execute(run *AgentRun, t *AgentTool, raw string, args map[string]any) (res *ai.ToolResult, err error) {
	defer recoverAs(PanicInTool, &err)
	if t.executeRaw != nil {
		// Validation read empty arguments as {}; decode them the same way.
		if strings.TrimSpace(raw) == "" {
			raw = "{}"
		}
		return t.executeRaw(run, []byte(raw))
	}
	return t.Execute(run, args)
}
