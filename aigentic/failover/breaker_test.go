package failover_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

// settings: two failures open a breaker for a minute; one probe.
var settings = failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 2, OpenTimeout: time.Minute, HalfOpenProbes: 1})

// openPrimary builds a two-model list on clock and opens the primary's
// breaker with two 503s (the fallback answering both).
func openPrimary(t *testing.T, clock *fakeClock, rec *recorder, opts ...failover.Option) (*failover.Model, *fakeModel, *fakeModel) {
	t.Helper()
	primary := newFake("a", "a", status(503), status(503))
	fallback := newFake("b", "b")
	opts = append([]failover.Option{settings, failover.WithClock(clock.Now)}, opts...)
	m := mustNew(t, []ai.Model{primary, fallback}, append(opts, rec.options()...)...)
	mustAnswer(t, m, "b")
	if s := m.Breakers()[0]; s.State != failover.StateClosed || s.ConsecutiveFailures != 1 {
		t.Fatalf("after one failure: %+v, want closed with 1 failure", s)
	}
	mustAnswer(t, m, "b")
	if got := rec.transitions(); !slices.Equal(got, []string{"a:closed>open"}) {
		t.Fatalf("transitions = %v, want the primary's breaker opened", got)
	}
	return m, primary, fallback
}

// The breaker opens after the configured run of transient failures; while
// open the model is not called and the attempt fails at once with an
// *OpenError saying until when, transient, with the wait as Retry-After.
func TestOpenBreakerFailsFastUntilItsTimeout(t *testing.T) {
	clock := newClock()
	var rec recorder
	m, primary, _ := openPrimary(t, clock, &rec)
	openedAt := clock.Now()
	clock.Advance(20 * time.Second)

	mustAnswer(t, m, "b")
	if primary.Calls() != 2 {
		t.Fatalf("the primary was called while its breaker was open (%d calls)", primary.Calls())
	}
	a := rec.attempts[len(rec.attempts)-2]
	var oe *failover.OpenError
	if !a.Skipped || !a.MovedOn || !errors.As(a.Err, &oe) {
		t.Fatalf("attempt = %+v, want skipped with an *OpenError, and a move to the next model (a fallback)", a)
	}
	if !oe.Until.Equal(openedAt.Add(time.Minute)) || oe.RetryAfter != 40*time.Second || oe.State != failover.StateOpen {
		t.Fatalf("OpenError = %+v, want until opened+1m, retry after 40s", oe)
	}
	if !errors.Is(a.Err, failover.ErrCircuitOpen) || !errors.Is(a.Err, gobreaker.ErrOpenState) || !ai.IsTransient(a.Err) {
		t.Fatalf("%v does not match ErrCircuitOpen, gobreaker.ErrOpenState and transient", a.Err)
	}
	if d, ok := ai.RetryAfterOf(a.Err); !ok || d != 40*time.Second {
		t.Fatalf("RetryAfterOf = %v %v", d, ok)
	}
	if s := m.Breakers()[0]; s.State != failover.StateOpen || !s.Until.Equal(oe.Until) {
		t.Fatalf("Breakers()[0] = %+v", s)
	}
}

// A list whose only model is open: Generate fails fast, and the retry
// layer reads how long to wait.
func TestAllOpenTellsTheRetryLayerHowLongToWait(t *testing.T) {
	clock := newClock()
	only := newFake("a", "a", status(503), status(503))
	m := mustNew(t, []ai.Model{only}, settings, failover.WithClock(clock.Now))
	generate(t, m)
	generate(t, m)
	clock.Advance(45 * time.Second)
	_, err := generate(t, m)
	if !errors.Is(err, failover.ErrAllFailed) || !errors.Is(err, failover.ErrCircuitOpen) || only.Calls() != 2 {
		t.Fatalf("err = %v, calls %d", err, only.Calls())
	}
	if d, ok := ai.RetryAfterOf(err); !ok || d != 15*time.Second {
		t.Fatalf("RetryAfterOf = %v %v, want the 15s left", d, ok)
	}
}

// Permanent failures mean the server answered: they reset the run of
// failures. Cancellations are not counted at all.
func TestPermanentAndCanceledAreNotServerFailures(t *testing.T) {
	primary := newFake("a", "a", status(503), status(400), status(503))
	m := mustNew(t, []ai.Model{primary, newFake("b", "b")}, settings)
	for range 3 {
		generate(t, m)
	}
	if s := m.Breakers()[0]; s.State != failover.StateClosed || s.ConsecutiveFailures != 1 {
		t.Fatalf("503, 400, 503: %+v, want closed with a run of 1", s)
	}

	// 503, cancelled, 503: the cancellation neither counts nor resets the
	// run, so the second 503 opens the breaker.
	started := make(chan struct{})
	primary = newFake("a", "a", status(503), blockUntilDone(started), status(503))
	m = mustNew(t, []ai.Model{primary, newFake("b", "b")}, settings)
	generate(t, m)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-started; cancel() }()
	m.Generate(ctx, request)
	if s := m.Breakers()[0]; s.State != failover.StateClosed || s.ConsecutiveFailures != 1 {
		t.Fatalf("503, cancelled: %+v, want closed with the run of 1 kept", s)
	}
	generate(t, m)
	if s := m.Breakers()[0]; s.State != failover.StateOpen {
		t.Fatalf("503, cancelled, 503: %+v, want open", s)
	}
}

// After the open period the breaker half-opens; a successful probe
// closes it and the primary answers again.
func TestHalfOpenProbeSuccessCloses(t *testing.T) {
	clock := newClock()
	var rec recorder
	m, primary, _ := openPrimary(t, clock, &rec)
	clock.Advance(time.Minute)
	mustAnswer(t, m, "a")
	if got := rec.transitions(); !slices.Equal(got, []string{"a:closed>open", "a:open>half_open", "a:half_open>closed"}) {
		t.Fatalf("transitions = %v", got)
	}
	mustAnswer(t, m, "a")
	if primary.Calls() != 4 {
		t.Fatalf("primary calls = %d, want 4", primary.Calls())
	}
}

// A failed probe opens the breaker again, for a new full period.
func TestHalfOpenProbeFailureReopens(t *testing.T) {
	clock := newClock()
	var rec recorder
	m, primary, _ := openPrimary(t, clock, &rec)
	primary.then(status(503))
	clock.Advance(time.Minute)
	reopenedAt := clock.Now()
	mustAnswer(t, m, "b")
	if got := rec.transitions(); !slices.Equal(got, []string{"a:closed>open", "a:open>half_open", "a:half_open>open"}) {
		t.Fatalf("transitions = %v", got)
	}
	if s := m.Breakers()[0]; s.State != failover.StateOpen || !s.Until.Equal(reopenedAt.Add(time.Minute)) {
		t.Fatalf("after the failed probe: %+v, want open until a minute later", s)
	}
	clock.Advance(59 * time.Second)
	mustAnswer(t, m, "b")
	if primary.Calls() != 3 {
		t.Fatalf("primary calls = %d, want 3: not called again while reopened", primary.Calls())
	}
}

// A half-open breaker lets HalfOpenProbes calls through; others skip the
// model while the probes are in flight. That many successes close it.
func TestHalfOpenAdmitsABoundedNumberOfProbes(t *testing.T) {
	clock := newClock()
	var rec recorder
	primary := newFake("a", "a", status(503))
	m := mustNew(t, []ai.Model{primary, newFake("b", "b")}, append(rec.options(), failover.WithClock(clock.Now),
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Second, HalfOpenProbes: 2}))...)
	mustAnswer(t, m, "b")
	clock.Advance(time.Second)

	// Two probes held in flight, then a third call.
	release := make(chan struct{})
	held := make(chan struct{}, 2)
	probe := func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		held <- struct{}{}
		<-release
		return answer("from a")(ctx, req)
	}
	primary.then(probe, probe)
	done := make(chan string, 2)
	for range 2 {
		go func() {
			resp, err := m.Generate(context.Background(), request)
			if err != nil {
				done <- err.Error()
				return
			}
			done <- resp.Model
		}()
	}
	for i := range 2 { // both calls are probes: neither answers before release
		select {
		case <-held:
		case who := <-done:
			t.Fatalf("call %d was not let through as a probe: answered by %s", i+1, who)
		}
	}
	mustAnswer(t, m, "b")
	a := rec.attempts[len(rec.attempts)-2]
	var oe *failover.OpenError
	if !errors.As(a.Err, &oe) || oe.State != failover.StateHalfOpen || !oe.Until.IsZero() || !errors.Is(a.Err, gobreaker.ErrTooManyRequests) {
		t.Fatalf("third call while probing: %+v", a)
	}
	close(release)
	if x, y := <-done, <-done; x != "a" || y != "a" {
		t.Fatalf("probes answered by %q and %q", x, y)
	}
	if got := rec.transitions(); !slices.Equal(got, []string{"a:closed>open", "a:open>half_open", "a:half_open>closed"}) {
		t.Fatalf("transitions = %v", got)
	}
}

// A panic in a model is a failure of that model, and the panic goes on.
func TestPanicCountsAsAFailure(t *testing.T) {
	one := failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Minute, HalfOpenProbes: 1})
	m := mustNew(t, []ai.Model{newFake("a", "a", func(context.Context, ai.Request) (*ai.Response, error) { panic("boom") })}, one)
	func() {
		defer func() {
			if recover() != "boom" {
				t.Fatal("the panic did not go on")
			}
		}()
		generate(t, m)
	}()
	if s := m.Breakers()[0]; s.State != failover.StateOpen {
		t.Fatalf("after a panic: %+v, want open", s)
	}
}

// A state observer may call back into the model (here Breakers) without
// deadlocking, and sees the transition already made.
func TestStateObserverMayCallBack(t *testing.T) {
	var m *failover.Model
	var seen []failover.State
	one := failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Minute, HalfOpenProbes: 1})
	m = mustNew(t, []ai.Model{newFake("a", "a", status(503)), newFake("b", "b")}, one,
		failover.WithStateObserver(func(failover.StateChange) { seen = append(seen, m.Breakers()[0].State) }))
	mustAnswer(t, m, "b")
	if len(seen) != 1 || seen[0] != failover.StateOpen {
		t.Fatalf("the observer saw %v, want [open]", seen)
	}
}
