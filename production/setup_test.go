package main

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// Each of serve's settings, and healthCheck's timeout, tested by what it
// does to a run. Where a setting's absence would leave a run hanging,
// the test's context is cancelled by a watchdog (context.Canceled, never
// context.DeadlineExceeded): it bounds the test, it is not what is
// tested.

// watchdog is the longest a test below waits for a run that a missing
// setting would leave hanging.
const watchdog = 5 * time.Second

// watchdogContext is a context cancelled (context.Canceled) after
// watchdog.
func watchdogContext(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	stop := time.AfterFunc(watchdog, cancel)
	t.Cleanup(func() { stop.Stop(); cancel() })
	return ctx
}

// quietSetup is a production with the metrics discarded and nothing else
// set.
func quietSetup() production {
	return production{Timeout: watchdog, Metrics: slog.New(slog.DiscardHandler)}
}

// blocking is a model whose first calls (of Generate and Ping) wait until
// their context ends; the later ones go to Model.
type blocking struct {
	ai.Model
	mu     sync.Mutex
	blocks int // Generate calls still to block
}

func (b *blocking) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	b.mu.Lock()
	block := b.blocks > 0
	b.blocks--
	b.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return b.Model.Generate(ctx, req)
}

func (b *blocking) Ping(ctx context.Context) (*ai.PingResult, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// serve sets the agent's RateLimiter: on a clock that does not move, a
// limiter of 5 requests/s with a burst of 1 asks the run's first model
// request to wait 0 and the second 200ms (recorded, not waited).
func TestServeRateLimiter(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sleeps := &testutil.Sleeps{}
	s := quietSetup()
	s.RateLimiter = waiter{Limiter: rate.NewLimiter(5, 1), sleep: sleeps.Sleep, now: func() time.Time { return at }}
	r := serve(context.Background(), exampleAgent(lookupOrderTool()), "Where is order 1043?", s)
	want := []time.Duration{0, 200 * time.Millisecond}
	if r.Err != nil || !slices.Equal(sleeps.All(), want) || r.Stats.LLMCalls != 2 {
		t.Fatalf("err %v, rate-limit waits %v (want %v), %d model calls", r.Err, sleeps.All(), want, r.Stats.LLMCalls)
	}
}

// serve sets the agent's MaxLLMCalls: a model that loops is stopped at
// the limit set, not at the runtime's default.
func TestServeMaxLLMCalls(t *testing.T) {
	t.Parallel()
	s := quietSetup()
	s.MaxLLMCalls = 3
	agent := exampleAgent(checkExportStatusTool())
	agent.Model = aitest.Inject(offline.NewModel()).EndlessToolCalls("check_export_status", `{"export_id":7}`)
	r := serve(context.Background(), agent, "Is export 7 done?", s)
	var le *aigentic.LimitError
	if !errors.As(r.Err, &le) || le.Limit != 3 || r.Stats.LLMCalls != 3 {
		t.Fatalf("err %v, %d model calls; want the run stopped at MaxLLMCalls 3", r.Err, r.Stats.LLMCalls)
	}
}

// serve sets the agent's Retries and RetryPolicy: the first attempt
// hangs until the policy's AttemptTimeout ends it, and the retry (its
// wait recorded by the policy's Sleep) answers. Without them the attempt
// hangs until the watchdog.
func TestServeRetriesWithAttemptTimeout(t *testing.T) {
	t.Parallel()
	sleeps := &testutil.Sleeps{}
	s := quietSetup()
	s.Retries = 2
	s.RetryPolicy = &aigentic.RetryPolicy{AttemptTimeout: 10 * time.Millisecond, Sleep: sleeps.Sleep, Rand: func() float64 { return 0 }}
	agent := exampleAgent(lookupOrderTool())
	agent.Model = &blocking{Model: offline.NewModel(), blocks: 1}
	r := serve(watchdogContext(t), agent, "Where is order 1043?", s)
	if r.Err != nil || r.Stats.Retries != 1 || len(sleeps.All()) != 1 {
		t.Fatalf("err %v, Stats.Retries %d, retry waits %v; want the hung attempt timed out and retried once", r.Err, r.Stats.Retries, sleeps.All())
	}
}

// serve bounds the request by its Timeout: a model that never answers is
// stopped by it (context.DeadlineExceeded), not by the caller's context.
func TestServeRequestTimeout(t *testing.T) {
	t.Parallel()
	s := quietSetup()
	s.Timeout = 10 * time.Millisecond
	agent := exampleAgent(lookupOrderTool())
	agent.Model = &blocking{Model: offline.NewModel(), blocks: 1}
	r := serve(watchdogContext(t), agent, "Where is order 1043?", s)
	if !errors.Is(r.Err, context.DeadlineExceeded) || r.UserMessage == "" {
		t.Fatalf("err %v, user message %q; want the request's timeout to stop the run", r.Err, r.UserMessage)
	}
}

// healthCheck bounds the Ping by its timeout: a server that never answers
// fails the check (context.DeadlineExceeded).
func TestHealthCheckTimeout(t *testing.T) {
	t.Parallel()
	_, err := healthCheck(watchdogContext(t), &blocking{Model: offline.NewModel()}, 10*time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "health check: ") {
		t.Fatalf("err %v; want the health check's timeout to end the Ping", err)
	}
}

// checkSetup says which setting did not show in the run, one case per
// setting; with all of them seen it holds.
func TestCheckSetupVerdict(t *testing.T) {
	t.Parallel()
	s := production{Timeout: time.Minute, Retries: 2, MaxLLMCalls: 10,
		RetryPolicy: &aigentic.RetryPolicy{AttemptTimeout: 30 * time.Second}, RateLimiter: rate.NewLimiter(5, 1)}
	good := setupSeen{PingBound: 5 * time.Second, Pinged: true, AttemptBound: 30 * time.Second, Requests: 2, RateWaits: 2,
		RunBound: time.Minute, Started: true, MaxLLMCalls: 10, Retries: 2}
	if err := checkSetup(s, 5*time.Second, good); err != nil {
		t.Fatalf("every setting seen: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*setupSeen)
		want string
	}{
		{"health check unbounded (no timeout)", func(g *setupSeen) { g.PingBound = -1 }, "health check's Ping was not bounded by its 5s timeout (time left: no deadline)"},
		{"health check bounded by the session only", func(g *setupSeen) { g.PingBound = 2 * time.Minute }, "health check's Ping was not bounded"},
		{"no health check", func(g *setupSeen) { g.Pinged = false }, "health check's Ping was not bounded"},
		{"request timeout missing", func(g *setupSeen) { g.RunBound = 2 * time.Minute }, "the run was not bounded by the request's 1m0s timeout"},
		{"no run started", func(g *setupSeen) { g.Started = false }, "the run was not bounded"},
		{"MaxLLMCalls missing", func(g *setupSeen) { g.MaxLLMCalls = aigentic.DefaultMaxLLMCalls }, "MaxLLMCalls is 20, not the 10 set"},
		{"Retries missing", func(g *setupSeen) { g.Retries = 0 }, "Retries is 0, not the 2 set"},
		{"attempt timeout missing", func(g *setupSeen) { g.AttemptBound = time.Minute }, "not bounded by the 30s attempt timeout"},
		{"rate limiter missing", func(g *setupSeen) { g.RateWaits = 0 }, "the rate limiter was consulted before 0 of 2 model requests"},
		{"no model request", func(g *setupSeen) { g.Requests, g.RateWaits = 0, 0 }, "consulted before 0 of 0"},
	} {
		seen := good
		tc.edit(&seen)
		if err := checkSetup(s, 5*time.Second, seen); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want one naming %q", tc.name, err, tc.want)
		}
	}
}

// Demo 7's rate limiter, on the tests' fixed clock, asks its second model
// request to wait 200ms (recorded through system.sleep, not waited), and
// its verdict holds.
func TestDemo7RateLimitWaits(t *testing.T) {
	t.Parallel()
	r := runTest(t, []string{"-demo", "7"}, nil)
	want := []time.Duration{0, 200 * time.Millisecond}
	if r.err != nil || !slices.Equal(r.waits, want) {
		t.Fatalf("err %v, waits %v, want %v\n%s", r.err, r.waits, want, r.out)
	}
	mustContain(t, r.out, "each of the 2 model requests within 30s and after the rate limiter", shown7)
}
