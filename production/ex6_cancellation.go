package main

import (
	"context"
	"errors"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// Demo 6, cancellation: a run is bound to a context, and when the context
// ends — a timeout (context.WithTimeout), a cancel (the user pressed Stop,
// the client went away), Ctrl-C (signal.NotifyContext) — the run stops at
// once: a model call is abandoned, a tool that honours run.Context()
// returns (generateReportTool, tools.go). The run fails with a
// *aigentic.StoppedError saying where it was, wrapping the context's
// error, so errors.Is(err, context.DeadlineExceeded) or context.Canceled
// holds. The demo's printing and checks are in ex6_cancellation_show.go.

// stoppableRun is a run its context may have stopped.
type stoppableRun struct {
	outcome
	// Stopped is the error of a run its context stopped: During says what
	// the run was doing ("model call 2", `tool "generate_report"`). Nil
	// when the run ended otherwise.
	Stopped *aigentic.StoppedError
}

// runStoppable runs agent until it answers or ctx ends.
func runStoppable(ctx context.Context, agent aigentic.Agent, question string) stoppableRun {
	r := stoppableRun{outcome: ask(ctx, agent, question)}
	errors.As(r.Err, &r.Stopped)
	return r
}
