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

// demoRetries is demo 4: the same two transient failures, recovered from
// with Retries: 3 and exhausting Retries: 1.
//
// Forced: the 503 and the 429 are injected in front of any model
// (aitest.Faulty.FailNext) and fail its first two attempts, before the
// model is asked anything.
func demoRetries(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	const retryAfter = 2 * time.Second
	policy := e.retryPolicy(&aigentic.RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond})
	p.Say("Injected in front of the model: HTTP 503, then HTTP 429 with Retry-After %s.", retryAfter)
	p.Say("RetryPolicy: BaseDelay %s doubling with jitter; the 429's Retry-After is honoured but capped at %s (MaxRetryAfter) to keep this demo fast.", policy.BaseDelay, policy.MaxRetryAfter)

	attempt := func(retries int) (*aitest.Faulty, *aigentic.AgentRun, []*aigentic.RetryEvent, error) {
		faulty := aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0), aitest.StatusError(429, retryAfter))
		agent := e.agent("support-agent", session, lookupOrderTool())
		agent.Model = faulty
		agent.Retries = retries
		agent.RetryPolicy = policy
		run, err := agent.Start("Where is order 1042?")
		if err != nil {
			return nil, nil, nil, err
		}
		var seen []*aigentic.RetryEvent
		_, err = p.Follow(run, func(ev aigentic.Event) bool {
			if re, ok := ev.(*aigentic.RetryEvent); ok {
				seen = append(seen, re)
			}
			return false
		})
		return faulty, run, seen, err
	}

	p.Line("")
	p.Say("4a. Retries: 3")
	_, run, evs, err := attempt(3)
	if err != nil {
		return fmt.Errorf("4a: Retries: 3 should recover from a 503 and a 429, but the run failed: %w", err)
	}
	var waited time.Duration
	for _, re := range evs {
		waited += re.Delay
	}
	if len(evs) != 2 || evs[0].Step != "model call 1" || evs[1].Step != "model call 1" || evs[1].Delay != policy.MaxRetryAfter || run.Stats().Retries != 2 {
		return fmt.Errorf("4a: want model call 1 retried twice with the 429's wait capped at %s, got retry events %d, stats retries %d", policy.MaxRetryAfter, len(evs), run.Stats().Retries)
	}
	p.Good("4a: model call 1 succeeded on attempt 3 after %s of backoff; run.Stats().Retries = %d.", waited.Round(time.Millisecond), run.Stats().Retries)

	p.Line("")
	p.Say("4b. Retries: 1")
	faulty, _, _, err := attempt(1)
	var mce *aigentic.ModelCallError
	if !errors.As(err, &mce) || !errors.Is(err, aigentic.ErrRetriesExhausted) {
		return fmt.Errorf("4b: want a *aigentic.ModelCallError matching ErrRetriesExhausted, got: %v", err)
	}
	if mce.Attempts != 2 || faulty.Calls() != 2 {
		return fmt.Errorf("4b: want 2 attempts, got %d (model requests %d)", mce.Attempts, faulty.Calls())
	}
	p.Say("Gave up: %s", cli.Redacted(err))
	p.Say("What the user is told: %s", userMessage(err, session.ID))
	p.Good("4b: errors.Is(err, aigentic.ErrRetriesExhausted) holds; model call %d made %d attempts.", mce.Call, mce.Attempts)
	return nil
}
