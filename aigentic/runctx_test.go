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

// Inside a tool, run.Context() is the tool call's context, carrying what
// the observers added when the call started (an OpenTelemetry span);
// outside a tool it is the run's.
func TestRunContextInsideAndOutsideATool(t *testing.T) {
	type key struct{}
	var inTool any
	tool := aigentic.AgentTool{Name: "probe", Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		inTool = run.Context().Value(key{})
		return ai.Text("ok"), nil
	}}
	mark := hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		if _, ok := s.(*hook.ToolStart); ok {
			return context.WithValue(ctx, key{}, "tool call")
		}
		return ctx
	})
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("probe", `{}`)), aitest.Reply("done"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}, Observers: []aigentic.Observer{mark}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if ctx := run.Context(); ctx == nil || ctx.Value(key{}) != nil {
		t.Fatalf("outside a tool: %v, want the run's context", ctx)
	}
	drain(t, run)
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if inTool != "tool call" {
		t.Fatalf("inside the tool, run.Context() carried %v; want the tool call's context", inTool)
	}
}

// A RetryPolicy.Sleep that fails (a shutdown hook, a test's stub) ends the
// backoff and the run with its error, though the run's context lives on.
func TestRetrySleepErrorStopsTheRun(t *testing.T) {
	stop := errors.New("no more waiting")
	model := aitest.NewScripted(aitest.Fail(ai.Transient(errors.New("503"))), aitest.Reply("done"))
	policy := &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return stop }}
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 2, RetryPolicy: policy}.Execute("go")
	if !errors.Is(err, stop) || model.Calls() != 1 {
		t.Fatalf("err %v after %d model calls; want the Sleep's error after one", err, model.Calls())
	}
}

// The same for a tool's retry: the Sleep's error ends the run, the
// transient failure that caused the retry is not lost from view.
func TestRetrySleepErrorStopsAToolRetry(t *testing.T) {
	stop := errors.New("no more waiting")
	calls := 0
	flaky := aigentic.AgentTool{Name: "flaky", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		calls++
		return nil, ai.Transient(errors.New("connection reset"))
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("flaky", `{}`)), aitest.Reply("done"))
	policy := &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return stop }}
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 2, RetryPolicy: policy, AgentTools: []aigentic.AgentTool{flaky}}.Execute("go")
	var se *aigentic.StoppedError
	if !errors.Is(err, stop) || errors.As(err, &se) || calls != 1 {
		t.Fatalf("err %v (%T) after %d calls; want the Sleep's error, not a stop, after one", err, err, calls)
	}
}
