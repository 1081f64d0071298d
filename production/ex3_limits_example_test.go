package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// A runaway loop stopped by MaxLLMCalls, whatever the model: the fault
// injector turns every answer into another call of the tool that always
// says "still processing". The partial work is in the *LimitError.
func Example_maxLLMCalls() {
	agent := exampleAgent(checkExportStatusTool())
	agent.Model = aitest.Inject(offline.NewModel()).EndlessToolCalls("check_export_status", `{"export_id":7}`)

	r := runBounded(context.Background(), agent, "Is export 7 ready?", 3)
	le := r.Limit
	fmt.Println("errors.Is(err, aigentic.ErrMaxLLMCalls):", errors.Is(r.Err, aigentic.ErrMaxLLMCalls))
	fmt.Printf("%d of %d model calls, %d tool calls executed, %d pending: %s %s\n",
		le.Calls, le.Limit, le.ToolCalls, len(le.Pending), le.Pending[0].Name, le.Pending[0].Arguments)
	fmt.Println("last tool result:", r.LastResult)
	// Output:
	// errors.Is(err, aigentic.ErrMaxLLMCalls): true
	// 3 of 3 model calls, 2 tool calls executed, 1 pending: check_export_status {"export_id":7}
	// last tool result: Export 7 is still processing (20% done). Check again in a few seconds.
}
