package aigentic_test

import (
	"context"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// An error result a tool returns in time (nothing found) is an answer the
// model handles: its ToolEnd has no ErrorType — "timeout" is kept for a
// call that ran past its timeout.
func TestToolErrorResultHasNoErrorType(t *testing.T) {
	var mu sync.Mutex
	var ends []hook.ToolEnd
	agent := aigentic.Agent{
		Model:  aitest.NewScripted(aitest.CallTools(ai.ToolCall{ID: "c1", Name: "find", Arguments: `{}`}), aitest.Reply("nothing")),
		Logger: discardLogger(),
		AgentTools: []aigentic.AgentTool{{Name: "find", Description: "finds",
			Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
				return ai.ErrorText("no such order"), nil
			}}},
		Observers: []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
			if e, ok := s.(*hook.ToolEnd); ok {
				mu.Lock()
				ends = append(ends, *e)
				mu.Unlock()
			}
			return ctx
		})},
	}
	if _, err := agent.Execute("find it"); err != nil {
		t.Fatal(err)
	}
	if len(ends) != 1 || ends[0].Result == nil || !ends[0].Result.Error || ends[0].ErrorType != "" {
		t.Fatalf("tool ends %+v; want one error result with no ErrorType", ends)
	}
}
