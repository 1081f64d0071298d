package main

import (
	"context"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// outcome is what a finished run leaves for its caller: the answer or the
// error, and the run's figures. Every demo's pattern returns one, inside
// a report of its own.
type outcome struct {
	// RunID is the run's ID: its trace file is named after it, so it is
	// the reference to give a user for support.
	RunID  string
	Answer string
	Err    error
	// Stats are the run's counters, complete whether it succeeded or
	// failed.
	Stats aigentic.Stats
	// TraceFile is the run's trace file; "" when the agent has no Trace.
	TraceFile string
}

// ask runs agent on question, bound to ctx as well as to the agent's
// Session, and returns what the run left. It starts the run and waits for
// it rather than calling ExecuteContext so that the run's Stats can be
// read after it; nobody needs to read its events.
func ask(ctx context.Context, agent aigentic.Agent, question string) outcome {
	run, err := agent.StartContext(ctx, question)
	if err != nil {
		return outcome{Err: err}
	}
	answer, err := run.Wait(0)
	return outcome{RunID: run.ID(), Answer: answer, Err: err, Stats: run.Stats(), TraceFile: run.TraceFilepath()}
}
