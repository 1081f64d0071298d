package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// A runaway loop stopped by MaxLLMCalls, whatever the model: the fault
// injector turns every answer into another call of the tool that always
// says "still processing". The partial work is in the *LimitError.
func Example_maxLLMCalls() {
	session := aigentic.NewSession(context.Background())
	defer session.Cancel()
	agent := aigentic.Agent{
		Name:        "export-agent",
		Model:       aitest.Inject(offline.NewModel()).EndlessToolCalls("check_export_status", `{"export_id":7}`),
		Session:     session,
		MaxLLMCalls: 3,
		AgentTools:  []aigentic.AgentTool{checkExportStatusTool()},
		Logger:      slog.New(slog.DiscardHandler),
	}
	_, err := agent.Execute("Is export 7 ready?")
	var le *aigentic.LimitError
	fmt.Println(errors.Is(err, aigentic.ErrMaxLLMCalls), errors.As(err, &le))
	fmt.Printf("%d of %d model calls, %d tool calls executed, %d pending\n", le.Calls, le.Limit, le.ToolCalls, len(le.Pending))
	// Output:
	// true true
	// 3 of 3 model calls, 2 tool calls executed, 1 pending
}

// A tool that fails with a Go error stops the run; errors.Is and
// errors.As see the tool's error and the *ToolError through the chain.
func Example_toolError() {
	session := aigentic.NewSession(context.Background())
	defer session.Cancel()
	agent := aigentic.Agent{
		Name:       "reporting-agent",
		Model:      aitest.NewNaive(aitest.NaiveOptions{}),
		Session:    session,
		AgentTools: []aigentic.AgentTool{queryDatabaseTool()},
		Logger:     slog.New(slog.DiscardHandler),
	}
	_, err := agent.Execute("How many orders are pending?")
	var te *aigentic.ToolError
	fmt.Println(errors.Is(err, errDatabaseConnectionLost), errors.As(err, &te), te.Tool)
	// Output: true true query_database
}
