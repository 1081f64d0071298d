package aigentic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// stepsOf runs agent on msg and returns what an observer saw of each tool
// call's steps, with the run's answer and error.
func stepsOf(agent aigentic.Agent, msg string) (starts []*ai.Tool, ends []*ai.ToolResult, answer string, err error) {
	agent.Logger = discardLogger()
	agent.Observers = append(agent.Observers, hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		switch s := s.(type) {
		case *hook.ToolStart:
			starts = append(starts, s.Tool)
		case *hook.ToolEnd:
			ends = append(ends, s.Result)
		}
		return ctx
	}))
	answer, err = agent.Execute(msg)
	return
}

// Each step of a tool call names the tool as offered, the first of the
// agent's tools too; a tool that returns no result and no error gives the
// model, and the observers, an empty result rather than nil.
func TestToolStepsNameTheToolAndAlwaysCarryAResult(t *testing.T) {
	empty := aigentic.AgentTool{Name: "first", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return nil, nil }}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("first", `{}`)), aitest.Reply("done"))
	starts, ends, answer, err := stepsOf(aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{empty}}, "go")
	if err != nil || answer != "done" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	if len(starts) != 1 || starts[0] == nil || starts[0].Name != "first" {
		t.Errorf("ToolStart.Tool = %v, want the tool offered as \"first\"", starts)
	}
	if len(ends) != 1 || ends[0] == nil {
		t.Errorf("ToolEnd.Result = %v, want an empty result, not nil", ends)
	}
}

// An interceptor that returns neither a result nor an error halts the run.
func TestToolInterceptorReturningNothingHalts(t *testing.T) {
	nothing := hook.Funcs{Tool: func(context.Context, *hook.ToolCall, hook.ToolNext) (*ai.ToolResult, error) { return nil, nil }}
	tool := aigentic.AgentTool{Name: "t", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return ai.Text("ok"), nil }}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("t", `{}`)), aitest.Reply("never"))
	_, _, _, err := stepsOf(aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{tool}, Interceptors: []aigentic.Interceptor{nothing}}, "go")
	if he, ok := errors.AsType[*aigentic.HaltError](err); !ok || he.Step != `tool "t"` {
		t.Fatalf("err = %v, want a *HaltError at the tool call", err)
	}
}

// A tool that honours its timeout and returns a result as its context
// ends (within StopGrace) has finished: the model gets the result, not a
// timeout error.
func TestToolFinishingAsItsTimeRunsOutKeepsItsResult(t *testing.T) {
	tool := aigentic.AgentTool{Name: "slow", Timeout: time.Millisecond, Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		<-run.Context().Done()
		return ai.Text("finished"), nil
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("slow", `{}`)), aitest.Reply("done"))
	if _, _, _, err := stepsOf(aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{tool}, StopGrace: 10 * time.Second}, "go"); err != nil {
		t.Fatal(err)
	}
	got := toolMessages(model.Requests()[1].Messages)
	if len(got) != 1 || got[0].Content != "finished" || got[0].IsError {
		t.Fatalf("the model got %+v, want the tool's result", got)
	}
}

// When an interceptor halts one call of a parallel turn, the *HaltError's
// transcript holds the results of the turn's other calls, as the run's
// messages do: it is taken once the turn has ended, not when the call
// halted.
func TestHaltInAParallelTurnKeepsTheOtherResults(t *testing.T) {
	fastDone := make(chan struct{})
	tools := []aigentic.AgentTool{
		{Name: "fast", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
			defer close(fastDone)
			return ai.Text("fast result"), nil
		}},
		{Name: "refused", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return ai.Text("never"), nil }},
	}
	refuse := hook.Funcs{Tool: func(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
		if call.Name != "refused" {
			return next(ctx, call)
		}
		<-fastDone // halt only once the other call has returned its result
		return nil, errors.New("not allowed")
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("fast", `{}`), aitest.Call("refused", `{}`)), aitest.Reply("never"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: tools, ParallelToolCalls: 2,
		Interceptors: []aigentic.Interceptor{refuse}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Wait(0)
	he, ok := errors.AsType[*aigentic.HaltError](err)
	if !ok || he.Step != `tool "refused"` {
		t.Fatalf("err = %v, want a *HaltError at the refused call", err)
	}
	got := toolMessages(he.Transcript)
	if len(got) != 1 || got[0].Content != "fast result" {
		t.Fatalf("HaltError.Transcript has tool results %+v, want the fast call's", got)
	}
	if want := toolMessages(run.Messages()); len(want) != len(got) {
		t.Errorf("the run's messages have %d tool results, the halt's transcript %d", len(want), len(got))
	}
}
