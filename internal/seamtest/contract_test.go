package seamtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type ctxKey string

// The context an observer derives at a begin step goes on: the run's
// reaches every later step, the model call's reaches Model.Generate, the
// tool call's is what the tool gets from run.Context().
func TestObserverContextsGoOn(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]any{}
	note := func(where string, v any) {
		mu.Lock()
		seen[where] = v
		mu.Unlock()
	}
	obs := hook.ObserverFunc(func(ctx context.Context, step hook.Step) context.Context {
		switch s := step.(type) {
		case *hook.RunStart:
			return context.WithValue(ctx, ctxKey("run"), s.Run.ID)
		case *hook.ModelStart:
			return context.WithValue(ctx, ctxKey("model"), s.Call)
		case *hook.ModelEnd:
			note("model end", ctx.Value(ctxKey("model")))
		case *hook.ToolStart:
			return context.WithValue(ctx, ctxKey("tool"), s.Call.Name)
		case *hook.ToolEnd:
			note("tool end", ctx.Value(ctxKey("tool")))
		case *hook.RunEnd:
			note("run end", ctx.Value(ctxKey("run")))
		}
		return ctx
	})
	model := &ctxModel{Scripted: aitest.NewScripted(aitest.CallTools(aitest.Call("probe", `{}`)), aitest.Reply("done"))}
	probe := aigentic.AgentTool{Name: "probe", Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		note("tool ctx", run.Context().Value(ctxKey("tool")))
		note("tool sees run", run.Context().Value(ctxKey("run")))
		return ai.Text("ok"), nil
	}}
	run, err := aigentic.Agent{Model: model, Logger: quiet(), AgentTools: []aigentic.AgentTool{probe}, Observers: []aigentic.Observer{obs}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"model end": 2, "tool end": "probe", "run end": run.ID(), "tool ctx": "probe", "tool sees run": run.ID()}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("%s saw %v, want %v", k, seen[k], v)
		}
	}
	if got := model.calls(); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("Generate's contexts carried model calls %v, want [1 2]", got)
	}
}

// ctxModel records the model call number its context carries.
type ctxModel struct {
	*aitest.Scripted
	mu   sync.Mutex
	seen []any
}

func (m *ctxModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	m.mu.Lock()
	m.seen = append(m.seen, ctx.Value(ctxKey("model")))
	m.mu.Unlock()
	return m.Scripted.Generate(ctx, req)
}

func (m *ctxModel) calls() []any {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]any(nil), m.seen...)
}

// A panicking observer is recovered and logged once; it sees nothing more
// of the run, and the run and the other observers go on.
func TestPanickingObserverIsContained(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	calls := 0
	bad := hook.ObserverFunc(func(ctx context.Context, step hook.Step) context.Context {
		calls++
		if _, ok := step.(*hook.ModelStart); ok {
			panic("observer bug")
		}
		return ctx
	})
	rec := &recorder{}
	answer, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("fine")), Logger: logger, Observers: []aigentic.Observer{bad, rec}}.Execute("go")
	if err != nil || answer != "fine" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	if calls != 2 { // RunStart, then the panicking ModelStart; nothing after
		t.Errorf("the panicking observer was called %d times, want 2", calls)
	}
	if n := strings.Count(buf.String(), "observer panicked"); n != 1 || !strings.Contains(buf.String(), "observer bug") {
		t.Errorf("%d panic records:\n%s", n, buf.String())
	}
	if last := rec.lines[len(rec.lines)-1]; last != "agent: run end ok" {
		t.Errorf("the other observer's last step: %q", last)
	}
}

// Interceptors run in order, the first one outermost.
func TestInterceptorOrder(t *testing.T) {
	var order []string
	mark := func(name string) hook.Interceptor {
		return hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
			order = append(order, name+" in")
			resp, err := next(ctx, call)
			order = append(order, name+" out")
			return resp, err
		}}
	}
	_, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("ok")), Logger: quiet(),
		Interceptors: []aigentic.Interceptor{mark("a"), mark("b")}}.Execute("go")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ", "); got != "a in, b in, b out, a out" {
		t.Fatalf("order: %s", got)
	}
}

// An interceptor may rewrite the request: the model gets the new one, the
// run's transcript stays what it was.
func TestInterceptorRewritesRequest(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("ok"))
	guard := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		msgs := append([]ai.Message{{Role: ai.RoleSystem, Content: "Be brief."}}, call.Request.Messages...)
		call.Request.Messages = msgs
		return next(ctx, call)
	}}
	run, err := aigentic.Agent{Model: model, Logger: quiet(), Interceptors: []aigentic.Interceptor{guard}}.Start("hello")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	sent := model.Requests()[0].Messages
	if len(sent) != 2 || sent[0].Content != "Be brief." {
		t.Fatalf("the model got %+v", sent)
	}
	if msgs := run.Messages(); msgs[0].Role != ai.RoleUser || len(msgs) != 2 {
		t.Fatalf("transcript %+v", msgs)
	}
}

// An error the step itself returned, passed on, ends the run as it would
// have without the interceptor: no *HaltError.
func TestInterceptorPassesStepErrorsOn(t *testing.T) {
	model := aitest.NewScripted(aitest.Fail(aitest.StatusError(400, 0)))
	pass := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		resp, err := next(ctx, call)
		if err != nil {
			return nil, err
		}
		return resp, nil
	}}
	_, err := aigentic.Agent{Model: model, Logger: quiet(), Interceptors: []aigentic.Interceptor{pass}}.Execute("go")
	var mce *aigentic.ModelCallError
	if !errors.As(err, &mce) || errors.Is(err, aigentic.ErrHalted) {
		t.Fatalf("err = %v, want the model call's own error", err)
	}
}

// A panic in an interceptor halts the run with a *PanicError inside,
// marked as the interceptor's: it is not a tool's panic (ErrToolPanic).
func TestPanickingInterceptorHalts(t *testing.T) {
	for _, c := range []struct {
		step string
		bad  hook.Funcs
	}{
		{`tool "noop"`, hook.Funcs{Tool: func(context.Context, *hook.ToolCall, hook.ToolNext) (*ai.ToolResult, error) {
			panic("interceptor bug")
		}}},
		{"model call 1", hook.Funcs{Model: func(context.Context, *hook.ModelCall, hook.ModelNext) (*ai.Response, error) {
			panic("interceptor bug")
		}}},
	} {
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("noop", `{}`)), aitest.Reply("never"))
		noop := aigentic.AgentTool{Name: "noop", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return ai.Text("ok"), nil }}
		_, err := aigentic.Agent{Model: model, Logger: quiet(), AgentTools: []aigentic.AgentTool{noop}, Interceptors: []aigentic.Interceptor{c.bad}}.Execute("go")
		var he *aigentic.HaltError
		var pe *aigentic.PanicError
		if !errors.As(err, &he) || !errors.As(err, &pe) || pe.Source != aigentic.PanicInInterceptor || errors.Is(err, aigentic.ErrToolPanic) || he.Step != c.step {
			t.Fatalf("%s: err = %v; want a *HaltError at the step wrapping the interceptor's *PanicError", c.step, err)
		}
	}
}

// An interceptor refuses one tool call with an error result: the model
// sees it and the run goes on.
func TestInterceptorRefusesOneToolCall(t *testing.T) {
	ran := false
	noop := aigentic.AgentTool{Name: "delete_all", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		ran = true
		return ai.Text("deleted"), nil
	}}
	deny := hook.Funcs{Tool: func(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
		if call.Name == "delete_all" {
			return ai.ErrorText("refused by policy"), nil
		}
		return next(ctx, call)
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("delete_all", `{}`)), aitest.Reply("could not"))
	answer, err := aigentic.Agent{Model: model, Logger: quiet(), AgentTools: []aigentic.AgentTool{noop}, Interceptors: []aigentic.Interceptor{deny}}.Execute("go")
	if err != nil || answer != "could not" || ran {
		t.Fatalf("run = %q, %v; tool ran %t", answer, err, ran)
	}
	if got := model.Requests()[1].Messages[2]; !got.IsError || got.Content != "refused by policy" {
		t.Fatalf("the model saw %+v", got)
	}
}

// A sub-agent inherits its parent's observers and interceptors when it has
// none, and keeps its own when it has some.
func TestSubAgentsInheritTheSeam(t *testing.T) {
	parentSaw, ownSaw := &recorder{}, &recorder{}
	coordinator := aitest.NewScripted(aitest.CallTools(aitest.Call("a", `{"input":"x"}`), aitest.Call("b", `{"input":"y"}`)), aitest.Reply("done"))
	agent := aigentic.Agent{
		Name: "coordinator", Model: coordinator, Logger: quiet(), Observers: []aigentic.Observer{parentSaw},
		Agents: []aigentic.Agent{
			{Name: "a", Model: aitest.NewScripted(aitest.Reply("from a"))},
			{Name: "b", Model: aitest.NewScripted(aitest.Reply("from b")), Observers: []aigentic.Observer{ownSaw}},
		},
	}
	if _, err := agent.Execute("go"); err != nil {
		t.Fatal(err)
	}
	agents := func(r *recorder) map[string]bool {
		m := map[string]bool{}
		for _, l := range r.lines {
			m[strings.SplitN(l, ":", 2)[0]] = true
		}
		return m
	}
	if p, o := agents(parentSaw), agents(ownSaw); !p["coordinator"] || !p["a"] || p["b"] || !o["b"] || len(o) != 1 {
		t.Fatalf("parent's observer saw %v, b's own saw %v", p, o)
	}
}

// A run stopped while an interceptor waits ends with a *StoppedError, not
// a *HaltError.
func TestStopDuringInterceptor(t *testing.T) {
	started := make(chan struct{})
	slow := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	run, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("never")), Logger: quiet(), Interceptors: []aigentic.Interceptor{slow}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	run.Cancel()
	_, err = run.Wait(0)
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || errors.Is(err, aigentic.ErrHalted) || se.During != "model call 1" || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
