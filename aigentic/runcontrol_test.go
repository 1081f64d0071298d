package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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
	for _, how := range []string{"cancel", "deadline", "wait", "session"} {
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
				case "session":
					// Execute, no context of its own: the session's
					// cancellation is what can stop it.
					agent.Session = aigentic.NewSession(context.Background())
					go func() { <-stuck.started; agent.Session.Cancel() }()
					_, err = agent.Execute("go")
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
