package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Demo 4, retries: a transient failure (HTTP 429 or 5xx, a network error,
// an attempt timeout) is tried again up to Agent.Retries times, waiting
// as Agent.RetryPolicy says — exponential backoff with jitter, a 429's
// Retry-After honoured up to MaxRetryAfter. Permanent failures are never
// retried. When the retries run out, the run fails with a
// *aigentic.ModelCallError and errors.Is(err, aigentic.ErrRetriesExhausted)
// holds. The demo's printing and checks are in ex4_retries_show.go.

// retriedRun is a run whose transient failures were retried.
type retriedRun struct {
	outcome
	// Retries are the failed attempts that were tried again, in order.
	Retries []retry
	// GaveUp is the error of a model call that failed on every attempt
	// allowed; nil otherwise.
	GaveUp *aigentic.ModelCallError
}

// retry is one failed attempt that was tried again.
type retry struct {
	Step    string // "model call 1", "tool lookup_order"
	Attempt int    // the attempt that failed, 1-based
	Err     error
	Wait    time.Duration // the backoff before the next attempt
}

// runWithRetries runs agent with retries and policy, recording each retry
// with an observer on the run's steps (package aigentic/hook) — where a
// service would count them in a metric.
func runWithRetries(ctx context.Context, agent aigentic.Agent, question string, retries int, policy *aigentic.RetryPolicy) retriedRun {
	var seen []retry // appended on the run's goroutine, read after the run
	record := hook.ObserverFunc(func(ctx context.Context, step hook.Step) context.Context {
		switch s := step.(type) {
		case *hook.ModelEnd:
			if s.WillRetry {
				seen = append(seen, retry{fmt.Sprintf("model call %d", s.Call), s.Attempt, s.Err, s.RetryIn})
			}
		case *hook.ToolAttemptEnd:
			if s.WillRetry {
				seen = append(seen, retry{"tool " + s.Call.Name, s.Attempt, s.Err, s.RetryIn})
			}
		}
		return ctx
	})
	agent.Retries, agent.RetryPolicy = retries, policy
	agent.Observers = append(slices.Clip(agent.Observers), record)
	r := retriedRun{outcome: ask(ctx, agent, question)}
	r.Retries = seen
	errors.As(r.Err, &r.GaveUp)
	return r
}
