package aigentic_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// A tool call refused before any attempt ran (here by the tool's Validate,
// which takes pause) is timed from its start to its refusal: its ToolEnd's
// Duration covers the validation, it is not the zero of "no attempt".
func TestRefusedToolCallIsTimed(t *testing.T) {
	var mu sync.Mutex
	var ends []*hook.ToolEnd
	attempts := 0
	tool := aigentic.AgentTool{
		Name: "transfer", Description: "moves money",
		Validate: func(*aigentic.AgentRun, map[string]any) (aigentic.ValidationResult, error) {
			time.Sleep(pause)
			return aigentic.ValidationResult{}, errors.New("account closed")
		},
		Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
			t.Error("a refused call ran")
			return ai.Text("moved"), nil
		},
	}
	agent := aigentic.Agent{
		Model:      aitest.NewScripted(aitest.CallTools(ai.ToolCall{ID: "c1", Name: "transfer", Arguments: `{}`}), aitest.Reply("could not")),
		Logger:     discardLogger(),
		AgentTools: []aigentic.AgentTool{tool},
		Observers: []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
			mu.Lock()
			defer mu.Unlock()
			switch s := s.(type) {
			case *hook.ToolAttempt:
				attempts++
			case *hook.ToolEnd:
				end := *s
				ends = append(ends, &end)
			}
			return ctx
		})},
	}
	if _, err := agent.Execute("move it"); err != nil {
		t.Fatal(err)
	}
	if len(ends) != 1 || attempts != 0 || ends[0].Result == nil || !ends[0].Result.Error {
		t.Fatalf("%d tool ends, %d attempts; want one refused call, no attempt", len(ends), attempts)
	}
	if d := ends[0].Duration; d < pause {
		t.Fatalf("refused call's Duration %s, want at least the %s its validation took", d, pause)
	}
}
