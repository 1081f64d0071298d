package aigentic_test

import (
	"context"
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
