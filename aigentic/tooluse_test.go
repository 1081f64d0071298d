package aigentic_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// toolUseFailed is the provider's answer when the model's tool call was
// malformed (Groq's 400 tool_use_failed).
func toolUseFailed() aitest.Step {
	return aitest.Fail(&ai.ModelError{Provider: "groq", StatusCode: 400, Code: "tool_use_failed",
		Message: "Failed to call a function.", Err: &ai.ToolUseFailedError{Message: "Failed to call a function.", FailedGeneration: `<function=lookup{"q": }`}})
}

// A malformed tool call is the model's mistake: it is told what it sent
// and asked again, in a model call that counts, and the run goes on.
func TestToolUseFailedGivesTheModelAnotherTurn(t *testing.T) {
	lookup := (&countingTool{}).Tool("lookup", nil)
	model := aitest.NewScripted(toolUseFailed(), aitest.CallTools(aitest.Call("lookup", `{"q":"x"}`)), aitest.Reply("found"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{lookup}}.Start("find x")
	if err != nil {
		t.Fatal(err)
	}
	var decisions []*aigentic.DecisionEvent
	for ev := range run.Next() {
		if d, ok := ev.(*aigentic.DecisionEvent); ok {
			decisions = append(decisions, d)
		}
	}
	if answer, err := run.Wait(0); err != nil || answer != "found" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	if st := run.Stats(); st.LLMCalls != 3 || st.ToolUseFailures != 1 {
		t.Fatalf("stats %+v", st)
	}
	told := model.Requests()[1].Messages[1]
	if told.Role != ai.RoleUser || !strings.Contains(told.Content, "Failed to call a function.") || !strings.Contains(told.Content, `<function=lookup{"q": }`) {
		t.Fatalf("the model was told %+v", told)
	}
	if len(decisions) != 1 || decisions[0].Action != "retry" || decisions[0].Step != "model call 1" {
		t.Fatalf("decisions %+v", decisions)
	}
}

// After two in a row, the provider's error ends the run; the limit on
// model calls applies to these turns too.
func TestToolUseFailedTwiceInARowEndsTheRun(t *testing.T) {
	model := aitest.NewScripted(toolUseFailed(), toolUseFailed(), toolUseFailed(), aitest.Reply("never"))
	_, err := aigentic.Agent{Model: model, Logger: discardLogger()}.Execute("go")
	if !errors.Is(err, ai.ErrToolUseFailed) || len(model.Requests()) != 3 {
		t.Fatalf("err = %v after %d requests", err, len(model.Requests()))
	}
	model = aitest.NewScripted(toolUseFailed(), toolUseFailed())
	_, err = aigentic.Agent{Model: model, Logger: discardLogger(), MaxLLMCalls: 1}.Execute("go")
	if !errors.Is(err, aigentic.ErrMaxLLMCalls) {
		t.Fatalf("with MaxLLMCalls 1: err = %v", err)
	}
}
