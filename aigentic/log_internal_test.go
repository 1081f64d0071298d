package aigentic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// debugRun is a run, not started, whose log goes to buf at level, as JSON.
func debugRun(t *testing.T, level slog.Level) (*AgentRun, *bytes.Buffer) {
	t.Helper()
	buf := &bytes.Buffer{}
	r, err := Agent{Model: aitest.NewScripted(), LogLevel: level,
		Logger: slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}.newRunContext(context.Background(), "hi", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.cancel(nil) })
	buf.Reset() // the run's start, at Debug
	return r, buf
}

// lines are buf's records, decoded.
func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("record %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// A rate-limit wait is logged at Debug when it lasted 1 ms or more and
// ended with the call going ahead; a shorter one, or one the run's end
// cut short, is not.
func TestLogRateLimitWait(t *testing.T) {
	r, buf := debugRun(t, slog.LevelDebug)
	o := &r.logObs
	for _, s := range []*hook.RateLimitWait{
		{Run: &r.info, Call: 1, Wait: time.Millisecond},
		{Run: &r.info, Call: 2, Wait: 999 * time.Microsecond},
		{Run: &r.info, Call: 3, Wait: time.Second, Err: context.Canceled},
	} {
		o.Observe(context.Background(), s)
	}
	recs := lines(t, buf)
	if len(recs) != 1 || recs[0]["msg"] != "rate limited" || recs[0]["call"] != float64(1) {
		t.Fatalf("records %v; want one \"rate limited\" for call 1", recs)
	}
	// Not at Info.
	r, buf = debugRun(t, slog.LevelInfo)
	r.logObs.Observe(context.Background(), &hook.RateLimitWait{Run: &r.info, Call: 1, Wait: time.Second})
	if buf.Len() != 0 {
		t.Fatalf("a rate-limit wait logged at Info: %s", buf)
	}
}

// An interceptor's decision is logged at Info, a trip at Warn; its token
// counts only when it gave some.
func TestLogDecisions(t *testing.T) {
	r, buf := debugRun(t, slog.LevelInfo)
	o := &r.logObs
	o.Observe(context.Background(), &hook.Decision{Run: &r.info, By: "guard", Step: "input", Action: "pass"})
	o.Observe(context.Background(), &hook.Decision{Run: &r.info, By: "guard", Step: "input", Action: "trip", Reason: "blocked"})
	o.Observe(context.Background(), &hook.Decision{Run: &r.info, By: "window", Step: "model call 2", Action: "compact", TokensBefore: 900})
	o.Observe(context.Background(), &hook.Decision{Run: &r.info, By: "window", Step: "model call 3", Action: "compact", TokensAfter: 300})
	recs := lines(t, buf)
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4: %v", len(recs), recs)
	}
	if recs[0]["level"] != "INFO" || recs[1]["level"] != "WARN" {
		t.Errorf("levels %v, %v; want INFO for a pass, WARN for a trip", recs[0]["level"], recs[1]["level"])
	}
	if _, ok := recs[0]["tokens_before"]; ok {
		t.Errorf("a decision without token counts has them: %v", recs[0])
	}
	if recs[2]["tokens_before"] != float64(900) || recs[3]["tokens_after"] != float64(300) {
		t.Errorf("token counts lost: %v / %v", recs[2], recs[3])
	}
}

// A retry is logged at Warn with the attempt that failed and the next.
func TestLogRetry(t *testing.T) {
	r, buf := debugRun(t, slog.LevelInfo)
	r.logObs.Observe(context.Background(), &hook.ModelEnd{Run: &r.info, Call: 1, Attempt: 2, Err: errors.New("503"), WillRetry: true, RetryIn: time.Second})
	recs := lines(t, buf)
	if len(recs) != 1 || recs[0]["level"] != "WARN" || recs[0]["attempt"] != float64(2) || recs[0]["next_attempt"] != float64(3) {
		t.Fatalf("records %v; want one Warn retry of attempt 2, next 3", recs)
	}
}

// truncate cuts on a rune boundary, and never before the start, even in a
// string with no boundary at all.
func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello!", 5, "hello…"},
		{"héllo", 2, "h…"}, // é is 2 bytes: not cut in two
		{"\x80\x80\x80\x80", 2, "…"},
	} {
		if got := truncate(tc.s, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}
