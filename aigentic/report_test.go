package aigentic_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// An interceptor's Decision reaches the observers during the run; one
// reported after the run ended (its RunEnd seen) is dropped, so no step
// follows RunEnd.
func TestDecisionAfterRunEndIsDropped(t *testing.T) {
	var info *hook.RunInfo
	var steps []hook.Step
	agent := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("ok")), Logger: discardLogger(),
		Interceptors: []aigentic.Interceptor{hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
			info = call.Run
			call.Run.Report(ctx, &hook.Decision{Run: call.Run, By: "test", Action: "allow"})
			return next(ctx, call)
		}}},
		Observers: []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
			steps = append(steps, s)
			return ctx
		})},
	}
	if _, err := agent.Execute("hi"); err != nil {
		t.Fatal(err)
	}
	info.Report(context.Background(), &hook.Decision{Run: info, By: "test", Action: "late"})
	decisions := 0
	for _, s := range steps {
		if _, ok := s.(*hook.Decision); ok {
			decisions++
		}
	}
	if _, last := steps[len(steps)-1].(*hook.RunEnd); !last || decisions != 1 {
		t.Fatalf("%d decisions; last step %T, want 1 and the RunEnd", decisions, steps[len(steps)-1])
	}
}

// An interceptor calling next with a nil call halts the run with
// ErrNilCall, for a model call and a tool call alike, not with a
// nil-pointer panic.
func TestNextWithANilCall(t *testing.T) {
	model := hook.Funcs{Model: func(ctx context.Context, _ *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		return next(ctx, nil)
	}}
	tool := hook.Funcs{Tool: func(ctx context.Context, _ *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
		return next(ctx, nil)
	}}
	for name, ic := range map[string]aigentic.Interceptor{"model": model, "tool": tool} {
		m := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`)), aitest.Reply("ok"))
		echo := aigentic.AgentTool{Name: "echo", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return ai.Text("e"), nil }}
		_, err := aigentic.Agent{Model: m, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{echo}, Interceptors: []aigentic.Interceptor{ic}}.Execute("hi")
		var pe *aigentic.PanicError
		if !errors.Is(err, aigentic.ErrNilCall) || !errors.Is(err, aigentic.ErrHalted) || errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want ErrNilCall in a *HaltError", name, err)
		}
	}
}
