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
)

// stuckTool ignores its context: it returns only when released. started
// is closed when it starts; returned when it has returned.
type stuckTool struct {
	started, release, returned chan struct{}
	once                       sync.Once
}

func newStuckTool() *stuckTool {
	return &stuckTool{started: make(chan struct{}), release: make(chan struct{}), returned: make(chan struct{})}
}

func (s *stuckTool) tool(name string) aigentic.AgentTool {
	return aigentic.AgentTool{Name: name, Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		s.once.Do(func() { close(s.started) })
		<-s.release
		defer close(s.returned)
		return ai.Text("late result"), nil
	}}
}

// finish releases the tool and waits for its goroutine to return, so the
// package's goleak check proves nothing outlives the tool's own return.
func (s *stuckTool) finish(t *testing.T) {
	t.Helper()
	close(s.release)
	select {
	case <-s.returned:
	case <-time.After(5 * time.Second):
		t.Fatal("the abandoned tool did not return")
	}
}

// A stop never waits on a tool that ignores its context: Cancel,
// ExecuteContext's deadline and Wait's timeout each end the run while the
// tool still runs, naming the tool as the step and as abandoned, reported
// as an event, in Stats and the log; the tool's late result never reaches
// the transcript.
func TestStopNeverWaitsOnAStuckTool(t *testing.T) {
	for _, how := range []string{"cancel", "deadline", "wait"} {
		t.Run(how, func(t *testing.T) {
			stuck := newStuckTool()
			defer stuck.finish(t)
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("stuck", `{}`)), aitest.Reply("never"))
			logger, buf := newJSONLogger()
			agent := aigentic.Agent{Model: model, Logger: logger, StopGrace: 10 * time.Millisecond, AgentTools: []aigentic.AgentTool{stuck.tool("stuck")}}
			var err error
			var run *aigentic.AgentRun
			within(t, 5*time.Second, func() {
				switch how {
				case "cancel":
					run, err = agent.Start("go")
					if err != nil {
						t.Fatal(err)
					}
					<-stuck.started
					run.Cancel()
					_, err = run.Wait(0)
				case "deadline":
					ctx, cancel := context.WithCancelCause(context.Background())
					defer cancel(nil)
					go func() { <-stuck.started; cancel(context.DeadlineExceeded) }()
					_, err = agent.ExecuteContext(ctx, "go")
				case "wait":
					run, err = agent.Start("go")
					if err != nil {
						t.Fatal(err)
					}
					<-stuck.started
					_, err = run.Wait(time.Nanosecond)
				}
			})
			var se *aigentic.StoppedError
			if !errors.As(err, &se) || se.During != `tool "stuck"` || len(se.Abandoned) != 1 || se.Abandoned[0].Name != "stuck" ||
				!strings.Contains(err.Error(), `abandoned "stuck"`) {
				t.Fatalf("err = %v", err)
			}
			select {
			case <-stuck.returned:
				t.Fatal("the run waited for the tool")
			default:
			}
			if run != nil {
				if st := run.Stats(); st.ToolsAbandoned != 1 {
					t.Fatalf("stats %+v", st)
				}
				for _, m := range run.Messages() {
					if m.Role == ai.RoleTool {
						t.Fatalf("an abandoned call's result reached the transcript: %+v", m)
					}
				}
			}
			if findRecord(records(t, buf), "tool abandoned: it did not return after its context ended") == nil {
				t.Fatalf("no abandon record:\n%s", buf.String())
			}
		})
	}
}

// A tool that runs past its timeout has its context cancelled; the model
// gets an error result saying so and the run goes on, whether the tool
// returns then or is abandoned. A transient error before the timeout is
// still retried.
func TestToolTimeout(t *testing.T) {
	polite := aigentic.AgentTool{Name: "polite", Timeout: 5 * time.Millisecond, Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		<-run.Context().Done()
		return nil, run.Context().Err()
	}}
	stuck := newStuckTool()
	defer stuck.finish(t)
	rude := stuck.tool("rude")
	calls := 0
	flaky := aigentic.AgentTool{Name: "flaky", Timeout: time.Minute, Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		if calls++; calls == 1 {
			return nil, ai.Transient(errors.New("busy"))
		}
		return ai.Text("ok"), nil
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("polite", `{}`), aitest.Call("rude", `{}`), aitest.Call("flaky", `{}`)), aitest.Reply("done"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 1, RetryPolicy: (&sleeper{}).Policy(),
		ToolTimeout: 5 * time.Millisecond, StopGrace: 5 * time.Millisecond,
		AgentTools: []aigentic.AgentTool{polite, rude, flaky}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	var abandoned []*aigentic.ToolAbandonedEvent
	var answer string
	within(t, 5*time.Second, func() { // without the timeout "rude" would hold the run
		for ev := range run.Next() {
			if a, ok := ev.(*aigentic.ToolAbandonedEvent); ok {
				abandoned = append(abandoned, a)
			}
		}
		answer, err = run.Wait(0)
	})
	if err != nil || answer != "done" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	results := toolMessages(model.Requests()[1].Messages)
	for i, name := range []string{"polite", "rude"} {
		if !results[i].IsError || !strings.Contains(results[i].Content, fmt.Sprintf("tool %q timed out after 5ms", name)) {
			t.Errorf("%s's result: %+v", name, results[i])
		}
	}
	if results[2].IsError || results[2].Content != "ok" || calls != 2 {
		t.Errorf("flaky: %+v after %d calls", results[2], calls)
	}
	if st := run.Stats(); st.ToolTimeouts != 2 || st.ToolsAbandoned != 1 || st.Retries != 1 {
		t.Errorf("stats %+v", st)
	}
	if len(abandoned) != 1 || abandoned[0].ToolName != "rude" || abandoned[0].Reason != "timeout" {
		t.Errorf("abandoned events %+v", abandoned)
	}
}

// barrier waits until n callers have arrived: it proves calls ran at the
// same time (one at a time, the first would wait for ever; the watchdog
// fails the test instead).
type barrier struct {
	mu      sync.Mutex
	n, here int
	all     chan struct{}
}

func newBarrier(n int) *barrier { return &barrier{n: n, all: make(chan struct{})} }

func (b *barrier) arrive(ctx context.Context) error {
	b.mu.Lock()
	if b.here++; b.here == b.n {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Second):
		return errors.New("the other calls never came: they did not run in parallel")
	}
}

// With ParallelToolCalls, a turn's calls run at once; their results go
// back in call order; each call's start is reported before any runs, each
// end after all have, in call order.
func TestParallelToolCalls(t *testing.T) {
	b := newBarrier(3)
	var running, most atomic.Int32
	tool := aigentic.NewTool("lookup", "Look up.", func(run *aigentic.AgentRun, in struct {
		N int `json:"n"`
	}) (string, error) {
		if n := running.Add(1); n > most.Load() {
			most.Store(n)
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

// A sub-agent stopped at its limit hands its coordinator what it did and
// its partial answer, as an error result the coordinator can use.
func TestSubAgentLimitHandsOverThePartialWork(t *testing.T) {
	researcher := aitest.NewScripted(
		replyWith("Found two notes so far.", aitest.Call("search_notes", `{"q":"cancel"}`)),
		aitest.CallTools(aitest.Call("search_notes", `{"q":"limits"}`)))
	search := (&countingTool{Res: func(args map[string]any) (*ai.ToolResult, error) {
		return ai.Text("note about " + args["q"].(string)), nil
	}}).Tool("search_notes", nil)
	coordinator := aitest.NewScripted(aitest.CallTools(aitest.Call("researcher", `{"input":"research"}`)), aitest.Reply("done"))
	_, err := aigentic.Agent{Model: coordinator, Logger: discardLogger(), Agents: []aigentic.Agent{{
		Name: "researcher", Model: researcher, MaxLLMCalls: 2, AgentTools: []aigentic.AgentTool{search}}}}.Execute("go")
	if err != nil {
		t.Fatal(err)
	}
	got := toolMessages(coordinator.Requests()[1].Messages)[0]
	for _, want := range []string{`sub-agent "researcher" stopped before finishing`, "MaxLLMCalls limit reached",
		`search_notes {"q":"cancel"}: returned: note about cancel`, `Pending, not run: search_notes {"q":"limits"}`,
		"Its partial answer: Found two notes so far."} {
		if !got.IsError || !strings.Contains(got.Content, want) {
			t.Fatalf("the coordinator got %q, want %q in it", got.Content, want)
		}
	}
}

// Bad settings are refused before anything runs.
func TestRunControlSettingsValidated(t *testing.T) {
	m := aitest.NewScripted(aitest.Reply("x"))
	tool := (&countingTool{}).Tool("t", nil)
	tool.Timeout = -time.Second
	for name, a := range map[string]aigentic.Agent{
		"ToolTimeout":       {Model: m, ToolTimeout: -1},
		"StopGrace":         {Model: m, StopGrace: -1},
		"ParallelToolCalls": {Model: m, ParallelToolCalls: -2},
		"Timeout":           {Model: m, AgentTools: []aigentic.AgentTool{tool}},
	} {
		if _, err := a.Execute("go"); !errors.Is(err, aigentic.ErrInvalidAgent) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
