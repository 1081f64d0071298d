package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Demo 7's verdict on its settings: each one is checked against what the
// run did, as setupWatch saw it, not against the production value that
// configured it. A setting serve did not pass on leaves a trace here: a
// model request without a rate-limit wait, the runtime's default limit
// in the run's RunInfo, a context without the deadline set.

// setupWatch wraps demo 7's model and observes its run: it records the
// deadline of the health check's Ping and of each model request, and the
// run's limits and rate-limit waits. Safe for concurrent use.
type setupWatch struct {
	ai.Model
	mu sync.Mutex
	s  setupSeen
}

// setupSeen is what setupWatch saw. A bound is the time a call had left
// when it began (its context's deadline less the time it began); -1: its
// context had no deadline.
type setupSeen struct {
	PingBound time.Duration // the health check's Ping
	Pinged    bool
	// AttemptBound is the loosest bound of any model request: each
	// attempt's (Generate's) context.
	AttemptBound time.Duration
	Requests     int // model requests: Generate calls
	RateWaits    int // hook.RateLimitWait steps: the limiter consulted
	RateWaited   time.Duration
	// RunBound is the run's: its context's deadline at hook.RunStart less
	// RunInfo.Started. MaxLLMCalls and Retries are its RunInfo's, the
	// runtime's defaults applied.
	RunBound             time.Duration
	Started              bool
	MaxLLMCalls, Retries int
}

// bound is the time ctx had left at now; -1 when it has no deadline.
func bound(ctx context.Context, now time.Time) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return -1
	}
	return dl.Sub(now)
}

// looser is the looser of two bounds (-1, none, is the loosest).
func looser(a, b time.Duration) time.Duration {
	if a < 0 || b < 0 {
		return -1
	}
	return max(a, b)
}

// Ping implements ai.Model.
func (w *setupWatch) Ping(ctx context.Context) (*ai.PingResult, error) {
	w.mu.Lock()
	w.s.PingBound, w.s.Pinged = bound(ctx, time.Now()), true
	w.mu.Unlock()
	return w.Model.Ping(ctx)
}

// Generate implements ai.Model.
func (w *setupWatch) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	w.mu.Lock()
	b := bound(ctx, time.Now())
	if w.s.Requests == 0 {
		w.s.AttemptBound = b
	} else {
		w.s.AttemptBound = looser(w.s.AttemptBound, b)
	}
	w.s.Requests++
	w.mu.Unlock()
	return w.Model.Generate(ctx, req)
}

// Observe implements aigentic.Observer.
func (w *setupWatch) Observe(ctx context.Context, step hook.Step) context.Context {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch s := step.(type) {
	case *hook.RunStart:
		if s.Run.Parent == nil {
			w.s.Started, w.s.RunBound = true, bound(ctx, s.Run.Started)
			w.s.MaxLLMCalls, w.s.Retries = s.Run.MaxLLMCalls, s.Run.Retries
		}
	case *hook.RateLimitWait:
		w.s.RateWaits++
		w.s.RateWaited += s.Wait
	}
	return ctx
}

// seen returns what the watch saw.
func (w *setupWatch) seen() setupSeen {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.s
}

// boundedBy says whether bound b is set and at most limit.
func boundedBy(b, limit time.Duration) bool { return b >= 0 && b <= limit }

// checkSetup is demo 7's verdict on s's settings and the health check's
// timeout, from what the run did (seen): nil when each one showed in it,
// else an error naming every one that did not.
func checkSetup(s production, healthTimeout time.Duration, seen setupSeen) error {
	var missing []string
	if !seen.Pinged || !boundedBy(seen.PingBound, healthTimeout) {
		missing = append(missing, fmt.Sprintf("the health check's Ping was not bounded by its %s timeout (time left: %s)", healthTimeout, showBound(seen.PingBound)))
	}
	if !seen.Started || !boundedBy(seen.RunBound, s.Timeout) {
		missing = append(missing, fmt.Sprintf("the run was not bounded by the request's %s timeout (time left at its start: %s)", s.Timeout, showBound(seen.RunBound)))
	}
	if seen.MaxLLMCalls != s.MaxLLMCalls {
		missing = append(missing, fmt.Sprintf("the run's MaxLLMCalls is %d, not the %d set", seen.MaxLLMCalls, s.MaxLLMCalls))
	}
	if seen.Retries != s.Retries {
		missing = append(missing, fmt.Sprintf("the run's Retries is %d, not the %d set", seen.Retries, s.Retries))
	}
	if s.RetryPolicy != nil && s.RetryPolicy.AttemptTimeout > 0 && (seen.Requests == 0 || !boundedBy(seen.AttemptBound, s.RetryPolicy.AttemptTimeout)) {
		missing = append(missing, fmt.Sprintf("a model request was not bounded by the %s attempt timeout (time left: %s)", s.RetryPolicy.AttemptTimeout, showBound(seen.AttemptBound)))
	}
	if s.RateLimiter != nil && (seen.Requests == 0 || seen.RateWaits != seen.Requests) {
		missing = append(missing, fmt.Sprintf("the rate limiter was consulted before %d of %d model requests", seen.RateWaits, seen.Requests))
	}
	if len(missing) > 0 {
		return errors.New("the production settings did not all apply: " + strings.Join(missing, "; "))
	}
	return nil
}

func showBound(b time.Duration) string {
	if b < 0 {
		return "no deadline"
	}
	return roundDuration(b).String()
}
