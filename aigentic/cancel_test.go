package aigentic_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
)

// blockingTool signals started, then blocks until the run's context ends.
func blockingTool(started chan<- struct{}) aigentic.AgentTool {
	return aigentic.AgentTool{
		Name: "wait_forever",
		Execute: func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			started <- struct{}{}
			select {
			case <-run.Context().Done():
				return nil, run.Context().Err()
			case <-time.After(10 * time.Second):
				return ai.Text("tool was not cancelled"), nil
			}
		},
	}
}

func assertStopped(t *testing.T, err, cause error, during string) {
	t.Helper()
	if !errors.Is(err, cause) {
		t.Fatalf("err = %v, want errors.Is %v", err, cause)
	}
	var se *aigentic.StoppedError
	if !errors.As(err, &se) {
		t.Fatalf("err %T is not a *StoppedError: %v", err, err)
	}
	if !strings.Contains(se.During, during) {
		t.Fatalf("stopped during %q, want %q", se.During, during)
	}
}

// The session's deadline passes while the model call runs (a deadline the
// test makes pass once the call has started: a real 20ms timeout could
// pass before a loaded machine reached the call).
func TestSessionTimeoutDuringModelCall(t *testing.T) {
	defer goleak.VerifyNone(t)
	deadline := runtest.NewDeadline()
	started := make(chan struct{}, 1)
	model := blockingModel(started)
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Session: aigentic.NewSession(deadline), Retries: 3}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	awaitStart(t, started)
	deadline.Expire()
	within(t, 5*time.Second, func() { _, err = run.Wait(0) })
	assertStopped(t, err, context.DeadlineExceeded, "model call 1")
	// The session's deadline is not an attempt timeout to retry.
	var se *aigentic.StoppedError
	if errors.As(err, &se); se.During != "model call 1" || model.Calls() != 1 || run.Stats().Retries != 0 {
		t.Fatalf("stopped during %q, model calls %d, stats %+v", se.During, model.Calls(), run.Stats())
	}
}

func TestSessionCancelDuringModelCall(t *testing.T) {
	defer goleak.VerifyNone(t)
	started := make(chan struct{}, 1)
	session := aigentic.NewSession(context.Background())
	model := blockingModel(started)
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Session: session, Retries: 3}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	awaitStart(t, started)
	within(t, 5*time.Second, func() {
		session.Cancel()
		_, err = run.Wait(0)
	})
	assertStopped(t, err, context.Canceled, "model call 1")
	if model.Calls() != 1 {
		t.Fatalf("model calls %d", model.Calls())
	}
	if st := run.Stats(); st.LLMCalls != 1 || st.Duration <= 0 {
		t.Fatalf("stats = %+v", st)
	}
	if session.Err() == nil {
		t.Fatal("session not cancelled")
	}
}

func TestRunCancelDuringTool(t *testing.T) {
	defer goleak.VerifyNone(t)
	started := make(chan struct{}, 1)
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("wait_forever", `{}`)), aitest.Reply("never"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 3, AgentTools: []aigentic.AgentTool{blockingTool(started)}}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	awaitStart(t, started)
	within(t, 5*time.Second, func() {
		run.Cancel()
		_, err = run.Wait(0)
	})
	assertStopped(t, err, context.Canceled, `tool "wait_forever"`)
	if model.Calls() != 1 {
		t.Fatalf("model calls %d", model.Calls())
	}
	// Stats are complete after the failure.
	if st := run.Stats(); st.LLMCalls != 1 || st.ToolCalls != 1 || st.Duration <= 0 || st.InputTokens != 10 {
		t.Fatalf("stats = %+v", st)
	}
	run.Cancel() // safe after the end
}

func TestSessionTimeoutDuringTool(t *testing.T) {
	defer goleak.VerifyNone(t)
	deadline := runtest.NewDeadline()
	started := make(chan struct{}, 1)
	go func() { <-started; deadline.Expire() }()
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("wait_forever", `{}`)), aitest.Reply("never"))
	agent := aigentic.Agent{Model: model, Logger: discardLogger(), Session: aigentic.NewSession(deadline), AgentTools: []aigentic.AgentTool{blockingTool(started)}}
	var err error
	within(t, 5*time.Second, func() { _, err = agent.Execute("hi") })
	assertStopped(t, err, context.DeadlineExceeded, "wait_forever")
}

func TestWaitTimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	model := aitest.NewScripted(aitest.Reply("late").After(10 * time.Second))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger()}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() { _, err = run.Wait(20 * time.Millisecond) })
	assertStopped(t, err, context.DeadlineExceeded, "model call 1")
	if !errors.Is(err, aigentic.ErrWaitTimeout) {
		t.Fatalf("err = %v, want ErrWaitTimeout", err)
	}
	select {
	case <-run.Done():
	default:
		t.Fatal("Wait returned before the run ended")
	}
	if st := run.Stats(); st.LLMCalls != 1 || st.Duration <= 0 {
		t.Fatalf("stats = %+v", st)
	}
	// A second Wait returns the same outcome at once.
	if _, err2 := run.Wait(time.Millisecond); err2 != err {
		t.Fatalf("second Wait = %v", err2)
	}
}

// Wait with a timeout longer than the run returns the answer.
func TestWaitTimeoutNotReached(t *testing.T) {
	run, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("quick")), Logger: discardLogger()}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := run.Wait(5 * time.Second); err != nil || got != "quick" {
		t.Fatalf("Wait = %q, %v", got, err)
	}
}

func TestRunCancelDuringBackoff(t *testing.T) {
	defer goleak.VerifyNone(t)
	model := aitest.Inject(aitest.NewScripted()).FailNext(aitest.StatusError(503, 0))
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), Retries: 5,
		RetryPolicy: &aigentic.RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour},
	}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() {
		for ev := range run.Next() {
			if _, ok := ev.(*aigentic.RetryEvent); ok {
				run.Cancel()
			}
		}
		_, err = run.Wait(0)
	})
	assertStopped(t, err, context.Canceled, "backoff")
	if st := run.Stats(); st.Retries != 1 || st.LLMCalls != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

// A session already over never calls the model.
func TestSessionAlreadyCancelled(t *testing.T) {
	session := aigentic.NewSession(context.Background())
	session.Cancel()
	session.Cancel() // idempotent
	model := aitest.NewScripted(aitest.Reply("never"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Session: session}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Wait(0)
	assertStopped(t, err, context.Canceled, "model call 1")
	if model.Calls() != 0 || run.Stats().LLMCalls != 0 {
		t.Fatalf("model called %d times, stats %+v", model.Calls(), run.Stats())
	}
}

// Cancelling a session stops every run in it.
func TestSessionCancelStopsAllRuns(t *testing.T) {
	defer goleak.VerifyNone(t)
	session := aigentic.NewSession(context.Background())
	started := make(chan struct{}, 3)
	var runs []*aigentic.AgentRun
	for i := 0; i < 3; i++ {
		run, err := aigentic.Agent{Model: blockingModel(started), Logger: discardLogger(), Session: session}.Start("hi")
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	for i := 0; i < 3; i++ {
		awaitStart(t, started)
	}
	within(t, 5*time.Second, func() {
		session.Cancel()
		for _, r := range runs {
			if _, err := r.Wait(0); !errors.Is(err, context.Canceled) {
				t.Errorf("run err = %v", err)
			}
		}
	})
}

// A session context given a custom cause still stops the run with an error
// that matches the context's own error — and the cause.
func TestStoppedWithCustomCause(t *testing.T) {
	budget := errors.New("request budget spent")
	cases := []struct {
		name string
		ctx  func() (context.Context, func())
		want error
	}{
		{"timeout cause", func() (context.Context, func()) {
			return context.WithTimeoutCause(context.Background(), time.Millisecond, budget)
		}, context.DeadlineExceeded},
		{"cancel cause", func() (context.Context, func()) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(budget)
			return ctx, func() {}
		}, context.Canceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			m := aitest.NewScripted(aitest.Reply("late").After(10 * time.Second))
			var err error
			within(t, 5*time.Second, func() {
				_, err = aigentic.Agent{Model: m, Session: aigentic.NewSession(ctx), Logger: discardLogger()}.Execute("go")
			})
			var se *aigentic.StoppedError
			if !errors.As(err, &se) || !errors.Is(err, tc.want) || !errors.Is(err, budget) {
				t.Fatalf("err = %v: want a *StoppedError matching %v and the cause", err, tc.want)
			}
			if !strings.Contains(err.Error(), budget.Error()) {
				t.Fatalf("err = %q does not name the cause", err)
			}
		})
	}
}
