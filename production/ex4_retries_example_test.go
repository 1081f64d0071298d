package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// Demo 4's pattern: a 503, then a 429 with Retry-After 2s, recovered from
// with Retries: 3 — the 429's wait capped at MaxRetryAfter — and the same
// two failures exhausting Retries: 1. The waits are computed, not waited
// (Sleep), and the jitter fixed (Rand), so they print the same every time.
func Example_retries() {
	policy := &aigentic.RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond,
		Sleep: noWait, Rand: func() float64 { return 0 }}
	for _, retries := range []int{3, 1} {
		agent := exampleAgent(lookupOrderTool())
		agent.Model = aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(429, 2*time.Second))
		r := runWithRetries(context.Background(), agent, "Where is order 1042?", retries, policy)
		fmt.Printf("Retries: %d\n", retries)
		for _, re := range r.Retries {
			fmt.Printf("  %s, attempt %d failed, waited %s: %v\n", re.Step, re.Attempt, re.Wait, re.Err)
		}
		if r.GaveUp != nil {
			fmt.Printf("  gave up after %d attempts; errors.Is(err, aigentic.ErrRetriesExhausted): %v\n", r.GaveUp.Attempts, errors.Is(r.Err, aigentic.ErrRetriesExhausted))
		} else {
			fmt.Printf("  answered (err %v), Stats.Retries %d\n", r.Err, r.Stats.Retries)
		}
	}
	// Output:
	// Retries: 3
	//   model call 1, attempt 1 failed, waited 25ms: injected: transient error (HTTP 503 Service Unavailable): simulated 503 Service Unavailable
	//   model call 1, attempt 2 failed, waited 200ms: injected: transient error (HTTP 429 Too Many Requests): simulated 429 Too Many Requests (retry after 2s)
	//   answered (err <nil>), Stats.Retries 2
	// Retries: 1
	//   model call 1, attempt 1 failed, waited 25ms: injected: transient error (HTTP 503 Service Unavailable): simulated 503 Service Unavailable
	//   gave up after 2 attempts; errors.Is(err, aigentic.ErrRetriesExhausted): true
}
