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

// When the run stops while a tool runs and the tool returns an error of
// its own, the attempt's end reports that error — what the tool said —
// not the cause of the stop; the run ends with the stop.
func TestStoppedAttemptKeepsTheToolsError(t *testing.T) {
	toolErr := errors.New("disk unplugged")
	shutdown := errors.New("shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var mu sync.Mutex
	var ends []hook.ToolAttemptEnd
	agent := aigentic.Agent{
		Model:  aitest.NewScripted(aitest.CallTools(ai.ToolCall{ID: "c1", Name: "backup", Arguments: `{}`})),
		Logger: discardLogger(),
		// The tool returns at once: a long grace only keeps a stalled
		// machine from abandoning it.
		StopGrace: time.Hour,
		AgentTools: []aigentic.AgentTool{{Name: "backup", Description: "backs up",
			Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
				cancel(shutdown) // the run stops while the tool runs
				return nil, toolErr
			}}},
		Observers: []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
			if e, ok := s.(*hook.ToolAttemptEnd); ok {
				mu.Lock()
				ends = append(ends, *e)
				mu.Unlock()
			}
			return ctx
		})},
	}
	_, err := agent.ExecuteContext(ctx, "back up")
	if !errors.Is(err, shutdown) {
		t.Fatalf("run err = %v, want the stop's cause", err)
	}
	if len(ends) != 1 || !errors.Is(ends[0].Err, toolErr) || errors.Is(ends[0].Err, shutdown) {
		t.Fatalf("attempt ends %+v; want one, with the tool's error", ends)
	}
}
