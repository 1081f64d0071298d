// Package tracefile writes the trace file of an aigentic run: one
// readable, redacted text file per run, with every model call, tool call
// and the outcome. aigentic.Trace is its [Trace] and aigentic.NewTrace its
// [New]: set Agent.Trace and the runtime registers it as an observer of
// the run's steps (package aigentic/hook). [ReadSummary] reads a file back.
package tracefile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
)

// Trace records runs in readable text files, one file per run: every model
// call (the messages sent, the tools offered, the response, duration,
// usage, every retry and its error), every tool call (arguments, result,
// error flag, duration) and the outcome. [ReadSummary] reads a file
// back. It is a [hook.Observer]: Agent.Trace registers it on the agent's
// runs (and on its sub-agents' that have no Trace of their own), and it
// may be put in Agent.Observers too.
//
// What a file costs and holds:
//
//   - Each run gets its own file, trace_<YYYYMMDDHHMMSS>_<run id>.txt (the
//     run's start in UTC), created with O_CREATE|O_EXCL|O_NOFOLLOW, mode
//     0600: no name search, nothing another user can exhaust or redirect.
//   - Each message is written once: a later model request lists only the
//     messages that are new ("messages sent (7): 1-5 as above, new 6-7"),
//     and refers to the response or tool result already written for the
//     others; a tool call's arguments over 256 bytes are referred to the
//     response that asked for them, and so is an answer that long.
//   - Writes are buffered (about one write per step instead of one per
//     record). The buffer is written out when a step starts — before each
//     model call, so the previous step's response, tool calls and results
//     are on disk while the model works — unless the last write is less
//     than a millisecond old (a write costs microseconds: steps that fast
//     are written together); after a note (a rate-limit wait, an approval
//     request: both may wait long); and when the run ends. A process that
//     crashes therefore loses at most the step in progress (the model call
//     being made or answered, and its tool calls), plus, when steps take
//     under a millisecond, those of the last millisecond.
//   - Text is capped, with a visible marker where it was cut: each tool
//     argument (MaxToolArgumentBytes), tool result (MaxToolResultBytes) and
//     model response (MaxResponseBytes), and the file as a whole
//     (MaxFileBytes: its last line then says the rest was dropped).
//   - Retention keeps at most MaxFiles trace files in the directory and
//     none older than MaxAge; it runs when the Trace opens its first file
//     and then at most once a minute, never in between.
//   - Every record passes through aigentic.Redact ([secret.Redact]) before it is buffered, so API
//     keys and Authorization headers never reach a file; a cap checks the
//     kilobyte around its cut first, so a secret is never cut in two.
//
// The directory must be a real directory (not a symbolic link) owned by
// the current user with no group or other write permission, in a parent
// no other user can rename it out of; it is created 0700 when missing and
// its mode is never changed (the rules of internal/securefs, issue 12). When the default directory
// ([DefaultDir], in the world-writable temporary directory) fails
// them — another user made it first, as a directory or a symbolic link —
// the Trace uses a per-user directory instead ([FallbackDir]) and logs
// one Warn record saying why. A Directory set explicitly has no fallback:
// each run then logs a Warn and is not traced.
//
// A write failure logs one warning and stops the trace of that run; it
// never fails the run. One Trace may be shared by many runs, concurrently.
// Its configuration fields must be set before its first run.
type Trace struct {
	// SessionID identifies this trace: every file it writes names it.
	SessionID string
	// Directory is where files go; New sets DefaultDir(), and ""
	// means the same.
	Directory string

	// MaxFileBytes caps a file's size: past it, records are dropped and
	// the file ends with a line saying so. 0 means
	// DefaultMaxFileBytes; a negative value means no cap.
	MaxFileBytes int64
	// MaxToolArgumentBytes caps each tool call's arguments as recorded.
	// 0 means DefaultMaxToolArgumentBytes; negative, no cap.
	MaxToolArgumentBytes int
	// MaxToolResultBytes caps each tool result as recorded. 0 means
	// DefaultMaxToolResultBytes; negative, no cap.
	MaxToolResultBytes int
	// MaxResponseBytes caps the text of each model response (and of the
	// run's answer and error) as recorded. 0 means
	// DefaultMaxResponseBytes; negative, no cap.
	MaxResponseBytes int

	// MaxFiles is how many trace files retention keeps in the directory
	// (the newest by the time in their names). 0 means
	// DefaultMaxFiles; negative, no count limit.
	MaxFiles int
	// MaxAge removes trace files older than this (by the time in their
	// names). 0 means DefaultMaxAge; negative, no age limit.
	MaxAge time.Duration

	// now is the clock of retention (time.Now when nil; tests inject one).
	now func() time.Time

	mu        sync.Mutex
	files     []string
	dir       string // the directory in use, once decided
	nextPrune time.Time
	pruning   bool
}

// Defaults of the Trace caps and retention. The caps keep a file readable
// and bounded when a tool moves megabytes (issue 10 measured a 31 MB trace
// from one 10 MiB argument); retention bounds the directory.
const (
	// DefaultMaxFileBytes is 8 MiB per file.
	DefaultMaxFileBytes = 8 << 20
	// DefaultMaxToolArgumentBytes is 16 KiB per tool call's arguments.
	DefaultMaxToolArgumentBytes = 16 << 10
	// DefaultMaxToolResultBytes is 64 KiB per tool result.
	DefaultMaxToolResultBytes = 64 << 10
	// DefaultMaxResponseBytes is 64 KiB per model response text.
	DefaultMaxResponseBytes = 64 << 10
	// DefaultMaxFiles is 1,000 files per directory.
	DefaultMaxFiles = 1000
	// DefaultMaxAge is 7 days.
	DefaultMaxAge = 7 * 24 * time.Hour
	// pruneInterval is the least time between two retention passes of
	// one Trace.
	pruneInterval = time.Minute
)

// DefaultDir is os.TempDir()/aigentic-traces. It is used only when it
// is safe (see [Trace]); otherwise traces go to [FallbackDir].
func DefaultDir() string { return filepath.Join(os.TempDir(), "aigentic-traces") }

// FallbackDir is where traces go when [DefaultDir] fails the
// directory rules: <user cache dir>/aigentic/traces (os.UserCacheDir:
// $XDG_CACHE_HOME or ~/.cache on Linux), or, when there is no user cache
// directory, os.TempDir()/aigentic-traces-<uid>. Either must pass the same
// rules.
func FallbackDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "aigentic", "traces")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("aigentic-traces-%d", os.Geteuid()))
}

// New returns a trace writing to DefaultDir(), with the default caps and
// retention, and a new SessionID ("trc_" and 12 hex digits).
func New() *Trace {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &Trace{SessionID: "trc_" + hex.EncodeToString(b[:]), Directory: DefaultDir()}
}

// Files returns the paths of the files this trace has created, oldest
// first: the last MaxFiles at most (retention may since have removed some
// of them).
func (t *Trace) Files() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	files := t.files
	if n := orDefault(t.MaxFiles, DefaultMaxFiles); n > 0 && len(files) > n {
		files = files[len(files)-n:]
	}
	return append([]string(nil), files...)
}

func (t *Trace) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return time.Now()
}

// limits returns the caps in force, defaults applied.
func (t *Trace) limits() limits {
	return limits{
		file:     orDefault64(t.MaxFileBytes, DefaultMaxFileBytes),
		argument: orDefault(t.MaxToolArgumentBytes, DefaultMaxToolArgumentBytes),
		result:   orDefault(t.MaxToolResultBytes, DefaultMaxToolResultBytes),
		response: orDefault(t.MaxResponseBytes, DefaultMaxResponseBytes),
	}
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orDefault64(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}

// fileName is trace_<YYYYMMDDHHMMSS>_<run id>.txt, the time in UTC;
// a byte of the id other than a letter, digit, _ or - becomes _, so the
// name never leaves the directory.
func fileName(started time.Time, runID string) string {
	b := make([]byte, 0, 24+len(runID))
	b = append(b, "trace_"...)
	b = started.UTC().AppendFormat(b, "20060102150405")
	b = append(b, '_')
	for i := 0; i < len(runID); i++ {
		c := runID[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			c = '_'
		}
		b = append(b, c)
	}
	b = append(b, ".txt"...)
	return string(b)
}

// open creates the file of the run runID started at started. logger gets
// the one warning of a directory fallback. A directory that vanished
// (a temp cleaner) is made again once.
func (t *Trace) open(started time.Time, runID string, logger *slog.Logger) (*writer, error) {
	for try := 0; ; try++ {
		dir, err := t.directory(logger)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, fileName(started, runID))
		f, err := securefs.CreateExclusive(path, 0o600)
		if errors.Is(err, fs.ErrNotExist) && try == 0 {
			t.forgetDirectory(dir)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("trace file: %w", err)
		}
		t.created(path)
		t.maybePrune(dir)
		return newWriter(f, path, t.limits()), nil
	}
}

// created records path for Files, which shows the last MaxFiles: older
// paths are dropped once there are twice as many.
func (t *Trace) created(path string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.files = append(t.files, path)
	if n := orDefault(t.MaxFiles, DefaultMaxFiles); n > 0 && len(t.files) > 2*n {
		t.files = append(t.files[:0], t.files[len(t.files)-n:]...)
	}
}
