package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoRetries shows demo 4 (ex4_retries.go): the same two transient
// failures, recovered from with Retries: 3 and exhausting Retries: 1.
//
// Forced: the 503 and the 429 are injected in front of any model
// (aitest.Faulty.FailNext) and fail its first two attempts, before the
// model is asked anything.
func demoRetries(ctx context.Context, e *demoEnv) error {
	p := e.p
	const retryAfter = 2 * time.Second
	policy := e.retryPolicy(&aigentic.RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond})
	p.Say("Injected in front of the model: HTTP 503, then HTTP 429 with Retry-After %s.", retryAfter)
	p.Say("RetryPolicy: BaseDelay %s doubling with jitter; the 429's Retry-After is honoured but capped at %s (MaxRetryAfter) to keep this demo fast.", policy.BaseDelay, policy.MaxRetryAfter)
	attempt := func(retries int) (*aitest.Faulty, retriedRun) {
		faulty := aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0), aitest.StatusError(429, retryAfter))
		agent := e.agent("support-agent", lookupOrderTool())
		agent.Model = faulty
		r := runWithRetries(ctx, agent, "Where is order 1042?", retries, policy)
		e.flush()
		return faulty, r
	}

	p.Line("")
	p.Say("4a. Retries: 3")
	_, r := attempt(3)
	var waited time.Duration
	for _, re := range r.Retries {
		waited += re.Wait
	}
	if err := check4a(r, policy.MaxRetryAfter); err != nil {
		return err
	}
	p.Good("4a: model call 1 succeeded on attempt 3 after %s of backoff; Stats.Retries = %d.", waited.Round(time.Millisecond), r.Stats.Retries)

	p.Line("")
	p.Say("4b. Retries: 1")
	faulty, r := attempt(1)
	if err := check4b(r, faulty.Calls()); err != nil {
		return err
	}
	p.Say("Gave up: %s", cli.Redacted(r.Err))
	p.Say("What the user is told: %s", userMessage(r.Err, r.RunID))
	p.Good("4b: errors.Is(err, aigentic.ErrRetriesExhausted) holds; model call %d made %d attempts.", r.GaveUp.Call, r.GaveUp.Attempts)
	return nil
}

// check4a is 4a's verdict: nil when Retries: 3 recovered from the 503 and
// the 429 — model call 1 retried twice, the 429's Retry-After capped at
// maxRetryAfter, both in Stats.Retries.
func check4a(r retriedRun, maxRetryAfter time.Duration) error {
	if r.Err != nil {
		return fmt.Errorf("4a: Retries: 3 should recover from a 503 and a 429, but the run failed: %w", r.Err)
	}
	if len(r.Retries) != 2 || r.Retries[0].Step != "model call 1" || r.Retries[1].Step != "model call 1" || r.Retries[1].Wait != maxRetryAfter || r.Stats.Retries != 2 {
		return fmt.Errorf("4a: want model call 1 retried twice with the 429's wait capped at %s, got retries %+v, Stats.Retries %d", maxRetryAfter, r.Retries, r.Stats.Retries)
	}
	return nil
}

// check4b is 4b's verdict: nil when Retries: 1 gave up on the second
// failure — a *aigentic.ModelCallError matching ErrRetriesExhausted after
// 2 attempts, the model having got 2 requests.
func check4b(r retriedRun, requests int) error {
	if r.GaveUp == nil || !errors.Is(r.Err, aigentic.ErrRetriesExhausted) {
		return fmt.Errorf("4b: want a *aigentic.ModelCallError matching ErrRetriesExhausted, got: %v", r.Err)
	}
	if r.GaveUp.Attempts != 2 || requests != 2 {
		return fmt.Errorf("4b: want 2 attempts, got %d (model requests %d)", r.GaveUp.Attempts, requests)
	}
	return nil
}
