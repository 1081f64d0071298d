package hook_test

import (
	"context"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// The hook package's own behaviour, with no run: how Funcs passes calls
// on, how a RunInfo travels in a context and reports steps, and the names
// of approval outcomes. The seam's behaviour in a run is tested by the
// runtime's packages (internal/seamtest).

func TestFuncsPassesOnWhatItDoesNotWrap(t *testing.T) {
	var f hook.Funcs // neither function set
	resp, err := f.InterceptModel(context.Background(), &hook.ModelCall{Call: 3}, func(_ context.Context, c *hook.ModelCall) (*ai.Response, error) {
		return &ai.Response{Message: ai.Message{Content: "next saw call 3"}}, nil
	})
	if err != nil || resp.Message.Content != "next saw call 3" {
		t.Fatalf("model call with no Model func: %v, %v; want next's answer", resp, err)
	}
	res, err := f.InterceptTool(context.Background(), &hook.ToolCall{ToolCall: ai.ToolCall{Name: "lookup"}}, func(_ context.Context, c *hook.ToolCall) (*ai.ToolResult, error) {
		return ai.Text("next ran " + c.Name), nil
	})
	if err != nil || res.String() != "next ran lookup" {
		t.Fatalf("tool call with no Tool func: %v, %v; want next's result", res, err)
	}
}

func TestFuncsCallsItsFunctions(t *testing.T) {
	nextCalled := false
	f := hook.Funcs{
		Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
			return &ai.Response{Message: ai.Message{Content: "vetoed"}}, nil
		},
		Tool: func(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
			return ai.ErrorText("refused " + call.Name), nil
		},
	}
	resp, err := f.InterceptModel(context.Background(), &hook.ModelCall{}, func(context.Context, *hook.ModelCall) (*ai.Response, error) {
		nextCalled = true
		return nil, nil
	})
	if err != nil || resp.Message.Content != "vetoed" {
		t.Fatalf("model: %v, %v; want the Model func's answer", resp, err)
	}
	res, err := f.InterceptTool(context.Background(), &hook.ToolCall{ToolCall: ai.ToolCall{Name: "rm"}}, func(context.Context, *hook.ToolCall) (*ai.ToolResult, error) {
		nextCalled = true
		return nil, nil
	})
	if err != nil || !res.Error || res.String() != "refused rm" {
		t.Fatalf("tool: %v, %v; want the Tool func's error result", res, err)
	}
	if nextCalled {
		t.Fatal("next ran although the functions did not call it")
	}
}

// reporter records what it is given.
type reporter struct{ got []*hook.Decision }

func (r *reporter) Report(_ context.Context, d *hook.Decision) { r.got = append(r.got, d) }

func TestRunInfoInContext(t *testing.T) {
	if hook.FromContext(context.Background()) != nil {
		t.Fatal("FromContext found a RunInfo in a context that has none")
	}
	rep := &reporter{}
	info := &hook.RunInfo{ID: "run_1", Reporter: rep}
	ctx := hook.NewContext(context.Background(), info)
	got := hook.FromContext(ctx)
	if got != info {
		t.Fatalf("FromContext = %v, want the RunInfo put in", got)
	}
	step := &hook.Decision{Run: info, By: "test", Action: "allow"}
	got.Report(ctx, step)
	if len(rep.got) != 1 || rep.got[0] != step {
		t.Fatalf("Report passed on %v, want the one step", rep.got)
	}
	// A RunInfo the runtime did not make, or none at all: nothing happens.
	(&hook.RunInfo{}).Report(ctx, step)
	var none *hook.RunInfo
	none.Report(ctx, step)
	if len(rep.got) != 1 {
		t.Fatalf("steps reported without a Reporter reached one: %v", rep.got)
	}
}

func TestApprovalHowNames(t *testing.T) {
	for how, want := range map[hook.ApprovalHow]string{
		hook.ApprovalByUser:     "answered",
		hook.ApprovalTimedOut:   "timed_out",
		hook.ApprovalNotAskable: "not_askable",
		hook.ApprovalHow(99):    "unknown",
	} {
		if got := how.String(); got != want {
			t.Errorf("ApprovalHow(%d).String() = %q, want %q", int(how), got, want)
		}
	}
}

func TestObserverFunc(t *testing.T) {
	type key struct{}
	var seen hook.Step
	o := hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		seen = s
		return context.WithValue(ctx, key{}, "mine")
	})
	step := &hook.RunStart{}
	ctx := o.Observe(context.Background(), step)
	if seen != step || ctx.Value(key{}) != "mine" {
		t.Fatalf("ObserverFunc saw %v and returned %v; want the step and the function's context", seen, ctx)
	}
}
