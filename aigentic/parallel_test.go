package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// With ParallelToolCalls, a turn's calls run at once; their results go
// back in call order; each call's start is reported before any runs, each
// end after all have, in call order.
func TestParallelToolCalls(t *testing.T) {
	b := newBarrier(3)
	var running, most atomic.Int32
	tool := aigentic.NewTool("lookup", "Look up.", func(run *aigentic.AgentRun, in struct {
		N int `json:"n"`
	}) (string, error) {
		// Keep the highest count seen: a compare-and-swap, so that two
		// calls arriving together cannot store their counts out of order.
		for n := running.Add(1); ; {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		defer running.Add(-1)
		if err := b.arrive(run.Context()); err != nil {
			return "", err
		}
		return fmt.Sprintf("result %d", in.N), nil
	})
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{"n":1}`), aitest.Call("lookup", `{"n":2}`), aitest.Call("lookup", `{"n":3}`)), aitest.Reply("done"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), ParallelToolCalls: 3, AgentTools: []aigentic.AgentTool{tool}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for ev := range run.Next() {
		switch e := ev.(type) {
		case *aigentic.ToolEvent:
			order = append(order, "start "+e.Arguments)
		case *aigentic.ToolResponseEvent:
			order = append(order, "end "+e.Content)
		}
	}
	if answer, err := run.Wait(0); err != nil || answer != "done" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	if got := strings.Join(order, ", "); got != `start {"n":1}, start {"n":2}, start {"n":3}, end result 1, end result 2, end result 3` {
		t.Fatalf("events: %s", got)
	}
	var results []string
	for _, m := range toolMessages(model.Requests()[1].Messages) {
		results = append(results, m.Content)
	}
	if strings.Join(results, ",") != "result 1,result 2,result 3" || most.Load() != 3 || run.Stats().ToolCalls != 3 {
		t.Fatalf("results %v, %d at once, stats %+v", results, most.Load(), run.Stats())
	}
}

// The bound holds: with ParallelToolCalls 2, a third call starts only
// once one of the first two has returned. The tools block until released;
// with two running, the test gives a third 100ms to start (unbounded, the
// other two calls start at once and block too) before releasing them, and
// the most seen running at once must be 2. The wait can only miss a
// broken bound on a machine too loaded to start a goroutine in 100ms; it
// cannot fail a correct one.
func TestParallelToolCallsBound(t *testing.T) {
	var mu sync.Mutex
	running, most := 0, 0
	started := make(chan struct{}, 4)
	release := make(chan struct{})
	tool := aigentic.AgentTool{Name: "t", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		started <- struct{}{}
		<-release
		mu.Lock()
		running--
		mu.Unlock()
		return ai.Text("ok"), nil
	}}
	calls := make([]ai.ToolCall, 4)
	for i := range calls {
		calls[i] = aitest.Call("t", "{}")
	}
	model := aitest.NewScripted(aitest.CallTools(calls...), aitest.Reply("done"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), ParallelToolCalls: 2, AgentTools: []aigentic.AgentTool{tool}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() { <-started; <-started })
	select {
	case <-started:
		t.Error("a third call started while two were running")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	var answer string
	within(t, 5*time.Second, func() { answer, err = run.Wait(0) })
	mu.Lock()
	defer mu.Unlock()
	if err != nil || answer != "done" || most != 2 {
		t.Fatalf("%q, %v; %d at once", answer, err, most)
	}
}

// A Go error from one call cancels the others and stops the run with that
// error; a budget charges each call, leaving the refused ones pending.
func TestParallelToolCallsErrorsAndBudgets(t *testing.T) {
	boom := errors.New("database down")
	failing := aigentic.AgentTool{Name: "failing", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		return nil, boom
	}}
	var cancelled atomic.Int32
	waiting := aigentic.AgentTool{Name: "waiting", Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		<-run.Context().Done()
		cancelled.Add(1)
		return nil, run.Context().Err()
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("waiting", `{}`), aitest.Call("failing", `{}`), aitest.Call("waiting", `{}`)))
	var err error
	within(t, 5*time.Second, func() { // without the cancel the waiting calls would never end
		_, err = aigentic.Agent{Model: model, Logger: discardLogger(), ParallelToolCalls: 3, AgentTools: []aigentic.AgentTool{failing, waiting}}.Execute("go")
	})
	var te *aigentic.ToolError
	if !errors.As(err, &te) || te.Tool != "failing" || !errors.Is(err, boom) || cancelled.Load() != 2 {
		t.Fatalf("err = %v, %d cancelled", err, cancelled.Load())
	}

	ok := (&countingTool{}).Tool("ok", nil)
	model = aitest.NewScripted(aitest.CallTools(aitest.Call("ok", `{}`), aitest.Call("ok", `{}`), aitest.Call("ok", `{}`)))
	_, err = aigentic.Agent{Model: model, Logger: discardLogger(), ParallelToolCalls: 3, Budget: aigentic.Budget{MaxToolCalls: 2},
		AgentTools: []aigentic.AgentTool{ok}}.Execute("go")
	var le *aigentic.LimitError
	if !errors.As(err, &le) || le.Exceeded != aigentic.LimitBudgetToolCalls || len(le.Pending) != 1 || len(toolMessages(le.Transcript)) != 2 {
		t.Fatalf("err = %v (%+v)", err, le)
	}
}

// Approvals in a parallel turn are asked one at a time: with both calls at
// their approval, the second is asked only once the first is answered. (If
// both were asked at once, the second request would arrive while the first
// waits; the test gives it 200ms to show up before answering.)
func TestParallelApprovalsOneAtATime(t *testing.T) {
	var sent []emailInput
	model := aitest.NewScripted(aitest.CallTools(
		aitest.Call("send_email", `{"to":"a@example.com","subject":"1"}`),
		aitest.Call("send_email", `{"to":"b@example.com","subject":"2"}`)), aitest.Reply("sent both"))
	agent := approvalAgent(model, &sent, time.Minute)
	agent.ParallelToolCalls = 2
	run, err := agent.Start("send")
	if err != nil {
		t.Fatal(err)
	}
	events := run.Next()
	next := func(wait time.Duration) *aigentic.ApprovalEvent {
		timeout := time.After(wait)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					return nil
				}
				if ae, ok := ev.(*aigentic.ApprovalEvent); ok {
					return ae
				}
			case <-timeout:
				return nil
			}
		}
	}
	first := next(5 * time.Second)
	if first == nil {
		t.Fatal("no approval asked")
	}
	if early := next(200 * time.Millisecond); early != nil {
		t.Fatalf("a second approval (%s) was asked while %s was open", early.ApprovalID, first.ApprovalID)
	}
	if err := run.Approve(first.ApprovalID, true); err != nil {
		t.Fatal(err)
	}
	second := next(5 * time.Second)
	if second == nil || second.ApprovalID == first.ApprovalID {
		t.Fatalf("second approval: %+v", second)
	}
	if err := run.Approve(second.ApprovalID, true); err != nil {
		t.Fatal(err)
	}
	for range events {
	}
	if _, err := run.Wait(0); err != nil || len(sent) != 2 {
		t.Fatalf("err %v, sent %v", err, sent)
	}
}

// ParallelToolCalls 1 runs a turn's calls one at a time, as 0 does: each
// call's steps end before the next call's begin.
func TestParallelToolCallsOneIsOneAtATime(t *testing.T) {
	tool := aigentic.NewTool("lookup", "Look up.", func(run *aigentic.AgentRun, in struct {
		N int `json:"n"`
	}) (string, error) {
		return fmt.Sprintf("result %d", in.N), nil
	})
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{"n":1}`), aitest.Call("lookup", `{"n":2}`)), aitest.Reply("done"))
	var order []string
	seen := hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		switch s := s.(type) {
		case *hook.ToolStart:
			order = append(order, "start "+s.Call.Arguments)
		case *hook.ToolEnd:
			order = append(order, "end "+s.Result.String())
		}
		return ctx
	})
	answer, err := aigentic.Agent{Model: model, Logger: discardLogger(), ParallelToolCalls: 1, AgentTools: []aigentic.AgentTool{tool},
		Observers: []aigentic.Observer{seen}}.Execute("go")
	if err != nil || answer != "done" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	if got := strings.Join(order, ", "); got != `start {"n":1}, end result 1, start {"n":2}, end result 2` {
		t.Fatalf("steps: %s", got)
	}
}
