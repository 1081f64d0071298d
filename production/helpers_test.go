package main

import (
	"bytes"
	"context"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
	"strings"
	"testing"
	"time"
)

// testDeadline replaces demo 6a's 1s deadline in tests.
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
// over a temporary trace directory, demo 6a's short deadline, the waits
// recorded rather than waited, the retries' jitter fixed at 0.
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
	w := &testutil.Sleeps{}
	if sys.sleep == nil {
		sys.sleep = w.Sleep
	}
	if sys.rand == nil {
		sys.rand = func() float64 { return 0 }
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
	"✓ Health check, ",
	"✓ All 7 demos showed their pattern.",
}
