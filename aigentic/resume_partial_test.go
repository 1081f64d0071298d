package aigentic_test

import (
	"errors"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A LimitError's Partial is the last text the model wrote, wherever it is
// in the transcript — the first message included. Here a checkpoint built
// by hand (a transcript carried over from elsewhere) opens with the
// model's text and a tool call; resumed with no model call left, the run
// stops at once with that call pending and that text as its partial
// answer.
func TestResumedLimitErrorPartialFromFirstMessage(t *testing.T) {
	const said = "Looking up the order first."
	cp := &aigentic.Checkpoint{Key: "job-p", Step: aigentic.StepModelResponse, Calls: 1, Messages: []ai.Message{{
		Role: ai.RoleAssistant, Content: said,
		ToolCalls: []ai.ToolCall{{ID: "call_1", Name: "lookup", Arguments: `{}`}},
	}}}
	model := aitest.NewScripted()
	tools := &keyedTool{}
	agent := aigentic.Agent{Model: model, Logger: discardLogger(), MaxLLMCalls: 1, AgentTools: []aigentic.AgentTool{tools.tool("lookup")}}
	_, err := agent.ExecuteDurable("", aigentic.Durable{Key: "job-p", From: cp})
	var le *aigentic.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LimitError", err)
	}
	if le.Partial != said || len(le.Pending) != 1 || le.Pending[0].ID != "call_1" {
		t.Fatalf("Partial %q, Pending %+v; want %q and call_1 pending", le.Partial, le.Pending, said)
	}
	if model.Calls() != 0 || len(tools.Keys()) != 0 {
		t.Fatalf("%d model calls, tools ran %q; want neither", model.Calls(), tools.Keys())
	}
}
