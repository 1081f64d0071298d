package tracefile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// maybePrune runs retention on dir when none ran for pruneInterval
// (so on a Trace's first file, then at most once a minute), in the
// goroutine of the run that opened the file; concurrent opens skip it.
func (t *Trace) maybePrune(dir string) {
	now := t.clock()
	t.mu.Lock()
	if t.pruning || now.Before(t.nextPrune) {
		t.mu.Unlock()
		return
	}
	t.pruning = true
	t.nextPrune = now.Add(pruneInterval)
	t.mu.Unlock()

	t.prune(dir, now)

	t.mu.Lock()
	t.pruning = false
	t.mu.Unlock()
}

// prune removes from dir the trace files (regular files named
// trace_<YYYYMMDDHHMMSS>….txt, by this or an older version) older than
// MaxAge and, of those left, all but the MaxFiles newest. Age and order
// come from the UTC time in the names: one directory read, no stat. Other
// files are left alone. It returns the names removed; failures to remove
// (a file another process just removed) are skipped.
func (t *Trace) prune(dir string, now time.Time) []string {
	maxFiles := orDefault(t.MaxFiles, DefaultMaxFiles)
	maxAge := t.MaxAge
	if maxAge == 0 {
		maxAge = DefaultMaxAge
	}
	entries, err := os.ReadDir(dir) // sorted by name: oldest first
	if err != nil {
		return nil
	}
	var cutoff string
	if maxAge > 0 {
		cutoff = now.Add(-maxAge).UTC().Format("20060102150405")
	}
	traces := make([]string, 0, len(entries))
	var removed []string
	for _, e := range entries {
		name := e.Name()
		stamp, ok := traceStamp(name)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if cutoff != "" && stamp < cutoff {
			if os.Remove(filepath.Join(dir, name)) == nil {
				removed = append(removed, name)
			}
			continue
		}
		traces = append(traces, name)
	}
	if maxFiles > 0 && len(traces) > maxFiles {
		for _, name := range traces[:len(traces)-maxFiles] {
			if os.Remove(filepath.Join(dir, name)) == nil {
				removed = append(removed, name)
			}
		}
	}
	return removed
}

// traceStamp returns the YYYYMMDDHHMMSS of a trace file name:
// trace_<stamp>.txt or trace_<stamp>_<anything>.txt.
func traceStamp(name string) (string, bool) {
	const pre, digits = len("trace_"), 14
	if !strings.HasPrefix(name, "trace_") || !strings.HasSuffix(name, ".txt") || len(name) < pre+digits+len(".txt") {
		return "", false
	}
	stamp := name[pre : pre+digits]
	for i := 0; i < digits; i++ {
		if stamp[i] < '0' || stamp[i] > '9' {
			return "", false
		}
	}
	if rest := name[pre+digits:]; rest != ".txt" && rest[0] != '_' {
		return "", false
	}
	return stamp, true
}
