package aigentic

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// answerParallel answers the tool calls of one model response at once,
// at most Agent.ParallelToolCalls at a time:
//
//   - each call is charged to the budgets first, in call order; the calls
//     a budget refuses stay pending (the run then ends with its
//     *LimitError, after the others);
//   - each call's ToolStart is reported in call order before any runs, its
//     ToolEnd in call order once all have ended (hook.ToolEnd.At says
//     when each really did), and steps in between one at a time;
//   - approvals are asked one at a time;
//   - results join the transcript in call order, each call's that returned
//     one, also when the turn ends in an error (and in a *HaltError's
//     Transcript when an interceptor halts one of the calls);
//   - a Go error from one call cancels the others, and stops the run with
//     that error once they have returned (each within Agent.StopGrace); a
//     stop of the run names the calls it cut short.
func (r *AgentRun) answerParallel(calls []ai.ToolCall) error {
	granted := len(calls)
	for i := range calls {
		if r.budgetBeforeToolCall(calls[i:]) != nil {
			granted = i
			break
		}
	}
	frames := make([]toolFrame, granted)
	turn, cancel := context.WithCancelCause(r.ctx)
	defer cancel(nil)
	for i := range frames {
		f := &frames[i]
		r.startTool(turn, f, calls[i])
		f.ctx = context.WithValue(f.ctx, frameKey{}, f)
	}

	type outcome struct {
		res   *ai.ToolResult
		err   error
		ended time.Time
	}
	outcomes := make([]outcome, granted)
	var first struct {
		sync.Once
		err error
	}
	r.concurrent = true
	var g errgroup.Group
	g.SetLimit(r.agent.ParallelToolCalls)
	for i := range frames {
		g.Go(func() error {
			res, err := r.callTool(&frames[i])
			outcomes[i] = outcome{res, err, r.now()}
			if err != nil {
				first.Do(func() { first.err = err })
				cancel(err)
			}
			return nil
		})
	}
	_ = g.Wait() // the calls report their errors in outcomes
	r.concurrent = false

	// Every result a call returned joins the transcript, also in a turn a
	// stop or another call's Go error ends, as one at a time it would.
	var unfinished []ai.ToolCall
	for i := range frames {
		o := outcomes[i]
		res := r.endTool(&frames[i], o.res, o.err, o.ended)
		if o.err != nil {
			unfinished = append(unfinished, calls[i])
			continue
		}
		if err := r.saveResult(frames[i].start.Call, res); err != nil {
			return err
		}
	}
	// A stop names the calls it cut short (all of them when each returned
	// within Agent.StopGrace), not the one that noticed it first.
	if len(unfinished) == 0 {
		unfinished = calls[:granted]
	}
	if err := r.stoppedDuringTools(unfinished...); err != nil {
		return err
	}
	if first.err != nil {
		if he, ok := first.err.(*HaltError); ok {
			// It was taken when the call halted; the turn's other calls
			// have answered since, and their results are the run's.
			he.Transcript, he.Partial = r.transcript(), r.partial()
		}
		return first.err
	}
	if granted < len(calls) {
		return r.budgetBeforeToolCall(calls[granted:])
	}
	return nil
}
