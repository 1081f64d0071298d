package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// An interceptor the sub-agent inherits (a guard) that refuses the
// sub-agent's step stops the whole run with a *HaltError: handed to the
// coordinator as a tool error, the refusal could be routed around.
func TestSubAgentHaltStopsTheWholeRun(t *testing.T) {
	refused := errors.New("policy: no card numbers")
	veto := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		if call.Run.AgentName == "helper" {
			return nil, refused
		}
		return next(ctx, call)
	}}
	sub := aitest.NewScripted(aitest.Reply("charged"))
	coord := aitest.NewScripted(
		aitest.CallTools(aitest.Call("helper", `{"input":"charge 4111 1111 1111 1111"}`)),
		aitest.Reply("carried on after the refusal"))
	answer, err := aigentic.Agent{Name: "boss", Model: coord, Logger: discardLogger(), Interceptors: []aigentic.Interceptor{veto},
		Agents: []aigentic.Agent{{Name: "helper", Description: "does things", Model: sub}}}.Execute("do the thing")

	he, ok := errors.AsType[*aigentic.HaltError](err)
	if !ok || !errors.Is(err, refused) || !errors.Is(err, aigentic.ErrHalted) || answer != "" {
		t.Fatalf("Execute = %q, %v; want a *HaltError wrapping the refusal", answer, err)
	}
	if _, ok := errors.AsType[*aigentic.ToolError](err); ok {
		t.Errorf("err = %v: a halt is the run's, not a failure of the tool that ran the sub-agent", err)
	}
	if coord.Calls() != 1 || sub.Calls() != 0 {
		t.Errorf("the coordinator's model was called %d times, the sub-agent's %d: want 1 and 0", coord.Calls(), sub.Calls())
	}
	if !strings.Contains(he.Step, `sub-agent "helper"`) || !strings.Contains(he.Step, "model call 1") {
		t.Errorf("Step = %q, want the sub-agent and its step named", he.Step)
	}
	// The coordinator's work so far is kept: the request and its call.
	if n := len(he.Transcript); n != 2 || len(he.Transcript[1].ToolCalls) != 1 {
		t.Errorf("Transcript = %+v, want the user's message and the coordinator's tool call", he.Transcript)
	}
}

// A *HaltError a plain tool returns (say, from a run of its own) is that
// tool's failure, not this run's halt: only a sub-agent's halt is the run's.
func TestToolReturningAHaltErrorFailsAsATool(t *testing.T) {
	inner := &aigentic.HaltError{Step: "model call 1", Err: errors.New("refused")}
	lookup := aigentic.AgentTool{Name: "lookup", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		return nil, fmt.Errorf("lookup via its own agent: %w", inner)
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{}`)), aitest.Reply("never"))
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{lookup}}.Execute("go")
	te, ok := errors.AsType[*aigentic.ToolError](err)
	if !ok || te.Tool != "lookup" || !strings.Contains(err.Error(), "lookup via its own agent") {
		t.Fatalf("err = %v, want the tool's *ToolError with its own words", err)
	}
}

// An interceptor that calls next with a context not derived from the one
// it got, in a parallel turn where the call is found by its context, gets
// a clear error from next, not a crash inside the runtime.
func TestToolNextWithAForeignContext(t *testing.T) {
	foreign := hook.Funcs{Tool: func(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
		c := *call
		return next(context.Background(), &c)
	}}
	tool := aigentic.AgentTool{Name: "t", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return ai.Text("ok"), nil }}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("t", `{}`), aitest.Call("t", `{}`)), aitest.Reply("never"))
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}, ParallelToolCalls: 2,
		Interceptors: []aigentic.Interceptor{foreign}}.Execute("go")
	if _, ok := errors.AsType[*aigentic.PanicError](err); ok || !strings.Contains(err.Error(), "not derived from the one it was given") {
		t.Fatalf("err = %v, want next's clear error, not a panic", err)
	}
}
