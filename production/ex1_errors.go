package main

import (
	"context"
	"errors"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// Demo 1, robust error handling: three failures, three outcomes.
//
//   - A tool's error result — ToolResult{Error: true}, or a NewTool tool's
//     aigentic.Recoverable error — is an answer the model reads: the run
//     goes on and the model explains (checkSystemStatusTool, tools.go).
//   - A tool's Go error stops the run with a *aigentic.ToolError naming the
//     tool and wrapping its error (queryDatabaseTool).
//   - A transient model failure (HTTP 429 or 5xx, a network error) is
//     retried within Agent.Retries, and the run goes on.
//
// Whatever happened, the user gets an answer or a message saying what to
// do (userMessage, usermessage.go), never the raw error. The demo's
// printing and checks are in ex1_errors_show.go.

// reply is a run's outcome as a service returns it.
type reply struct {
	outcome
	// Tool is the tool whose Go error stopped the run; nil otherwise.
	Tool *aigentic.ToolError
	// UserMessage is what the user is told when the run failed: what
	// happened, whether trying again helps, and the run's ID.
	UserMessage string
}

// answer runs agent on question and turns a failure into a reply.
func answer(ctx context.Context, agent aigentic.Agent, question string) reply {
	r := reply{outcome: ask(ctx, agent, question)}
	if r.Err != nil {
		errors.As(r.Err, &r.Tool)
		r.UserMessage = userMessage(r.Err, r.RunID)
	}
	return r
}
