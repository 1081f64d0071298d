package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Demo 6, continued: how long and how wide a run's tool calls may go.
//
//   - Agent.StopGrace: a stop waits at most this long for a tool that
//     ignores its context, then abandons the call: the run returns, the
//     *aigentic.StoppedError lists the call in Abandoned, Stats counts it
//     in ToolsAbandoned, and the tool's late result is discarded.
//   - AgentTool.Timeout (Agent.ToolTimeout for every tool without its
//     own): past it the tool's context is cancelled and the model gets an
//     error result, "tool … timed out after …", and the run goes on
//     (Stats.ToolTimeouts).
//   - Agent.ParallelToolCalls: the calls of one model response run at
//     once, at most that many at a time; their results go back in the
//     order the model asked. The tools must be safe for concurrent use.
//
// The demo's printing and checks are in ex6_runcontrol_show.go.

// runControl bounds a run's tool calls; the zero value is the runtime's
// defaults (DefaultStopGrace, no tool timeout, one call at a time).
type runControl struct {
	StopGrace         time.Duration // how long a stop waits on a tool
	ToolTimeout       time.Duration // each call's, unless its tool has a Timeout
	ParallelToolCalls int           // a response's calls at once
}

// controlledRun is a run and what its tool calls did, as an observer on
// its steps saw them.
type controlledRun struct {
	stoppableRun
	// CallsPerTurn is the number of tool calls each model response asked
	// for (responses that asked for none are left out).
	CallsPerTurn []int
	// MostAtOnce is the most tool calls running at the same time: attempts
	// begun (hook.ToolAttempt) and not yet ended (hook.ToolAttemptEnd).
	MostAtOnce int
	// Results are what the model got for its tool calls, in call order.
	Results []*ai.ToolResult
	// Busy is the calls' durations summed; Span the time from the first
	// call's start to the last one's end.
	Busy, Span time.Duration
}

// runControlled runs agent on question, bound to ctx, with the limits of
// c, and returns what its tool calls did.
func runControlled(ctx context.Context, agent aigentic.Agent, question string, c runControl) controlledRun {
	agent.StopGrace, agent.ToolTimeout, agent.ParallelToolCalls = c.StopGrace, c.ToolTimeout, c.ParallelToolCalls
	w := &callWatch{}
	agent.Observers = append(slices.Clip(agent.Observers), w)
	r := controlledRun{stoppableRun: runStoppable(ctx, agent, question)}
	w.mu.Lock()
	defer w.mu.Unlock()
	r.CallsPerTurn, r.MostAtOnce, r.Results, r.Busy = w.perTurn, w.most, w.results, w.busy
	if !w.first.IsZero() {
		r.Span = w.last.Sub(w.first)
	}
	return r
}

// callWatch is an observer that records a run's tool calls. Steps reach
// it one at a time, even from calls running at once.
type callWatch struct {
	mu            sync.Mutex
	perTurn       []int
	running, most int
	results       []*ai.ToolResult
	busy          time.Duration
	first, last   time.Time
}

// Observe implements aigentic.Observer.
func (w *callWatch) Observe(ctx context.Context, step hook.Step) context.Context {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch s := step.(type) {
	case *hook.ModelEnd:
		if s.Response != nil && len(s.Response.Message.ToolCalls) > 0 {
			w.perTurn = append(w.perTurn, len(s.Response.Message.ToolCalls))
		}
	case *hook.ToolStart:
		if w.first.IsZero() {
			w.first = time.Now()
		}
	case *hook.ToolAttempt:
		w.running++
		w.most = max(w.most, w.running)
	case *hook.ToolAttemptEnd:
		w.running--
	case *hook.ToolEnd:
		w.busy += s.Duration
		w.last = s.At
		if s.Err == nil {
			w.results = append(w.results, s.Result)
		}
	}
	return ctx
}
