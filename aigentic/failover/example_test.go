package failover_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// A primary that answers 503 once, then 401: the 503 moves to the
// fallback, which answers and is named in the response; the 401 (the
// request's fault) is returned without trying the fallback.
func Example() {
	primary := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(401, 0))
	m, err := failover.New([]ai.Model{primary, offline.NewModel()}, failover.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	req := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "Hello"}}}

	resp, err := m.Generate(context.Background(), req)
	fmt.Println(resp.Provider+"/"+resp.Model, err)

	_, err = m.Generate(context.Background(), req)
	var fe *failover.Error
	fmt.Println(errors.As(err, &fe), len(fe.Attempts), errors.Is(err, ai.ErrPermanent))
	fmt.Println(err)
	// Output:
	// offline/offline <nil>
	// true 1 true
	// failover: aitest/offline: injected: permanent error (HTTP 401 Unauthorized): simulated 401 Unauthorized
}

// An open breaker fails fast with an *OpenError that says until when; the
// run's retry layer reads its wait with ai.RetryAfterOf.
func ExampleOpenError() {
	clock := time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)
	only := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0))
	m, _ := failover.New([]ai.Model{only},
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Minute, HalfOpenProbes: 1}),
		failover.WithClock(func() time.Time { return clock }), failover.WithLogger(slog.New(slog.DiscardHandler)))
	defer m.Close()
	req := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "Hello"}}}

	m.Generate(context.Background(), req) // the 503 opens the breaker
	clock = clock.Add(20 * time.Second)
	_, err := m.Generate(context.Background(), req)
	var oe *failover.OpenError
	wait, _ := ai.RetryAfterOf(err)
	fmt.Println(errors.As(err, &oe), oe.Until.Format(time.TimeOnly), wait, ai.IsTransient(err), only.Calls())
	// Output: true 15:05:05 40s true 1
}
