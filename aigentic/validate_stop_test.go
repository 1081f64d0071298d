package aigentic_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A Validate that fails because the run was stopped meanwhile (it checked
// a service in the run's context) stops the run there: a *StoppedError
// during the validation, and the model is not told the arguments were
// invalid — they were never judged.
func TestValidateFailingOnAStopStopsTheRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs int
	tool := aigentic.AgentTool{Name: "transfer", Description: "Transfer.",
		Validate: func(run *aigentic.AgentRun, args map[string]any) (aigentic.ValidationResult, error) {
			cancel() // the caller gives up while the check is in flight
			<-run.Context().Done()
			return aigentic.ValidationResult{}, run.Context().Err()
		},
		Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
			runs++
			return ai.Text("done"), nil
		}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("transfer", `{}`)), aitest.Reply("never"))
	agent := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{tool}, Logger: discardLogger()}
	_, err := agent.ExecuteContext(ctx, "go")
	se, ok := errors.AsType[*aigentic.StoppedError](err)
	if !ok || se.During != `validation of "transfer"` || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a *StoppedError during the validation of \"transfer\"", err)
	}
	if runs != 0 || model.Calls() != 1 {
		t.Errorf("the tool ran %d times and the model was called %d times; want 0 and 1", runs, model.Calls())
	}
	for _, req := range model.Requests() {
		for _, m := range req.Messages {
			if strings.Contains(m.Content, "invalid arguments") {
				t.Errorf("the model was told the arguments were invalid: %q", m.Content)
			}
		}
	}
}
