package tracefile

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// observeRun drives trace through one run whose steps are steps, and
// returns its file's text.
func observeRun(t *testing.T, trace *Trace, steps func(ctx context.Context, info *hook.RunInfo)) string {
	t.Helper()
	ctx, info := startRun(trace, "run_1", slog.New(slog.DiscardHandler))
	path := Path(ctx, trace)
	if path == "" {
		t.Fatal("no trace file")
	}
	steps(ctx, info)
	trace.Observe(ctx, &hook.RunEnd{Run: info, Result: "ok", Outcome: "ok"})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A rate-limit wait gets a line from minReportedWait (1ms) on; a shorter
// one is the limiter's bookkeeping, and a refusal is no wait.
func TestRateLimitWaitWrittenFromAMillisecond(t *testing.T) {
	trace := &Trace{Directory: t.TempDir()}
	text := observeRun(t, trace, func(ctx context.Context, info *hook.RunInfo) {
		for _, w := range []hook.RateLimitWait{
			{Call: 1, Wait: time.Millisecond - time.Microsecond},
			{Call: 2, Wait: time.Millisecond},
			{Call: 3, Wait: 5 * time.Millisecond, Err: errors.New("rate: Wait(n=1) would exceed context deadline")},
			{Call: 4, Wait: 3 * time.Millisecond},
		} {
			w.Run = info
			trace.Observe(ctx, &w)
		}
	})
	want := "rate limiter: waited 1ms before model call 2\nrate limiter: waited 3ms before model call 4\n"
	if got := linesWith(text, "rate limiter:"); got != want {
		t.Fatalf("rate-limit lines\n%q\nwant\n%q\nin\n%s", got, want, text)
	}
}

// linesWith returns the lines of text that start with prefix, each with
// its line break.
func linesWith(text, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// An approval request quotes the call's arguments whole up to the
// argument cap: the note's own words get a kilobyte on top of
// MaxToolArgumentBytes, past which the note is cut; with no argument cap
// the note has none.
func TestApprovalNoteQuotesArgumentsUpToTheirCap(t *testing.T) {
	for _, c := range []struct {
		name    string
		cap     int
		argSize int
		cut     bool
	}{
		{"at the cap", 100, 100, false},
		{"no cap", -1, 4000, false},
		{"past the cap and a kilobyte", 100, 2000, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := `{"path":"` + strings.Repeat("p", c.argSize-11) + `"}`
			trace := &Trace{Directory: t.TempDir(), MaxToolArgumentBytes: c.cap}
			text := observeRun(t, trace, func(ctx context.Context, info *hook.RunInfo) {
				trace.Observe(ctx, &hook.ApprovalAsked{Run: info, Call: ai.ToolCall{ID: "call_1", Name: "delete_file", Arguments: args},
					ID: "appr_1", Message: "delete the file?"})
			})
			note := "--- approval requested for delete_file (call_1): delete the file? ---\narguments: " + args + "\n"
			want := note
			if c.cut {
				limit := c.cap + 1<<10
				want = note[:limit] + " …[cut by Trace.MaxToolArgumentBytes: " + strconv.Itoa(limit) + " of " + strconv.Itoa(len(note)) + " bytes shown]"
			}
			if len(args) != c.argSize || !strings.Contains(text, want) || strings.Count(text, "cut by") != strings.Count(want, "cut by") {
				t.Fatalf("the note is not\n%q\nin\n%s", want, text)
			}
		})
	}
}
