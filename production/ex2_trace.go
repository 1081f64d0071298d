package main

import (
	"context"
	"errors"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// Demo 2, traces for debugging: every run writes a trace file of its own
// (a file per run, named after its ID), and a support engineer given the
// run's ID reads it back. The demo's printing and checks are in
// ex2_trace_show.go.

// tracedRun is a run and the summary read back from its trace file.
type tracedRun struct {
	outcome
	// Summary is what the trace file recorded: the run's ID, its outcome
	// ("success" or "error"), model calls and attempts, tool calls, time.
	Summary aigentic.TraceSummary
}

// runTraced runs agent with a trace file in dir and reads its summary
// back. The error is about the trace; the run's own is in the outcome.
func runTraced(ctx context.Context, agent aigentic.Agent, question, dir string) (tracedRun, error) {
	trace := aigentic.NewTrace()
	trace.Directory = dir
	agent.Trace = trace
	r := tracedRun{outcome: ask(ctx, agent, question)}
	if r.TraceFile == "" {
		return r, errors.New("the run wrote no trace file")
	}
	var err error
	r.Summary, err = aigentic.ReadTraceSummary(r.TraceFile)
	return r, err
}
