package tracefile

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// prune returns exactly the names it removed, by age and by count.
func TestPruneReturnsTheNamesItRemoved(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	name := func(days int, id string) string { return "trace_" + stampDaysAgo(now, days) + "_" + id + ".txt" }
	touchTraces(t, dir, name(10, "old"), name(3, "b"), name(2, "c"), name(1, "d"))
	removed := (&Trace{MaxFiles: 2, MaxAge: 7 * 24 * time.Hour}).prune(dir, now)
	if want := []string{name(10, "old"), name(3, "b")}; !slices.Equal(removed, want) {
		t.Fatalf("prune returned %v, want %v", removed, want)
	}
	if got, want := dirNames(t, dir), []string{name(2, "c"), name(1, "d")}; !slices.Equal(got, want) {
		t.Fatalf("left %v, want %v", got, want)
	}
}

// A file named trace_… whose 14 characters after the prefix are not all
// digits is not a trace file: retention leaves it, however old its name
// looks.
func TestPruneLeavesNamesWithoutADigitStamp(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	const notes = "trace_2019-01-01T120_notes.txt" // 14 characters, then "_"
	old := "trace_20190101120000_run_1.txt"
	touchTraces(t, dir, notes, old)
	(&Trace{MaxFiles: -1, MaxAge: 24 * time.Hour}).prune(dir, now)
	if got := dirNames(t, dir); !slices.Equal(got, []string{notes}) {
		t.Fatalf("left %v, want only %s", got, notes)
	}
}

// runTraces runs a run on trace for each id and returns their files'
// paths.
func runTraces(t *testing.T, trace *Trace, ids ...string) []string {
	t.Helper()
	var paths []string
	for _, id := range ids {
		ctx, info := startRun(trace, id, slog.New(slog.DiscardHandler))
		p := Path(ctx, trace)
		if p == "" {
			t.Fatalf("run %s: no trace file", id)
		}
		trace.Observe(ctx, &hook.RunEnd{Run: info, Result: "ok", Outcome: "ok"})
		paths = append(paths, p)
	}
	return paths
}

// Files lists the last MaxFiles files created, oldest first, however
// many runs there were; with no count limit it lists them all.
func TestFilesListsTheLastMaxFiles(t *testing.T) {
	trace := &Trace{Directory: t.TempDir(), MaxFiles: 2}
	var all []string
	for i := 1; i <= 6; i++ {
		all = append(all, runTraces(t, trace, "run_"+strconv.Itoa(i))...)
		if got, want := trace.Files(), all[max(len(all)-2, 0):]; !slices.Equal(got, want) {
			t.Fatalf("after %d runs Files() = %v, want %v", i, got, want)
		}
	}

	unlimited := &Trace{Directory: t.TempDir(), MaxFiles: -1}
	paths := runTraces(t, unlimited, "run_1", "run_2", "run_3")
	if got := unlimited.Files(); !slices.Equal(got, paths) {
		t.Fatalf("MaxFiles -1: Files() = %v, want %v", got, paths)
	}
}

// A directory removed under a Trace (a temp cleaner) is made again by
// the next run, which is traced as usual.
func TestVanishedDirectoryMadeAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "traces")
	trace := &Trace{Directory: dir}
	runTraces(t, trace, "run_1")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	buf := &testutil.SyncBuffer{}
	ctx, info := startRun(trace, "run_2", slog.New(slog.NewTextHandler(buf, nil)))
	p := Path(ctx, trace)
	trace.Observe(ctx, &hook.RunEnd{Run: info, Result: "ok", Outcome: "ok"})
	if p == "" || filepath.Dir(p) != dir || buf.String() != "" {
		t.Fatalf("trace file %q (want one in %s), logs %q", p, dir, buf.String())
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
}

// A run ID of any length and bytes names its file: letters, digits, _
// and - are kept, every other byte (the neighbours of those ranges too)
// becomes _.
func TestFileNameKeepsOnlySafeBytesOfALongRunID(t *testing.T) {
	at := time.Date(2026, 11, 29, 12, 4, 5, 0, time.UTC)
	id := "Run-AZaz09_@[`{/:~" + "0123456789abcdefghijklmnopqrstuvwxyz"
	want := "trace_20261129120405_Run-AZaz09________0123456789abcdefghijklmnopqrstuvwxyz.txt"
	if got := fileName(at, id); got != want {
		t.Fatalf("fileName(%q) = %q, want %q", id, got, want)
	}
}
