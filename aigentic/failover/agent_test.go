package failover_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// One retry layer: when the whole list fails, the agent's Retries decide,
// waiting the last model's Retry-After; the list is tried again from the
// top, and each model at most once per attempt.
func TestTheRunsRetryLayerIsTheOnlyOne(t *testing.T) {
	primary := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
	fallback := aitest.Inject(aitest.NewNaive(aitest.NaiveOptions{})).FailNext(aitest.StatusError(429, 3*time.Second))
	m := mustNew(t, []ai.Model{primary, fallback})
	var sleeps testutil.Sleeps
	session := aigentic.NewSession(t.Context())
	defer session.Cancel()
	var seen []string
	ctx := failover.ObserveAttempts(t.Context(), func(a failover.Attempt) { seen = append(seen, a.Name()) })
	agent := aigentic.Agent{Model: m, Session: session, Retries: 2, Logger: slog.New(slog.DiscardHandler),
		RetryPolicy: &aigentic.RetryPolicy{Sleep: sleeps.Sleep}}
	run, err := agent.StartContext(ctx, "hello")
	if err != nil {
		t.Fatal(err)
	}
	answer, err := run.Wait(0)
	if err != nil || answer != aitest.DefaultNaiveAnswer {
		t.Fatalf("answer %q, err %v: want the naive fallback's answer", answer, err)
	}
	// Attempt 1: primary 503, fallback 429 (Retry-After 3s) → the run waits 3s.
	// Attempt 2: primary 503 again, fallback answers.
	if got := sleeps.All(); len(got) != 1 || got[0] != 3*time.Second {
		t.Fatalf("the run waited %v, want once for the 429's 3s", got)
	}
	if primary.Calls() != 2 || fallback.Calls() != 2 || run.Stats().Retries != 1 || run.Stats().LLMCalls != 1 {
		t.Fatalf("primary %d, fallback %d calls, stats %+v", primary.Calls(), fallback.Calls(), run.Stats())
	}
	if want := "aitest/offline,aitest/naive,aitest/offline,aitest/naive"; strings.Join(seen, ",") != want {
		t.Fatalf("attempts seen through the run's context: %s, want %s", strings.Join(seen, ","), want)
	}
	// Each move to the fallback is the run's decision too: counted in its
	// Stats and on its event stream.
	var moves []string
	for ev := range run.Next() {
		if d, ok := ev.(*aigentic.DecisionEvent); ok && d.Action == "fallback" && d.By == "failover" {
			moves = append(moves, d.Step)
		}
	}
	if st := run.Stats(); st.Fallbacks != 2 || strings.Join(moves, ",") != "aitest/offline,aitest/offline" {
		t.Fatalf("fallbacks: stats %d, events %v", st.Fallbacks, moves)
	}
}

// A permanent failure is not retried by the run either: one attempt, the
// fallback never called.
func TestPermanentFailureEndsTheRun(t *testing.T) {
	primary := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(401, 0))
	fallback := aitest.Inject(offline.NewModel())
	m := mustNew(t, []ai.Model{primary, failoverNamed{fallback, "backup"}})
	session := aigentic.NewSession(context.Background())
	defer session.Cancel()
	agent := aigentic.Agent{Model: m, Session: session, Retries: 3, Logger: slog.New(slog.DiscardHandler)}
	_, err := agent.Execute("hello")
	var mce *aigentic.ModelCallError
	if !errors.As(err, &mce) || mce.Attempts != 1 || !errors.Is(err, ai.ErrPermanent) || fallback.Calls() != 0 {
		t.Fatalf("err = %v, fallback calls %d", err, fallback.Calls())
	}
}

// failoverNamed gives a model another provider name: the same model behind
// a second endpoint.
type failoverNamed struct {
	ai.Model
	provider string
}

func (f failoverNamed) ProviderName() string { return f.provider }
