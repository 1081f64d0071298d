package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// testDeadline replaces demo 6a's 1s deadline, 6c's StopGrace and 6d's
// tool timeout in tests.
const testDeadline = 10 * time.Millisecond

// testRun is the outcome of one in-process run.
type testRun struct {
	out string
	err error
	// waits are the delays the run would have waited (retry backoffs,
	// rate-limiter waits), in order.
	waits []time.Duration
}

// runSys runs the program in-process with sys completed for a test: env
// over a temporary trace directory, demo 6's short deadline, tool timeout
// and stop grace, 6e's lookups meeting each other (newMeeting), the waits
// recorded rather than waited, the retries' jitter fixed at 0, demo 7's
// rate limiter on a fixed clock.
func runSys(t *testing.T, ctx context.Context, args []string, env map[string]string, sys system) testRun {
	t.Helper()
	e := map[string]string{"AIGENTIC_TRACE_DIR": t.TempDir()}
	for k, v := range env {
		e[k] = v
	}
	sys.getenv = testutil.Getenv(e)
	if sys.deadline == 0 {
		sys.deadline = testDeadline
	}
	if sys.toolTimeout == 0 {
		sys.toolTimeout = testDeadline
	}
	if sys.stopGrace == 0 {
		sys.stopGrace = testDeadline
	}
	if sys.lookup == nil {
		sys.lookup = newMeeting().wait
	}
	w := &testutil.Sleeps{}
	if sys.sleep == nil {
		sys.sleep = w.Sleep
	}
	if sys.rand == nil {
		sys.rand = func() float64 { return 0 }
	}
	if sys.now == nil {
		// Demo 7's rate limiter on a clock that does not move: it asks
		// every model request after the first to wait.
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		sys.now = func() time.Time { return at }
	}
	var out bytes.Buffer
	err := runWith(ctx, args, &out, sys)
	if testing.Verbose() {
		t.Logf("output:\n%s", out.String())
	}
	return testRun{out: out.String(), err: err, waits: w.All()}
}

// runTest runs the program offline with args and env.
func runTest(t *testing.T, args []string, env map[string]string) testRun {
	t.Helper()
	return runSys(t, context.Background(), args, env, system{})
}

// mustContain fails the test for each want missing from out.
func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

// shownAll are the verdict lines of every demo part that showed its
// pattern.
var shownAll = []string{
	"✓ 1a: the run went on after",
	"✓ 1b: errors.Is(err, errDatabaseConnectionLost)",
	"✓ 1c: 1 injected 503, 1 retry",
	"✓ The trace file's run ID, outcome, LLM calls and tool calls match",
	"✓ Stopped at exactly 3 of 3 model calls",
	"✓ 4a: model call 1 succeeded on attempt 3",
	"✓ 4b: errors.Is(err, aigentic.ErrRetriesExhausted) holds",
	"✓ Each logger kept only records at or above its level",
	`✓ 6a: stopped during tool "generate_report"`,
	`✓ 6b: stopped during tool "generate_report"`,
	`✓ 6c: the run returned while export_to_erp still hung: stopped during tool "export_to_erp", the call in StoppedError.Abandoned`,
	`✓ 6d: 1 tool timeout (Stats.ToolTimeouts); the model got the "timed out after 10ms" error result`,
	shown6e,
	shown7,
	"✓ All 7 demos showed their pattern.",
}

// shown7 is demo 7's verdict when the model looked up the order asked
// about (the default question's 1043).
const shown7 = "(order 1043, as asked), trace file written: the production setup held."

// shown6e is demo 6e's verdict when the lookups overlapped.
const shown6e = "✓ 6e: the 2 lookups of one response ran at the same time: an observer on the run's steps saw 2 running at once."

// shownOnePerTurn are the verdicts on the naive model, which asks for one
// tool call per response and looks up order 1 whatever the question:
// everything but 6e and 7, which say why.
var shownOnePerTurn = append(slices.DeleteFunc(slices.Clone(shownAll), func(s string) bool {
	return s == shown6e || s == shown7 || strings.HasPrefix(s, "✓ All 7")
}), "– 6e not shown: the model asked for one tool call per response (1 response), so nothing could run at once.",
	"– 7 not shown: the model looked up order 1, which the question did not ask about, and it did not look up order 1043, which the question asked about: the answer is not about what was asked.",
	"7 demos ran as designed, but on this model 2 parts could not be shown: 6e (")

// meetWatchdog bounds how long a lookup waits for the other calls of its
// response: a watchdog, never a measurement.
const meetWatchdog = 5 * time.Second

// meeting is a lookup wait (system.lookup) under which the calls of one
// response overlap by construction: each waits until as many lookups as
// its response asked for have arrived (the first response of several
// calls; later ones pass at once). Run one at a time, the first would
// wait for ever; after meetWatchdog it returns an error instead, which
// stops the run, and demo 6e fails. Safe for concurrent use.
type meeting struct {
	watchdog time.Duration
	mu       sync.Mutex
	here     int
	all      chan struct{}
}

func newMeeting() *meeting { return &meeting{watchdog: meetWatchdog, all: make(chan struct{})} }

// wait is the system.lookup of a test.
func (m *meeting) wait(ctx context.Context, calls int) error {
	if calls <= 1 {
		return nil // nothing to meet
	}
	m.mu.Lock()
	if m.here++; m.here == calls { // once: later responses pass at once
		close(m.all)
	}
	m.mu.Unlock()
	t := time.NewTimer(m.watchdog)
	defer t.Stop()
	select {
	case <-m.all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("the other calls of the response never came within %s: the %d calls ran one at a time", m.watchdog, calls)
	}
}
