package aigentic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

func TestRateLimiterPacesEveryAttempt(t *testing.T) {
	lim := &countingLimiter{}
	m := aitest.NewScripted(
		aitest.Fail(aitest.StatusError(503, 0)),
		aitest.CallTools(aitest.Call("noop", `{}`)),
		aitest.Reply("done"),
	)
	tool := (&countingTool{}).Tool("noop", nil)
	out, err := aigentic.Agent{
		Model: m, Logger: discardLogger(), Retries: 1, RateLimiter: lim,
		RetryPolicy: &aigentic.RetryPolicy{Sleep: func(ctx context.Context, d time.Duration) error { return nil }},
		AgentTools:  []aigentic.AgentTool{tool},
	}.Execute("go")
	if err != nil || out != "done" {
		t.Fatalf("%q, %v", out, err)
	}
	if got, want := lim.Waits(), m.Calls(); got != want || want != 3 {
		t.Fatalf("limiter waited %d times for %d model requests, want 3 each", got, want)
	}
}

func TestRateLimiterRefusalFailsTheRun(t *testing.T) {
	refused := errors.New("rate: Wait(n=1) would exceed context deadline")
	m := aitest.NewScripted(aitest.Reply("never"))
	_, err := aigentic.Agent{Model: m, Logger: discardLogger(), RateLimiter: &countingLimiter{Err: refused}}.Execute("go")
	if !errors.Is(err, refused) || !errors.Is(err, aigentic.ErrRateLimited) || m.Calls() != 0 {
		t.Fatalf("err = %v, model calls = %d; want the limiter's error and no call", err, m.Calls())
	}
}

func TestRateLimiterWaitEndsWithTheSession(t *testing.T) {
	session := aigentic.NewSession(context.Background())
	m := aitest.NewScripted(aitest.Reply("never"))
	run, err := aigentic.Agent{Model: m, Session: session, Logger: discardLogger(), RateLimiter: &countingLimiter{Block: true}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	session.Cancel()
	within(t, 5*time.Second, func() { _, err = run.Wait(0) })
	var se *aigentic.StoppedError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &se) || m.Calls() != 0 {
		t.Fatalf("err = %v, calls = %d", err, m.Calls())
	}
}

// A real token bucket (x/time/rate) with one token: the second and third
// model calls wait for refills, and the wait shows in the stats.
func TestRateLimiterWithTokenBucket(t *testing.T) {
	lim := rate.NewLimiter(rate.Every(2*time.Millisecond), 1)
	m := aitest.NewScripted(aitest.CallTools(aitest.Call("noop", `{}`)), aitest.CallTools(aitest.Call("noop", `{}`)), aitest.Reply("done"))
	run, err := aigentic.Agent{
		Model: m, Logger: discardLogger(), RateLimiter: lim,
		AgentTools: []aigentic.AgentTool{(&countingTool{}).Tool("noop", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if run.Stats().RateLimitWait <= 0 {
		t.Fatalf("RateLimitWait = %s, want the refill waits counted", run.Stats().RateLimitWait)
	}
}
