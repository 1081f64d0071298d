package aigentic_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
)

// A model's panic ends the run with a *ModelCallError wrapping a
// *PanicError marked as the model's — not a tool's, not an interceptor's —
// whether the call runs on the run's goroutine (Execute) or on its own (a
// run that can be stopped), and through an interceptor that passes it on.
func TestModelPanicIsTheModels(t *testing.T) {
	panicky := &runtest.FuncModel{Fn: func(context.Context, ai.Request) (*ai.Response, error) { panic("model bug") }}
	for _, c := range []struct {
		name  string
		run   func(aigentic.Agent) error
		chain []aigentic.Interceptor
	}{
		{"Execute", func(a aigentic.Agent) error { _, err := a.Execute("hi"); return err }, nil},
		{"Execute through an interceptor", func(a aigentic.Agent) error { _, err := a.Execute("hi"); return err }, []aigentic.Interceptor{hook.Funcs{}}},
		{"Start", func(a aigentic.Agent) error {
			run, err := a.Start("hi")
			if err != nil {
				return err
			}
			drain(t, run)
			_, err = run.Wait(0)
			return err
		}, []aigentic.Interceptor{hook.Funcs{}}},
	} {
		err := c.run(aigentic.Agent{Model: panicky, Logger: discardLogger(), Interceptors: c.chain})
		pe, ok := errors.AsType[*aigentic.PanicError](err)
		_, mce := errors.AsType[*aigentic.ModelCallError](err)
		if !ok || !mce || pe.Source != aigentic.PanicInModel || errors.Is(err, aigentic.ErrToolPanic) || errors.Is(err, aigentic.ErrHalted) {
			t.Errorf("%s: err = %v; want a *ModelCallError wrapping the model's *PanicError", c.name, err)
		}
	}
}

// Text an abandoned attempt still streams is dropped: it neither races
// with the next attempt's nor reaches observers after the run.
func TestAbandonedAttemptStreamsNothingMore(t *testing.T) {
	release, finished := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	model := &runtest.FuncModel{Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		if calls.Add(1) == 1 {
			defer close(finished)
			req.OnDelta("stale")
			<-ctx.Done() // the attempt's timeout; the model goes on regardless
			<-release
			req.OnDelta("late")
			return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "stale late"}}, nil
		}
		req.OnDelta("fresh")
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "fresh"}}, nil
	}}
	var streamed []string
	seen := hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		if c, ok := s.(*hook.Content); ok && c.Delta {
			streamed = append(streamed, c.Text)
		}
		return ctx
	})
	agent := aigentic.Agent{Model: model, Logger: discardLogger(), Stream: true, Retries: 1, StopGrace: time.Millisecond,
		RetryPolicy: &aigentic.RetryPolicy{AttemptTimeout: time.Millisecond, Sleep: func(context.Context, time.Duration) error { return nil }},
		Observers:   []aigentic.Observer{seen}}
	answer, err := agent.Execute("hi")
	close(release)
	<-finished
	if err != nil || answer != "fresh" {
		t.Fatalf("run = %q, %v", answer, err)
	}
	if !slices.Equal(streamed, []string{"stale", "fresh"}) {
		t.Fatalf("observers saw deltas %q, want the abandoned attempt's stopped at its abandonment", streamed)
	}
}
