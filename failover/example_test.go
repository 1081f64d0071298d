package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// The pattern in a few lines: an agent on a failover list whose primary
// fails with two 503s. Its breaker opens, the fallback answers, the
// primary is skipped while open; after the open period (the clock is
// moved, not waited for) the probe reaches the primary and the breaker
// closes.
func Example() {
	clock := time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)
	primary := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
	list, err := failover.New([]ai.Model{primary, offline.NewModel()},
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 2, OpenTimeout: 30 * time.Second, HalfOpenProbes: 1}),
		failover.WithClock(func() time.Time { return clock }),
		failover.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer list.Close()
	session := aigentic.NewSession(context.Background())
	defer session.Cancel()
	agent := aigentic.Agent{Model: list, Session: session, Retries: 2, Logger: slog.New(slog.DiscardHandler)}

	for i := 1; i <= 4; i++ {
		if i == 4 {
			clock = clock.Add(30 * time.Second)
		}
		var answeredBy string
		ctx := failover.ObserveAttempts(context.Background(), func(a failover.Attempt) {
			if a.Err == nil {
				answeredBy = a.Name()
			}
		})
		if _, err := agent.ExecuteContext(ctx, "Hello"); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("request %d: answered by %s; the primary's breaker is %s; the primary was called %d times\n",
			i, answeredBy, list.Breakers()[0].State, primary.Calls())
	}
	// Output:
	// request 1: answered by offline/offline; the primary's breaker is closed; the primary was called 1 times
	// request 2: answered by offline/offline; the primary's breaker is open; the primary was called 2 times
	// request 3: answered by offline/offline; the primary's breaker is open; the primary was called 2 times
	// request 4: answered by aitest/offline; the primary's breaker is closed; the primary was called 3 times
}
