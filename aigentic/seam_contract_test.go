package aigentic_test

// The seam's contract at its edges: interceptors that call next
// concurrently or empty the request, observers that end their context,
// decisions an interceptor reports.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
)

// hedge calls next, and while that call runs (entered is closed once it
// is inside), calls it again: the second call must be refused with
// ErrConcurrentNext, not run the runtime's steps twice at once.
func hedge[C any, R any](entered <-chan struct{}, release chan<- struct{}, second *error,
	next func(context.Context, C) (R, error)) func(context.Context, C) (R, error) {
	return func(ctx context.Context, call C) (R, error) {
		type out struct {
			r   R
			err error
		}
		first := make(chan out, 1)
		go func() {
			r, err := next(ctx, call)
			first <- out{r, err}
		}()
		<-entered
		_, *second = next(ctx, call)
		close(release)
		o := <-first
		return o.r, o.err
	}
}

func TestConcurrentNextIsRefused(t *testing.T) {
	t.Run("model", func(t *testing.T) {
		entered, release := make(chan struct{}), make(chan struct{})
		model := &runtest.FuncModel{Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
			close(entered)
			<-release
			return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "ok"}}, nil
		}}
		var second error
		ic := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
			return hedge(entered, release, &second, func(ctx context.Context, c *hook.ModelCall) (*ai.Response, error) { return next(ctx, c) })(ctx, call)
		}}
		answer, err := aigentic.Agent{Model: model, Logger: discardLogger(), Interceptors: []aigentic.Interceptor{ic}}.Execute("hi")
		if err != nil || answer != "ok" || !errors.Is(second, aigentic.ErrConcurrentNext) {
			t.Fatalf("run = %q, %v; the concurrent call got %v, want ErrConcurrentNext", answer, err, second)
		}
	})
	t.Run("tool", func(t *testing.T) {
		entered, release := make(chan struct{}), make(chan struct{})
		ran := 0
		tool := aigentic.AgentTool{Name: "slow", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
			ran++
			close(entered)
			<-release
			return ai.Text("done"), nil
		}}
		var second error
		ic := hook.Funcs{Tool: func(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
			return hedge(entered, release, &second, func(ctx context.Context, c *hook.ToolCall) (*ai.ToolResult, error) { return next(ctx, c) })(ctx, call)
		}}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("slow", `{}`)), aitest.Reply("ok"))
		answer, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool},
			Interceptors: []aigentic.Interceptor{ic}}.Execute("hi")
		if err != nil || answer != "ok" || ran != 1 || !errors.Is(second, aigentic.ErrConcurrentNext) {
			t.Fatalf("run = %q, %v, tool ran %d times; the concurrent call got %v, want ErrConcurrentNext", answer, err, ran, second)
		}
	})
}

// An interceptor that leaves the request with no messages gets a clear
// error, not a panic in an observer that shows the last message.
func TestEmptyRequestFromAnInterceptor(t *testing.T) {
	empty := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		call.Request.Messages = nil
		return next(ctx, call)
	}}
	model := aitest.NewScripted(aitest.Reply("never"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Interceptors: []aigentic.Interceptor{empty}}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	drain(t, run)
	_, err = run.Wait(0)
	if _, ok := errors.AsType[*aigentic.ModelCallError](err); !ok || model.Calls() != 0 {
		t.Fatalf("Wait = %v after %d model calls; want a *ModelCallError before any", err, model.Calls())
	}
}

// An observer that returns a context it already ended does not fail the
// run: the run goes on in the context it gave.
func TestObserverReturningAnEndedContextIsIgnored(t *testing.T) {
	ender := hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		if _, ok := s.(*hook.ModelStart); ok {
			ended, cancel := context.WithCancel(ctx)
			cancel()
			return ended
		}
		return ctx
	})
	model := aitest.NewScripted(aitest.Reply("ok"))
	answer, err := aigentic.Agent{Model: model, Logger: discardLogger(), Observers: []aigentic.Observer{ender}}.Execute("hi")
	if err != nil || answer != "ok" {
		t.Fatalf("run = %q, %v; an observer must not fail it", answer, err)
	}
}

// Decisions an interceptor reports count in the run's Stats: compactions
// with the tokens they saved (never negative), fallbacks.
func TestDecisionsCountInStats(t *testing.T) {
	report := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		for _, d := range []hook.Decision{
			{By: "test", Action: "compact", TokensBefore: 100, TokensAfter: 40},
			{By: "test", Action: "compact", TokensBefore: 10, TokensAfter: 30}, // grew: saves nothing
			{By: "test", Action: "fallback"},
			{By: "test", Action: "pass"},
		} {
			d.Run = call.Run
			call.Run.Report(ctx, &d)
		}
		return next(ctx, call)
	}}
	run, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("ok")), Logger: discardLogger(), Interceptors: []aigentic.Interceptor{report}}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	drain(t, run)
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if st := run.Stats(); st.Compactions != 2 || st.CompactedTokens != 60 || st.Fallbacks != 1 {
		t.Fatalf("stats: %d compactions saving %d tokens, %d fallbacks; want 2, 60, 1", st.Compactions, st.CompactedTokens, st.Fallbacks)
	}
}

// An interceptor that calls next again for the same model call (a retry
// of its own, as window.Compactor's after a context-length error) gets
// attempts numbered on from the first call's: observers see attempts 1
// and 2 of model call 1, Stats counts one model call, and Agent.Retries
// applies to each call of next.
func TestNextCalledAgainNumbersAttemptsOn(t *testing.T) {
	permanent := errors.New("the request is too long")
	model := aitest.NewScripted(aitest.Fail(permanent), aitest.Fail(ai.Transient(errors.New("busy"))), aitest.Reply("ok"))
	again := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		resp, err := next(ctx, call)
		if errors.Is(err, permanent) {
			return next(ctx, call)
		}
		return resp, err
	}}
	var attempts []int
	seen := hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		if s, ok := s.(*hook.ModelStart); ok {
			attempts = append(attempts, s.Call*10+s.Attempt)
		}
		return ctx
	})
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 1, RetryPolicy: &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }},
		Interceptors: []aigentic.Interceptor{again}, Observers: []aigentic.Observer{seen}}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	if answer, err := run.Wait(0); err != nil || answer != "ok" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	if want := []int{11, 12, 13}; !slices.Equal(attempts, want) {
		t.Errorf("ModelStart call*10+attempt = %v, want %v: attempts numbered on across calls of next", attempts, want)
	}
	if st := run.Stats(); st.LLMCalls != 1 || st.Retries != 1 {
		t.Errorf("Stats: %d model calls, %d retries; want 1 and 1", st.LLMCalls, st.Retries)
	}
}

// The same for a tool call: an interceptor that calls next again numbers
// the attempts on (1, 2, 3), and Agent.Retries applies to each call of
// next (the transient failure of the second call is retried).
func TestToolNextCalledAgainNumbersAttemptsOn(t *testing.T) {
	permanent := errors.New("the order system refused")
	outcomes := []error{permanent, ai.Transient(errors.New("busy")), nil}
	calls := 0
	flaky := aigentic.AgentTool{Name: "lookup", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		err := outcomes[min(calls, len(outcomes)-1)]
		calls++
		if err != nil {
			return nil, err
		}
		return ai.Text("found"), nil
	}}
	again := hook.Funcs{Tool: func(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
		res, err := next(ctx, call)
		if errors.Is(err, permanent) {
			return next(ctx, call)
		}
		return res, err
	}}
	var attempts []int
	seen := hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		if s, ok := s.(*hook.ToolAttempt); ok {
			attempts = append(attempts, s.Attempt)
		}
		return ctx
	})
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{}`)), aitest.Reply("ok"))
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 1, AgentTools: []aigentic.AgentTool{flaky},
		RetryPolicy:  &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }},
		Interceptors: []aigentic.Interceptor{again}, Observers: []aigentic.Observer{seen}}.Execute("hi")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3}; !slices.Equal(attempts, want) || calls != 3 {
		t.Errorf("ToolAttempt numbers %v (%d runs of the tool), want %v: attempts numbered on across calls of next", attempts, calls, want)
	}
}
