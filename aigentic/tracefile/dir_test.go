package tracefile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// fakeSharedTemp points os.TempDir at a fresh sticky world-writable
// directory (like /tmp) and the user cache directory at a private one, and
// returns the shared directory. Acting as another user needs root (chown
// to testutil.Nobody); CI runs the tests as root.
func fakeSharedTemp(t *testing.T) string {
	t.Helper()
	testutil.AsRoot(t, "./aigentic")
	shared := testutil.SharedTmp(t)
	t.Setenv("TMPDIR", shared)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), "cache"))
	return shared
}

const fallbackWarning = "trace directory is not safe to use; traces go to the per-user fallback directory"

// tracedRuns runs n traced runs on one NewTrace and returns it and the
// log records.
func tracedRuns(t *testing.T, n int) (*aigentic.Trace, []*aigentic.AgentRun, []map[string]any) {
	t.Helper()
	trace := aigentic.NewTrace()
	logger, buf := newJSONLogger()
	var runs []*aigentic.AgentRun
	for i := 0; i < n; i++ {
		run, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("fine")), Logger: logger, Trace: trace}.Start("hi")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := run.Wait(0); err != nil || got != "fine" {
			t.Fatalf("run = %q, %v", got, err)
		}
		runs = append(runs, run)
	}
	return trace, runs, records(t, buf)
}

// assertFallback checks that every run wrote its file in the fallback
// directory and that exactly one Warn record said why.
func assertFallback(t *testing.T, runs []*aigentic.AgentRun, recs []map[string]any, reason string) {
	t.Helper()
	fallback := aigentic.FallbackTraceDir()
	if !strings.HasPrefix(fallback, os.Getenv("XDG_CACHE_HOME")) {
		t.Fatalf("fallback %s is not under the user cache directory", fallback)
	}
	for _, run := range runs {
		if p := run.TraceFilepath(); filepath.Dir(p) != fallback {
			t.Fatalf("trace file %q, want it in %s", p, fallback)
		}
	}
	assertMode(t, fallback, 0o700|os.ModeDir)
	var warns []map[string]any
	for _, r := range recs {
		if r["msg"] == fallbackWarning {
			warns = append(warns, r)
		}
	}
	if len(warns) != 1 {
		t.Fatalf("%d fallback warnings for %d runs, want 1: %v", len(warns), len(runs), recs)
	}
	w := warns[0]
	if w["level"] != "WARN" || w["trace_dir"] != aigentic.DefaultTraceDir() || w["fallback_dir"] != fallback ||
		!strings.Contains(w["reason"].(string), reason) {
		t.Fatalf("warning = %v, want reason %q", w, reason)
	}
}

// assertUntouched checks that dir kept its mode and holds nothing.
func assertUntouched(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != mode {
		t.Fatalf("%s: mode changed to %v, was %v", dir, fi.Mode(), mode)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("%s: something was written there: %v", dir, entries)
	}
}

// Another user planted a symbolic link at DefaultTraceDir pointing at a
// directory of theirs: it is not followed, its target's mode is not
// changed, nothing is written there; traces go to the per-user fallback
// with one warning.
func TestTraceDirSymlinkPlantedByAnotherUser(t *testing.T) {
	fakeSharedTemp(t)
	victim := filepath.Join(t.TempDir(), "theirs")
	if err := os.Mkdir(victim, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(victim, testutil.Nobody, testutil.Nobody); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, aigentic.DefaultTraceDir()); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(aigentic.DefaultTraceDir(), testutil.Nobody, testutil.Nobody); err != nil {
		t.Fatal(err)
	}
	_, runs, recs := tracedRuns(t, 2)
	assertFallback(t, runs, recs, "is a symbolic link")
	assertUntouched(t, victim, 0o755|os.ModeDir)
}

// A real directory another user made at DefaultTraceDir (they could
// rename or delete our files in it) is not used.
func TestTraceDirOwnedByAnotherUser(t *testing.T) {
	fakeSharedTemp(t)
	dir := aigentic.DefaultTraceDir()
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, testutil.Nobody, testutil.Nobody); err != nil {
		t.Fatal(err)
	}
	_, runs, recs := tracedRuns(t, 2)
	assertFallback(t, runs, recs, "owned by uid 65534")
	assertUntouched(t, dir, 0o700|os.ModeDir)
}

// Our own DefaultTraceDir that group or others may write to is not used,
// and its mode is not changed (it was not created by this process).
func TestTraceDirWritableByOthers(t *testing.T) {
	fakeSharedTemp(t)
	dir := aigentic.DefaultTraceDir()
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	_, runs, recs := tracedRuns(t, 2)
	assertFallback(t, runs, recs, "writable by group or others")
	assertUntouched(t, dir, 0o777|os.ModeDir)
}

// With nobody in the way, DefaultTraceDir is created 0700 and used, with
// no warning.
func TestTraceDirCreatedPrivate(t *testing.T) {
	fakeSharedTemp(t)
	_, runs, recs := tracedRuns(t, 2)
	for _, run := range runs {
		if filepath.Dir(run.TraceFilepath()) != aigentic.DefaultTraceDir() {
			t.Fatalf("trace file %q not in %s", run.TraceFilepath(), aigentic.DefaultTraceDir())
		}
		assertMode(t, run.TraceFilepath(), 0o600)
	}
	assertMode(t, aigentic.DefaultTraceDir(), 0o700|os.ModeDir)
	for _, r := range recs {
		if r["level"] == "WARN" {
			t.Fatalf("unexpected warning: %v", r)
		}
	}
}

// A Directory set explicitly has no fallback: an unsafe one leaves the
// run untraced, with a warning, and untouched.
func TestTraceExplicitUnsafeDirectoryNotUsed(t *testing.T) {
	fakeSharedTemp(t)
	dir := filepath.Join(os.TempDir(), "mine-but-open")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	trace := aigentic.NewTrace()
	trace.Directory = dir
	logger, buf := newJSONLogger()
	run, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("fine")), Logger: logger, Trace: trace}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := run.Wait(0); err != nil || got != "fine" {
		t.Fatalf("run = %q, %v", got, err)
	}
	if run.TraceFilepath() != "" {
		t.Fatalf("traced to %s", run.TraceFilepath())
	}
	r := findRecord(records(t, buf), "trace disabled for this run")
	if r == nil || !strings.Contains(r["error"].(string), "writable by group or others") {
		t.Fatalf("warning = %v", r)
	}
	assertUntouched(t, dir, 0o777|os.ModeDir)
}
