package main

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// pingCounter is a model that counts its health checks and fails them
// with a provider-specific error while down is set.
type pingCounter struct {
	*aitest.Scripted
	pings atomic.Int64
	down  atomic.Bool
}

func (m *pingCounter) Ping(context.Context) (*ai.PingResult, error) {
	m.pings.Add(1)
	if m.down.Load() {
		return nil, errors.New("dial tcp 10.9.8.7:443: provider-internal-host refused")
	}
	return &ai.PingResult{}, nil
}

// /readyz needs no login, so its check of the model is shared: many
// concurrent and sequential requests within readyTTL make one Ping; the
// next request after readyTTL checks again.
func TestReadyzSharesOneModelCheck(t *testing.T) {
	model := &pingCounter{Scripted: aitest.NewScripted()}
	clock := newTestClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ts := startServiceWith(t, options{model: model, now: clock.now})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if r := ts.do(t, "GET", "/readyz", "", "", ""); r.status != 200 {
				t.Errorf("readyz: %d %s", r.status, r.raw)
			}
		})
	}
	wg.Wait()
	for range 30 {
		if r := ts.do(t, "GET", "/readyz", "", "", ""); r.status != 200 {
			t.Fatalf("readyz: %d %s", r.status, r.raw)
		}
	}
	if n := model.pings.Load(); n != 1 {
		t.Fatalf("50 GET /readyz within %s made %d model pings, want 1", readyTTL, n)
	}
	clock.add(readyTTL)
	for range 5 {
		ts.do(t, "GET", "/readyz", "", "", "")
	}
	if n := model.pings.Load(); n != 2 {
		t.Fatalf("after %s: %d model pings in all, want 2", readyTTL, n)
	}
}

// A failed check is cached too (a provider that is down is not asked on
// every anonymous request), and the 503 names neither the model nor the
// provider's error: those go to the log.
func TestReadyzFailureIsGenericAndCached(t *testing.T) {
	model := &pingCounter{Scripted: aitest.NewScripted()}
	model.down.Store(true)
	clock := newTestClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ts := startServiceWith(t, options{model: model, now: clock.now})
	for range 10 {
		r := ts.do(t, "GET", "/readyz", "", "", "")
		if r.status != 503 || str(r.body["error"]) != "model provider unreachable" {
			t.Fatalf("readyz with the model down: %d %s", r.status, r.raw)
		}
		for _, leak := range []string{"provider-internal-host", "10.9.8.7", model.ModelName()} {
			if strings.Contains(r.raw, leak) {
				t.Fatalf("503 body names %q: %s", leak, r.raw)
			}
		}
	}
	if n := model.pings.Load(); n != 1 {
		t.Fatalf("10 GET /readyz with the model down made %d pings, want 1", n)
	}
	if !strings.Contains(ts.logs.String(), "provider-internal-host") {
		t.Fatalf("the provider's error is not in the log:\n%s", ts.logs.String())
	}
	model.down.Store(false)
	clock.add(readyTTL)
	if r := ts.do(t, "GET", "/readyz", "", "", ""); r.status != 200 {
		t.Fatalf("readyz after the model recovered and %s: %d %s", readyTTL, r.status, r.raw)
	}
}

// Concurrent callers of one readiness share the check in flight: while
// the first check runs, the others wait for its result instead of
// starting their own.
func TestReadinessSharesTheCheckInFlight(t *testing.T) {
	var checks atomic.Int64
	entered, release := make(chan struct{}), make(chan struct{})
	rd := &readiness{now: func() time.Time { return time.Time{} }, check: func(context.Context) *httpError {
		if checks.Add(1) == 1 {
			close(entered)
			<-release
		}
		return nil
	}}
	var wg sync.WaitGroup
	wg.Go(func() { rd.result(t.Context()) })
	<-entered
	for range 8 {
		wg.Go(func() { rd.result(t.Context()) })
	}
	// Let the waiters reach the shared call before the check ends (if
	// one has not, it finds the result cached: the test still passes,
	// it only proves less).
	for range 100 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := checks.Load(); n != 1 {
		t.Fatalf("9 concurrent callers ran %d checks, want 1", n)
	}
}
