package aigentic_test

// An interceptor that ignores its context cannot hang a stop, and one
// that keeps next cannot make a step after its call ended.

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// countedEcho is a tool that counts its runs.
func countedEcho(runs *atomic.Int32) aigentic.AgentTool {
	return aigentic.AgentTool{Name: "echo", Description: "Echo.", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		runs.Add(1)
		return ai.Text("echoed"), nil
	}}
}

// finishWithin runs f and fails the test if it has not returned within a
// minute: a hang, reported rather than waited for until go test's own
// timeout. (No timing is asserted: any machine returns in microseconds.)
func finishWithin(t *testing.T, f func() (string, error)) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := f(); done <- err }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("the run did not return after its context ended: an interceptor that ignores its context hangs it")
		return nil
	}
}

// A model interceptor and a tool interceptor that ignore their context
// are abandoned Agent.StopGrace after the stop: the run ends with a
// *StoppedError (a tool call's abandonment named), and when the
// interceptor finally calls next, next refuses with ErrCallEnded — the
// model is not called, the tool does not run.
func TestInterceptorIgnoringItsContextIsAbandoned(t *testing.T) {
	for _, step := range []string{"model", "tool"} {
		t.Run(step, func(t *testing.T) {
			entered, release := make(chan struct{}), make(chan struct{})
			late := make(chan error, 1)
			var runs atomic.Int32
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`)), aitest.Reply("done"))
			f := hook.Funcs{}
			if step == "model" {
				f.Model = func(ctx context.Context, c *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
					close(entered)
					<-release // ignores ctx
					_, err := next(ctx, c)
					late <- err
					return nil, err
				}
			} else {
				f.Tool = func(ctx context.Context, c *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
					close(entered)
					<-release
					_, err := next(ctx, c)
					late <- err
					return nil, err
				}
			}
			agent := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{countedEcho(&runs)}, Logger: discardLogger(),
				Interceptors: []aigentic.Interceptor{f}, StopGrace: time.Millisecond}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() { <-entered; cancel() }()
			err := finishWithin(t, func() (string, error) { return agent.ExecuteContext(ctx, "go") })
			calls := model.Calls()
			close(release)
			if lerr := <-late; !errors.Is(lerr, aigentic.ErrCallEnded) {
				t.Errorf("next after the call was abandoned: %v, want ErrCallEnded", lerr)
			}
			var se *aigentic.StoppedError
			if !errors.As(err, &se) || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want a *StoppedError wrapping context.Canceled", err)
			}
			if step == "tool" && (len(se.Abandoned) != 1 || se.Abandoned[0].Name != "echo") {
				t.Errorf("Abandoned = %v, want the echo call", se.Abandoned)
			}
			if model.Calls() != calls || runs.Load() != 0 {
				t.Errorf("after the abandonment the model was called %d more times and the tool ran %d times, want 0",
					model.Calls()-calls, runs.Load())
			}
		})
	}
}

// An interceptor that keeps next and calls it after its call returned —
// here after the run ended — is refused with ErrCallEnded: the tool does
// not run again and the model is not called, unseen by the run.
func TestKeptNextIsRefusedAfterTheCallEnded(t *testing.T) {
	var runs atomic.Int32
	var keptModel hook.ModelNext
	var keptTool hook.ToolNext
	var modelCall *hook.ModelCall
	var toolCall *hook.ToolCall
	var modelCtx, toolCtx context.Context
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`)), aitest.Reply("done"), aitest.Reply("unused"))
	agent := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{countedEcho(&runs)}, Logger: discardLogger(),
		Interceptors: []aigentic.Interceptor{hook.Funcs{
			Model: func(ctx context.Context, c *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
				keptModel, modelCall, modelCtx = next, c, ctx
				return next(ctx, c)
			},
			Tool: func(ctx context.Context, c *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
				keptTool, toolCall, toolCtx = next, c, ctx
				return next(ctx, c)
			},
		}}}
	for _, stoppable := range []bool{false, true} {
		runs.Store(0)
		var err error
		if stoppable {
			ctx, cancel := context.WithCancel(context.Background())
			_, err = agent.ExecuteContext(ctx, "go")
			cancel()
		} else {
			_, err = agent.Execute("go")
		}
		if err != nil || runs.Load() != 1 {
			t.Fatalf("stoppable %v: the run: %v, tool ran %d times", stoppable, err, runs.Load())
		}
		calls := model.Calls()
		if _, err := keptTool(toolCtx, toolCall); !errors.Is(err, aigentic.ErrCallEnded) {
			t.Errorf("stoppable %v: kept tool next: %v, want ErrCallEnded", stoppable, err)
		}
		if _, err := keptModel(modelCtx, modelCall); !errors.Is(err, aigentic.ErrCallEnded) {
			t.Errorf("stoppable %v: kept model next: %v, want ErrCallEnded", stoppable, err)
		}
		if runs.Load() != 1 || model.Calls() != calls {
			t.Errorf("stoppable %v: the kept next ran the tool (%d runs) or called the model (%d calls)", stoppable, runs.Load(), model.Calls()-calls)
		}
		model = aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`)), aitest.Reply("done"), aitest.Reply("unused"))
		agent.Model = model
	}
}

// A next kept from one call and called during a later one — with the
// context it was given then — is refused with ErrCallEnded: the later
// call's tool runs once, and the model is called once per model call,
// whether the run can be stopped or not.
func TestKeptNextIsRefusedDuringALaterCall(t *testing.T) {
	for _, stoppable := range []bool{false, true} {
		var echoes atomic.Int32
		var keptTool hook.ToolNext
		var keptModel hook.ModelNext
		var keptToolCall *hook.ToolCall
		var keptModelCall *hook.ModelCall
		var keptToolCtx, keptModelCtx context.Context
		var toolErr, modelErr error
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`)), aitest.CallTools(aitest.Call("echo", `{}`)),
			aitest.Reply("done"), aitest.Reply("extra"))
		agent := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{countedEcho(&echoes)}, Logger: discardLogger(),
			Interceptors: []aigentic.Interceptor{hook.Funcs{
				Model: func(ctx context.Context, c *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
					if c.Call == 1 {
						keptModel, keptModelCall, keptModelCtx = next, c, ctx
					} else if c.Call == 3 {
						_, modelErr = keptModel(keptModelCtx, keptModelCall)
					}
					return next(ctx, c)
				},
				Tool: func(ctx context.Context, c *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
					if keptTool == nil {
						keptTool, keptToolCall, keptToolCtx = next, c, ctx
					} else {
						_, toolErr = keptTool(keptToolCtx, keptToolCall)
					}
					return next(ctx, c)
				},
			}}}
		ctx, cancel := context.WithCancel(context.Background())
		var out string
		var err error
		if stoppable {
			out, err = agent.ExecuteContext(ctx, "go")
		} else {
			out, err = agent.Execute("go")
		}
		cancel()
		if err != nil || out != "done" {
			t.Fatalf("stoppable %v: %q, %v", stoppable, out, err)
		}
		if !errors.Is(toolErr, aigentic.ErrCallEnded) || !errors.Is(modelErr, aigentic.ErrCallEnded) {
			t.Errorf("stoppable %v: kept next during a later call: tool %v, model %v; want ErrCallEnded", stoppable, toolErr, modelErr)
		}
		if echoes.Load() != 2 || model.Calls() != 3 {
			t.Errorf("stoppable %v: the tool ran %d times for 2 calls, the model %d times for 3", stoppable, echoes.Load(), model.Calls())
		}
	}
}

// next given a context that does not come from the interceptor's own is
// refused with ErrNextContext, and nothing runs — also from another
// goroutine while the run goes on, which -race checks.
func TestNextWithAForeignContextIsRefused(t *testing.T) {
	var echoes atomic.Int32
	var errs []error
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`)), aitest.CallTools(aitest.Call("echo", `{}`)), aitest.Reply("done"))
	agent := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{countedEcho(&echoes)}, Logger: discardLogger(),
		Interceptors: []aigentic.Interceptor{hook.Funcs{Tool: func(ctx context.Context, c *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
			done := make(chan error, 1)
			go func() { _, err := next(context.Background(), c); done <- err }()
			errs = append(errs, <-done)
			return next(ctx, c)
		}}}}
	if out, err := agent.Execute("go"); err != nil || out != "done" {
		t.Fatalf("%q, %v", out, err)
	}
	for _, err := range errs {
		if !errors.Is(err, aigentic.ErrNextContext) {
			t.Errorf("next(context.Background()): %v, want ErrNextContext", err)
		}
	}
	if len(errs) != 2 || echoes.Load() != 2 {
		t.Errorf("%d refusals, the tool ran %d times: want 2 and 2", len(errs), echoes.Load())
	}
}
