package tracefile

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// runSteps drives t as an observer through one run of steps, as the
// runtime does: the run's start, then each step, then its end; it returns
// the run's context (holding the run's writer).
func startRun(t *Trace, id string, logger *slog.Logger) (context.Context, *hook.RunInfo) {
	info := &hook.RunInfo{ID: id, AgentName: "a", SessionID: "ses", Model: "m", Started: time.Now(), Logger: logger}
	return t.Observe(context.Background(), &hook.RunStart{Run: info, Message: "hi"}), info
}

// The trace file failing in the middle of a run (a full disk, a revoked
// mount) logs one warning and stops tracing; the run goes on.
func TestTraceWriteFailureMidRun(t *testing.T) {
	trace := New()
	trace.Directory = filepath.Join(t.TempDir(), "traces")
	buf := &testutil.SyncBuffer{}
	logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, info := startRun(trace, "run_1", logger)
	w := ctx.Value(writerKey{trace}).(*writer)
	req := &ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}}}
	for call := 1; call <= 3; call++ {
		trace.Observe(ctx, &hook.ModelStart{Run: info, Call: call, Attempt: 1, Request: req})
		trace.Observe(ctx, &hook.ModelEnd{Run: info, Call: call, Attempt: 1, Response: &ai.Response{Message: ai.Message{Content: "ok"}}})
		if call == 1 {
			_ = w.f.Close() // every later write fails
		}
		w.flush()
	}
	trace.Observe(ctx, &hook.RunEnd{Run: info, Result: "still fine", Outcome: "ok"})
	logs := buf.String()
	if n := strings.Count(logs, "trace write failed"); n != 1 {
		t.Fatalf("%d trace warnings, want exactly 1:\n%s", n, logs)
	}
	if !strings.Contains(logs, `"level":"WARN","msg":"trace write failed`) {
		t.Fatalf("trace failure not logged at Warn:\n%s", logs)
	}
	if !w.failed {
		t.Fatal("trace not marked failed")
	}
}

// touchTraces creates empty files named in dir.
func touchTraces(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// stampDaysAgo is the file-name stamp of now minus days.
func stampDaysAgo(now time.Time, days int) string {
	return now.Add(-time.Duration(days) * 24 * time.Hour).UTC().Format("20060102150405")
}

// Retention keeps the MaxFiles newest trace files and drops those older
// than MaxAge, by the time in their names; anything else in the directory
// (other files, a symbolic link or directory named like a trace) stays.
func TestTracePruneKeepsNewestDropsOld(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		for d := 0; d < 10; d++ {
			touchTraces(t, dir, "trace_"+stampDaysAgo(now, d)+"_run_"+strconv.Itoa(d)+".txt")
		}
		// The seed's names, and what is not a trace file.
		touchTraces(t, dir, "trace_"+stampDaysAgo(now, 20)+".txt", "trace_"+stampDaysAgo(now, 20)+"_3.txt", "notes.txt", "trace_latest.txt")
		other := filepath.Join(t.TempDir(), "elsewhere.txt")
		touchTraces(t, filepath.Dir(other), filepath.Base(other))
		if err := os.Symlink(other, filepath.Join(dir, "trace_"+stampDaysAgo(now, 30)+"_link.txt")); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "trace_"+stampDaysAgo(now, 30)+"_dir.txt"), 0o700); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	keep := func(days ...int) []string {
		var out []string
		for _, d := range days {
			out = append(out, "trace_"+stampDaysAgo(now, d)+"_run_"+strconv.Itoa(d)+".txt")
		}
		return out
	}
	nonTraces := []string{"notes.txt", "trace_" + stampDaysAgo(now, 30) + "_dir.txt", "trace_" + stampDaysAgo(now, 30) + "_link.txt", "trace_latest.txt"}
	for _, c := range []struct {
		name     string
		maxFiles int
		maxAge   time.Duration
		want     []string
	}{
		{"count", 3, -1, keep(2, 1, 0)},
		{"age", -1, 5*24*time.Hour - time.Minute, keep(4, 3, 2, 1, 0)},
		{"both", 2, 5 * 24 * time.Hour, keep(1, 0)},
		{"defaults", 0, 0, keep(7, 6, 5, 4, 3, 2, 1, 0)}, // 7 days (exactly 7 is not older), 1,000 files
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := setup(t)
			tr := &Trace{MaxFiles: c.maxFiles, MaxAge: c.maxAge}
			tr.prune(dir, now)
			want := append(append([]string(nil), c.want...), nonTraces...)
			slices.Sort(want)
			if got := dirNames(t, dir); !slices.Equal(got, want) {
				t.Fatalf("left\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// Retention runs when a Trace opens its first file, then at most once per
// pruneInterval: not a directory scan per run.
func TestTracePruneAtMostOncePerInterval(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	clock := now
	tr := &Trace{Directory: dir, MaxAge: 24 * time.Hour, now: func() time.Time { return clock }}
	old := func(n int) string { return "trace_" + stampDaysAgo(now, 3) + "_old" + strconv.Itoa(n) + ".txt" }
	n := 0
	run := func() {
		n++
		ctx, info := startRun(tr, "run_"+strconv.Itoa(n), slog.New(slog.DiscardHandler))
		if Path(ctx, tr) == "" {
			t.Fatal("no trace file")
		}
		tr.Observe(ctx, &hook.RunEnd{Run: info, Result: "ok", Outcome: "ok"})
	}
	exists := func(name string) bool {
		_, err := os.Lstat(filepath.Join(dir, name))
		return err == nil
	}
	touchTraces(t, dir, old(1))
	run() // first open: prunes
	if exists(old(1)) {
		t.Fatal("first open did not prune")
	}
	touchTraces(t, dir, old(2))
	clock = clock.Add(pruneInterval - time.Second)
	run()
	run()
	if !exists(old(2)) {
		t.Fatal("pruned again within the interval")
	}
	clock = clock.Add(2 * time.Second)
	run()
	if exists(old(2)) {
		t.Fatal("not pruned once the interval passed")
	}
	if n := len(tr.Files()); n != 4 {
		t.Fatalf("%d files recorded, want 4", n)
	}
}

// A conversation rewritten between requests (a resumed or compacted
// transcript) is written again in full, never referred to wrongly.
func TestTraceRewrittenConversationWrittenInFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	tr := newWriter(f, path, (&Trace{}).limits())
	msgs := []ai.Message{{Role: ai.RoleUser, Content: "first question"}}
	tr.modelRequest(1, 1, &ai.Request{Messages: msgs})
	resp := &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "first answer"}}
	tr.modelResponse(1, 1, resp, time.Millisecond)
	msgs = append(msgs, resp.Message, ai.Message{Role: ai.RoleUser, Content: "more"})
	tr.modelRequest(2, 1, &ai.Request{Messages: msgs})
	rewritten := []ai.Message{{Role: ai.RoleUser, Content: "summary of before"}, {Role: ai.RoleUser, Content: "more"}, {Role: ai.RoleUser, Content: "again"}}
	tr.modelRequest(3, 1, &ai.Request{Messages: rewritten})
	tr.close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"messages sent (3): 1 as above, new 2-3\n  #2 [assistant] response of LLM call 1 above\n  #3 [user]\n    more\n",
		"messages sent (3): the conversation changed; all of them\n  #1 [user]\n    summary of before\n  #2 [user]\n    more\n  #3 [user]\n    again\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks %q:\n%s", want, text)
		}
	}
}

func TestTraceFileName(t *testing.T) {
	at := time.Date(2026, 11, 29, 13, 4, 5, 0, time.FixedZone("X", 3600))
	for id, want := range map[string]string{
		"run_0123456789ab": "trace_20261129120405_run_0123456789ab.txt", // UTC
		"../../etc/x y":    "trace_20261129120405_______etc_x_y.txt",
	} {
		if got := fileName(at, id); got != want {
			t.Errorf("fileName(%q) = %q, want %q", id, got, want)
		}
	}
}

// Records after close (an observer reporting late) are ignored, quietly.
func TestTraceRecordsAfterCloseIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	buf := &testutil.SyncBuffer{}
	tr := newWriter(f, path, (&Trace{}).limits())
	tr.logger = slog.New(slog.NewTextHandler(buf, nil))
	tr.note("before\n")
	tr.close()
	tr.note("after\n")
	tr.toolCall(ai.ToolCall{Name: "x"}, 1)
	tr.close()
	if b, _ := os.ReadFile(path); string(b) != "before\n" || buf.String() != "" || tr.failed {
		t.Fatalf("file %q, logs %q", b, buf.String())
	}
}
