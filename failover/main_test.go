package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeTime is the demo's clock and sleep: sleeping moves the clock, so the
// breaker half-opens with no real wait.
type fakeTime struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeTime() *fakeTime { return &fakeTime{t: time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)} }

func (f *fakeTime) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeTime) advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func (f *fakeTime) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	f.t = f.t.Add(d)
	f.mu.Unlock()
	return nil
}

func (f *fakeTime) slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

func (f *fakeTime) system(getenv func(string) string) system {
	return system{getenv: getenv, now: f.now, sleep: f.sleep}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

func mustNotContain(t *testing.T, out string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(out, w) {
			t.Errorf("output has %q\n--- output ---\n%s", w, out)
		}
	}
}

// The whole story offline: outage, open, fail fast, wait, probe, closed;
// the metrics read back; every verdict holds.
func TestRunOffline(t *testing.T) {
	clock := newFakeTime()
	var out testutil.SyncBuffer
	if err := runWith(testContext(t), nil, &out, clock.system(testutil.Offline)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	mustContain(t, out.String(),
		"Model: the built-in offline model",
		"Primary:  aitest/offline — offline behind aitest.Faulty, which fails its next 2 calls with HTTP 503 (the outage).",
		"Fallback: offline/offline.",
		"Request 1\n  ✗ aitest/offline failed: injected: transient error (HTTP 503 Service Unavailable)",
		"Request 2\n  ✗ aitest/offline failed: injected: transient error (HTTP 503 Service Unavailable): simulated 503 Service Unavailable\n    breaker of aitest/offline: closed → open (skipped for 2s)\n  ← offline/offline answered:",
		"Request 3\n  ✗ aitest/offline not called: its breaker is open for 2s more\n  ← offline/offline answered:",
		"Waiting 2s for the primary's breaker to half-open…",
		"Request 4\n    breaker of aitest/offline: open → half_open (one probe let through)\n  ← aitest/offline answered:",
		"    breaker of aitest/offline: half_open → closed (the model is back)",
		"aigentic.circuit_breaker.state: aitest/offline closed, offline/offline closed",
		"aigentic.circuit_breaker.transitions: aitest/offline open 1, half_open 1, closed 1; offline/offline none",
		"✓ The primary's breaker opened after 2 HTTP 503s in a row (request 2); the fallback answered requests 1–2.",
		"✓ While open, the primary was not called: request 3 went straight to the fallback (aitest.Faulty counted 2 calls, not 3).",
		"✓ After 2s the breaker half-opened; the probe reached the primary, which answered (request 4), and the breaker closed.",
		"✓ One retry layer, unused: each request was answered in its run's first attempt (Stats.Retries = 0); the 3 fallbacks",
	)
	mustNotContain(t, out.String(), "✗ want", "– ", "log: ")
	if got := clock.slept(); len(got) != 1 || got[0] != 2*time.Second {
		t.Fatalf("slept %v, want once for the 2s open period", got)
	}
}

// -failures and -open-timeout shape the story: three 503s, the fourth
// request skips the primary, the fifth probes it.
func TestFailuresAndOpenTimeoutFlags(t *testing.T) {
	clock := newFakeTime()
	var out testutil.SyncBuffer
	if err := runWith(testContext(t), []string{"-failures", "3", "-open-timeout", "45s"}, &out, clock.system(testutil.Offline)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	mustContain(t, out.String(),
		"fails its next 3 calls with HTTP 503",
		"Request 3\n  ✗ aitest/offline failed: injected: transient error (HTTP 503 Service Unavailable): simulated 503 Service Unavailable\n    breaker of aitest/offline: closed → open (skipped for 45s)",
		"Request 4\n  ✗ aitest/offline not called: its breaker is open for 45s more",
		"Waiting 45s for",
		"Request 5\n    breaker of aitest/offline: open → half_open",
		"✓ While open, the primary was not called: request 4 went straight to the fallback (aitest.Faulty counted 3 calls, not 4).",
		"(request 5), and the breaker closed.",
	)
}

// Against a model that makes none of the demo's choices, over HTTP: the
// naive model behind openaitest's server is both the primary (behind the
// fault injector) and the fallback.
func TestNaiveModelOverHTTP(t *testing.T) {
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	clock := newFakeTime()
	var out testutil.SyncBuffer
	if err := runWith(testContext(t), nil, &out, clock.system(testutil.Getenv(env))); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	mustContain(t, out.String(),
		"Model: naive on the OpenAI-compatible server",
		"Primary:  aitest/naive — naive behind aitest.Faulty",
		"Fallback: openai/naive.",
		"Request 3\n  ✗ aitest/naive not called: its breaker is open for 2s more\n  ← openai/naive answered: Done.",
		"Request 4\n    breaker of aitest/naive: open → half_open (one probe let through)\n  ← aitest/naive answered: Done.",
		"✓ The primary's breaker opened after 2 HTTP 503s in a row",
		"✓ While open, the primary was not called",
		"✓ After 2s the breaker half-opened",
		"✓ One retry layer, unused",
	)
	mustNotContain(t, out.String(), "✗ want")
}

// A slow fallback (3s per answer, on the fake clock) outlasts the 2s open
// period: the request after the outage finds the breaker half-open. The
// demo says it could not show the fail-fast, and the rest still holds.
func TestSlowFallbackOutlastsTheOpenPeriod(t *testing.T) {
	clock := newFakeTime()
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{Latency: 3 * time.Second, Sleep: func(ctx context.Context, d time.Duration) error {
		clock.advance(d)
		return ctx.Err()
	}})
	var out testutil.SyncBuffer
	if err := runWith(testContext(t), nil, &out, clock.system(testutil.Getenv(env))); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	mustContain(t, out.String(),
		"✓ The primary's breaker opened after 2 HTTP 503s in a row (request 2)",
		"Request 3\n    breaker of aitest/naive: open → half_open (one probe let through)\n  ← aitest/naive answered: Done.",
		"– Request 3 came 3s after the breaker opened — the fallback was slower than the 2s open period — so it found the breaker half-open and probed the primary: raise -open-timeout to see it fail fast.",
		"✓ After 2s the breaker half-opened; the probe reached the primary, which answered (request 4), and the breaker closed.",
	)
	mustNotContain(t, out.String(), "✓ While open", "Waiting")
	if got := clock.slept(); len(got) != 0 {
		t.Fatalf("slept %v: the breaker was already closed", got)
	}
}

// The fallback is down too: the whole list fails, and the run's retry
// layer — the only one — retries it (the backoff on the demo's clock);
// both breakers open on the way, the third attempt skips both models, and
// the run fails with every attempt named.
func TestFallbackDownToo(t *testing.T) {
	srv, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	srv.Inject(openaitest.Status(503), openaitest.Status(503))
	clock := newFakeTime()
	var out testutil.SyncBuffer
	err := runWith(testContext(t), nil, &out, clock.system(testutil.Getenv(env)))
	if !errors.Is(err, failover.ErrAllFailed) || !errors.Is(err, aigentic.ErrRetriesExhausted) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want every model failed and the retries exhausted\n%s", err, cli.ExitCode(err), out.String())
	}
	mustContain(t, out.String(),
		"↻ model call 1, attempt 1 failed: failover: all 2 models failed: aitest/naive: injected: transient error (HTTP 503",
		"↻ model call 1, attempt 2 failed",
		"  ✗ openai/naive failed: openai: transient error (HTTP 503 Service Unavailable)",
		"    breaker of aitest/naive: closed → open (skipped for 2s)\n  ✗ openai/naive failed",
		"    breaker of openai/naive: closed → open (skipped for 2s)\n  ✗ aitest/naive not called: its breaker is open for ",
		"  ✗ openai/naive not called: its breaker is open for ",
	)
	mustNotContain(t, out.String(), "Request 2")
	if !strings.Contains(err.Error(), "request 1: ") {
		t.Errorf("the error does not name the request: %v", err)
	}
}

// Ctrl-C while waiting for the breaker ends the program with
// context.Canceled (exit status 1).
func TestCancelWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(testContext(t))
	clock := newFakeTime()
	sys := clock.system(testutil.Offline)
	sys.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	var out testutil.SyncBuffer
	err := runWith(ctx, nil, &out, sys)
	if !errors.Is(err, context.Canceled) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v, want context.Canceled, exit 1", err)
	}
	mustContain(t, out.String(), "Waiting 2s for the primary's breaker to half-open…")
	mustNotContain(t, out.String(), "Request 4", "✓")
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-failures", "0"}, "-failures=0 is not valid: use 1 to 10"},
		{[]string{"-failures", "11"}, "-failures=11 is not valid"},
		{[]string{"-failures", "x"}, `invalid value "x" for flag -failures`},
		{[]string{"-open-timeout", "0s"}, "-open-timeout=0s is not valid: use a Go duration greater than 0 and at most 10m0s"},
		{[]string{"-open-timeout", "-1s"}, "-open-timeout=-1s is not valid"},
		{[]string{"-open-timeout", "1h"}, "-open-timeout=1h0m0s is not valid"},
		{[]string{"-q= "}, "-q is empty"},
	}
	for _, tt := range tests {
		var out testutil.SyncBuffer
		err := runWith(testContext(t), tt.args, &out, newFakeTime().system(testutil.Offline))
		if err == nil || !strings.Contains(err.Error(), tt.want) || cli.ExitCode(err) != 2 || out.String() != "" {
			t.Errorf("args %q: err = %v (exit %d), output %q; want exit 2 with %q and nothing printed", tt.args, err, cli.ExitCode(err), out.String(), tt.want)
		}
	}
}

func TestRunHelp(t *testing.T) {
	var out testutil.SyncBuffer
	if err := runWith(testContext(t), []string{"-h"}, &out, newFakeTime().system(testutil.Offline)); err != nil {
		t.Fatalf("-h: %v", err)
	}
	mustContain(t, out.String(), "usage: go run ./failover [flags]", "-failures", "-open-timeout duration", "-timeout d", "-q text")
}

// -timeout bounds the whole session (cli.WithSessionTimeout): the error
// names it, so the user knows which knob to turn.
func TestSessionTimeoutIsNamed(t *testing.T) {
	err := runWith(t.Context(), []string{"-timeout=1ns"}, io.Discard, newFakeTime().system(testutil.Offline))
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "the session timeout (-timeout 1ns) ran out") {
		t.Fatalf("err = %v, want one naming the session timeout", err)
	}
}
