package main

import (
	"context"
	"errors"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Demo 3, the MaxLLMCalls limit: a model that keeps calling tools is
// stopped at exactly the limit, and the work done so far is kept in the
// *aigentic.LimitError — for the user ("here is what I found so far"),
// for the log, or to resume from. The demo's printing and checks are in
// ex3_limits_show.go.

// boundedRun is a run bounded by MaxLLMCalls.
type boundedRun struct {
	outcome
	// Limit is the error of a run the limit stopped: the model calls made
	// (Calls of Limit), the tool calls answered, the transcript, the usage,
	// and the calls the model asked for that were not executed (Pending).
	// Nil when the run ended otherwise.
	Limit *aigentic.LimitError
	// LastResult is the last tool result in the partial transcript: the
	// latest thing the run learned.
	LastResult string
}

// runBounded runs agent with at most maxCalls model calls.
func runBounded(ctx context.Context, agent aigentic.Agent, question string, maxCalls int) boundedRun {
	agent.MaxLLMCalls = maxCalls
	r := boundedRun{outcome: ask(ctx, agent, question)}
	if errors.As(r.Err, &r.Limit) {
		for _, m := range r.Limit.Transcript {
			if m.Role == ai.RoleTool {
				r.LastResult = m.Content
			}
		}
	}
	return r
}
