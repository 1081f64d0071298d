package aigentic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// The run ends when the caller's context ends, though the session lives.
func TestExecuteContextEndsWithTheCallersContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	started := make(chan struct{}, 1)
	model := blockingModel(started)
	session := aigentic.NewSession(context.Background())
	defer session.Cancel()
	ctx, cancel := context.WithCancelCause(context.Background())
	shutdown := errors.New("server shutting down")
	go func() { <-started; cancel(shutdown) }()
	var err error
	within(t, 5*time.Second, func() {
		_, err = aigentic.Agent{Model: model, Logger: discardLogger(), Session: session, Retries: 2}.ExecuteContext(ctx, "hi")
	})
	assertStopped(t, err, context.Canceled, "model call 1")
	if !errors.Is(err, shutdown) || session.Err() != nil || model.Calls() != 1 {
		t.Fatalf("err %v, session err %v, model calls %d", err, session.Err(), model.Calls())
	}
}

// The run ends when the session ends, though the caller's context lives.
func TestStartContextEndsWithTheSession(t *testing.T) {
	defer goleak.VerifyNone(t)
	started := make(chan struct{}, 1)
	session := aigentic.NewSession(context.Background())
	run, err := aigentic.Agent{Model: blockingModel(started), Logger: discardLogger(), Session: session}.StartContext(context.Background(), "hi")
	if err != nil {
		t.Fatal(err)
	}
	awaitStart(t, started)
	session.Cancel()
	drain(t, run)
	within(t, 5*time.Second, func() { _, err = run.Wait(0) })
	assertStopped(t, err, context.Canceled, "model call 1")
}

// The run's context has the caller's values and the earlier deadline.
func TestRunContextCarriesValuesAndTheEarlierDeadline(t *testing.T) {
	type key struct{}
	for _, tc := range []struct {
		name                    string
		ctxIn, sessionIn, want  time.Duration
		ctxDeadline, sessionDln bool
	}{
		{name: "caller's earlier", ctxIn: time.Hour, sessionIn: 2 * time.Hour, want: time.Hour, ctxDeadline: true, sessionDln: true},
		{name: "session's earlier", ctxIn: 2 * time.Hour, sessionIn: time.Hour, want: time.Hour, ctxDeadline: true, sessionDln: true},
		{name: "session only", sessionIn: time.Hour, want: time.Hour, sessionDln: true},
		{name: "caller only", ctxIn: time.Hour, want: time.Hour, ctxDeadline: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now()
			ctx := context.WithValue(context.Background(), key{}, "request-42")
			sctx := context.Background()
			if tc.ctxDeadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, now.Add(tc.ctxIn))
				defer cancel()
			}
			if tc.sessionDln {
				var cancel context.CancelFunc
				sctx, cancel = context.WithDeadline(sctx, now.Add(tc.sessionIn))
				defer cancel()
			}
			var seen any
			var deadline time.Time
			tool := aigentic.NewTool("probe", "Look at the context.", func(run *aigentic.AgentRun, in struct{}) (string, error) {
				seen = run.Context().Value(key{})
				deadline, _ = run.Context().Deadline()
				return "ok", nil
			})
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("probe", `{}`)), aitest.Reply("done"))
			got, err := aigentic.Agent{Model: model, Logger: discardLogger(), Session: aigentic.NewSession(sctx), AgentTools: []aigentic.AgentTool{tool}}.ExecuteContext(ctx, "go")
			if err != nil || got != "done" {
				t.Fatalf("%q, %v", got, err)
			}
			if seen != "request-42" || !deadline.Equal(now.Add(tc.want)) {
				t.Fatalf("value %v, deadline %v, want %v", seen, deadline, now.Add(tc.want))
			}
		})
	}
}

// A nil context is an error, not a panic, and nothing runs.
func TestNilContextIsAnError(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("no"))
	a := aigentic.Agent{Model: model, Logger: discardLogger()}
	var nilCtx context.Context
	if _, err := a.ExecuteContext(nilCtx, "hi"); !errors.Is(err, aigentic.ErrNilContext) {
		t.Fatalf("ExecuteContext: %v", err)
	}
	if run, err := a.StartContext(nilCtx, "hi"); !errors.Is(err, aigentic.ErrNilContext) || run != nil {
		t.Fatalf("StartContext: %v, %v", run, err)
	}
	if model.Calls() != 0 {
		t.Fatalf("model called %d times", model.Calls())
	}
}

// Sub-agents run in the bound context too.
func TestStartContextReachesSubAgents(t *testing.T) {
	defer goleak.VerifyNone(t)
	started := make(chan struct{}, 1)
	inner := blockingModel(started)
	coordinator := aitest.NewScripted(aitest.CallTools(aitest.Call("helper", `{"input":"x"}`)), aitest.Reply("unreachable"))
	ctx, cancel := context.WithCancel(context.Background())
	run, err := aigentic.Agent{Model: coordinator, Logger: discardLogger(), Agents: []aigentic.Agent{{Name: "helper", Model: inner}}}.StartContext(ctx, "go")
	if err != nil {
		t.Fatal(err)
	}
	awaitStart(t, started)
	cancel()
	drain(t, run)
	_, err = run.Wait(0)
	if !errors.Is(err, context.Canceled) || coordinator.Calls() != 1 {
		t.Fatalf("err %v, coordinator calls %d", err, coordinator.Calls())
	}
}
