package aigentic_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// The runtime's cheap paths (newrun.go, observe.go, toolcall.go) must not
// change what a run does: these tests pin what each one could break.

// TestSinksSeeRealDurations: the run's own sinks — the events of a Start
// run and the trace file — make a run timed (observe.go: r.timed), so
// what they record is the real duration, not zero.
func TestSinksSeeRealDurations(t *testing.T) {
	t.Run("events", func(t *testing.T) {
		run, err := slowAgent(0).Start("wait twice")
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for ev := range run.Next() {
			if e, ok := ev.(*aigentic.ToolResponseEvent); ok {
				seen++
				if e.Duration < pause {
					t.Errorf("ToolResponseEvent.Duration %s, want at least %s", e.Duration, pause)
				}
			}
		}
		if _, err := run.Wait(0); err != nil || seen != 2 {
			t.Fatalf("%d tool responses, err %v; want 2, nil", seen, err)
		}
	})
	t.Run("trace file", func(t *testing.T) {
		trace := aigentic.NewTrace()
		trace.Directory = t.TempDir()
		agent := slowAgent(0)
		agent.Trace = trace
		if _, err := agent.Execute("wait twice"); err != nil {
			t.Fatal(err)
		}
		files := trace.Files()
		if len(files) != 1 {
			t.Fatalf("trace files %v, want one", files)
		}
		b, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.Contains(text, "ok in 0s") || !strings.Contains(text, "ok in ") {
			t.Errorf("the trace file's model calls are not timed:\n%s", text)
		}
	})
}

// TestToolEndCoversTheWholeCall: a tool call's ToolEnd runs from its start
// to its last attempt's end — validation included — not the attempt's
// own duration.
func TestToolEndCoversTheWholeCall(t *testing.T) {
	agent := slowAgent(0)
	agent.AgentTools[0].Validate = func(*aigentic.AgentRun, map[string]any) (aigentic.ValidationResult, error) {
		time.Sleep(pause)
		return aigentic.ValidationResult{}, nil
	}
	wantToolEndPast(t, agent, "validation")
}

// wantToolEndPast runs agent (two tool calls) and checks that each call's
// ToolEnd is at least pause longer than its attempt: what, the work done
// outside the attempt, is in it.
func wantToolEndPast(t *testing.T, agent aigentic.Agent, what string) {
	t.Helper()
	var mu sync.Mutex
	var attempt, call []time.Duration
	agent.Observers = []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		mu.Lock()
		defer mu.Unlock()
		switch s := s.(type) {
		case *hook.ToolAttemptEnd:
			attempt = append(attempt, s.Duration)
		case *hook.ToolEnd:
			call = append(call, s.Duration)
		}
		return ctx
	})}
	if _, err := agent.Execute("wait twice"); err != nil {
		t.Fatal(err)
	}
	if len(call) != 2 || len(attempt) != 2 {
		t.Fatalf("%d tool ends, %d attempt ends; want 2 of each", len(call), len(attempt))
	}
	for i := range call {
		if call[i] < attempt[i]+pause {
			t.Errorf("call %d: ToolEnd %s, attempt %s: the %s of %s is missing", i, call[i], attempt[i], pause, what)
		}
	}
}

// TestLimitIsTheRunsOwn: RunInfo describes the run to whoever holds it; a
// tool (or an observer, or an interceptor) changing its MaxLLMCalls does
// not lift the run's limit.
func TestLimitIsTheRunsOwn(t *testing.T) {
	var steps []aitest.Step
	for range 6 {
		steps = append(steps, aitest.CallTools(aitest.Call("widen", `{}`)))
	}
	agent := aigentic.Agent{Model: aitest.NewScripted(append(steps, aitest.Reply("done"))...), MaxLLMCalls: 2, Logger: discardLogger(),
		AgentTools: []aigentic.AgentTool{aigentic.NewTool("widen", "tries to widen the run's limit", func(run *aigentic.AgentRun, _ struct{}) (string, error) {
			hook.FromContext(run.Context()).MaxLLMCalls = 100
			return "widened", nil
		})}}
	_, err := agent.Execute("go")
	var le *aigentic.LimitError
	if !errors.As(err, &le) || le.Limit != 2 || le.Calls != 2 {
		t.Fatalf("err %v; want the *LimitError of 2 model calls", err)
	}
}

// TestStatsReadDuringTheRun: Stats may be read from any goroutine while the
// run goes on (the stats observer writes under the run's lock); under
// -race, an unlocked write fails this test.
func TestStatsReadDuringTheRun(t *testing.T) {
	run, err := slowAgent(0).Start("wait twice")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-run.Done():
				return
			default:
				_ = run.Stats()
			}
		}
	}()
	for range run.Next() {
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	<-done
	if s := run.Stats(); s.LLMCalls != 2 || s.ToolCalls != 2 || s.ResponseModel == "" {
		t.Errorf("stats %+v; want 2 model calls, 2 tool calls and who answered", s)
	}
}

// TestRunAndSessionIDs: a run without a session gets one of its own; its
// id and the run's are made together (newIDs) and are not the same.
func TestRunAndSessionIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		run, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("hi")), Logger: discardLogger()}.Start("x")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.Wait(0); err != nil {
			t.Fatal(err)
		}
		id, sid := run.ID(), run.Session().ID
		if !strings.HasPrefix(id, "run_") || !strings.HasPrefix(sid, "ses_") || len(id) != 16 || len(sid) != 16 || id[4:] == sid[4:] {
			t.Fatalf("run id %q, session id %q; want run_ and ses_ with 12 different hex digits each", id, sid)
		}
		if seen[id] || seen[sid] {
			t.Fatalf("an id came twice: %q %q", id, sid)
		}
		seen[id], seen[sid] = true, true
	}
}

// TestDefaultRetryPolicy: an agent without a RetryPolicy retries with the
// documented defaults (the shared zero policy, retry.go): the first retry
// waits between DefaultBaseDelay/2 and DefaultBaseDelay.
func TestDefaultRetryPolicy(t *testing.T) {
	model := aitest.NewScripted(aitest.Fail(ai.ErrTransient), aitest.Reply("hi"))
	run, err := aigentic.Agent{Model: model, Retries: 1, Logger: discardLogger()}.Start("x")
	if err != nil {
		t.Fatal(err)
	}
	var delays []time.Duration
	for ev := range run.Next() {
		if e, ok := ev.(*aigentic.RetryEvent); ok {
			delays = append(delays, e.Delay)
		}
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if len(delays) != 1 || delays[0] < aigentic.DefaultBaseDelay/2 || delays[0] > aigentic.DefaultBaseDelay {
		t.Errorf("retry delays %v; want one between %s and %s", delays, aigentic.DefaultBaseDelay/2, aigentic.DefaultBaseDelay)
	}
}

// TestToolEndCoversTheInterceptors: with a tool interceptor, the call ends
// when the interceptor returns — its own work after the tool included —
// not when the tool's last attempt did.
func TestToolEndCoversTheInterceptors(t *testing.T) {
	agent := slowAgent(0)
	agent.Interceptors = []aigentic.Interceptor{hook.Funcs{Tool: func(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
		res, err := next(ctx, call)
		time.Sleep(pause) // checking the result, say
		return res, err
	}}}
	wantToolEndPast(t, agent, "interceptor's work after the tool")
}
