package tracefile

import (
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// limits are a file's caps in bytes; a value ≤ 0 means no cap.
type limits struct {
	file                       int64
	argument, result, response int
}

// writer writes one run's file. Its methods are called from the run's
// goroutine only; a nil *writer (no trace) ignores every call.
//
// Sections are appended to buf and reach the file at flush points only
// (before a model request when the last write is flushEvery old,
// after a note, at close): see [Trace] for what a crash may lose.
type writer struct {
	f       *os.File
	path    string
	buf     []byte
	section int // where in buf the section being written starts
	// dyn holds the section's text that did not come from the runtime
	// (names, messages, arguments, results, errors), one field a line:
	// when Redact finds nothing there, the section needs no redaction.
	dyn     []byte
	flushed int64 // bytes already written to f
	// lastFlush is when buf was last written out (or the file opened).
	lastFlush time.Time
	lim       limits
	failed    bool // a write failed: nothing more is written
	cut       bool // the file reached lim.file: nothing more is written
	logger    *slog.Logger

	// What is already in the file, so nothing big is written twice.
	sent      int    // messages of the conversation recorded so far
	lastSent  msgKey // the last of them, to notice a rewritten conversation
	tools     []string
	respCall  int // the model call whose response was recorded last (0: none)
	resp      respKey
	results   []resultKey // tool results recorded since the last request
	resultBuf [8]resultKey
	// ran holds the tool calls (by ID) that have an attempt or a denial
	// written; open counts the calls started and not ended, and parallel
	// says the turn runs more than one at once (see tools.go).
	ran      map[string]bool
	open     int
	parallel bool
}

// bufPool and dynPool recycle the per-run buffers (buf and
// dyn); buffers grown past maxPooledBuf by an uncapped section are
// left to the collector.
var (
	bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}
	dynPool = sync.Pool{New: func() any { b := make([]byte, 0, 1<<10); return &b }}
)

const maxPooledBuf = 64 << 10

// flushEvery is the least time between two writes at step
// boundaries: a write costs microseconds, so after a millisecond it is
// cheap; steps faster than that are written together (see Trace).
const flushEvery = time.Millisecond

func newWriter(f *os.File, path string, lim limits) *writer {
	tr := &writer{f: f, path: path, lim: lim, lastFlush: time.Now()}
	tr.buf = (*bufPool.Get().(*[]byte))[:0]
	tr.dyn = (*dynPool.Get().(*[]byte))[:0]
	tr.results = tr.resultBuf[:0]
	return tr
}

// off reports whether nothing should be recorded: no trace, a write
// failed, the file was cut, or it is closed.
func (tr *writer) off() bool { return tr == nil || tr.f == nil || tr.failed || tr.cut }

// str appends s as is (a label; redacted with its section like the rest).
func (tr *writer) str(s string) { tr.buf = append(tr.buf, s...) }

// num appends n in decimal.
func (tr *writer) num(n int) { tr.buf = strconv.AppendInt(tr.buf, int64(n), 10) }

// begin starts a section: a record of one step.
func (tr *writer) begin() { tr.section, tr.dyn = len(tr.buf), tr.dyn[:0] }

// end closes a section: it redacts it, applies the file cap and, when
// flush is set, writes the buffer out.
//
// Redaction first looks at the section's fields alone (dyn): the labels
// around them hold no secret, so when the fields hold none (the common
// case) the section is left as it is; otherwise the whole section is
// redacted. Redact returns its argument or a new string, and buf and dyn
// are not touched until its result has been used, so viewing them as
// strings saves a copy of every section.
func (tr *writer) end(flush bool) {
	if len(tr.dyn) > 0 && redacts(tr.dyn) && len(tr.buf) > tr.section {
		s := unsafe.String(&tr.buf[tr.section], len(tr.buf)-tr.section)
		if r := secret.Redact(s); !sameString(r, s) {
			tr.buf = append(tr.buf[:tr.section], r...)
		}
	}
	if tr.lim.file > 0 && tr.flushed+int64(len(tr.buf)) > tr.lim.file {
		tr.cutFile()
		flush = true
	}
	if flush {
		tr.flush()
	}
}

// fileCutPrefix starts the last line of a file cut by MaxFileBytes:
// "=== trace cut: the file reached Trace.MaxFileBytes (N bytes); later
// records were dropped ===". fileCutMarkerRoom is kept free for it.
const (
	fileCutPrefix     = "=== trace cut: "
	fileCutMarkerRoom = 128
)

// cutFile trims the buffer so that it and the marker fit in lim.file.
func (tr *writer) cutFile() {
	keep := tr.lim.file - tr.flushed - int64(fileCutMarkerRoom)
	keep = max(keep, 0)
	if keep < int64(len(tr.buf)) {
		tr.buf = tr.buf[:runeStartBefore(tr.buf, int(keep))]
	}
	tr.buf = append(tr.buf, "\n"+fileCutPrefix+"the file reached Trace.MaxFileBytes ("...)
	tr.buf = strconv.AppendInt(tr.buf, tr.lim.file, 10)
	tr.buf = append(tr.buf, " bytes); later records were dropped ===\n"...)
	tr.cut = true
}

// recycle puts b back in pool unless an uncapped section grew it big.
func recycle(pool *sync.Pool, b []byte) {
	if cap(b) > 0 && cap(b) <= maxPooledBuf {
		b = b[:0]
		pool.Put(&b)
	}
}

// redacts reports whether Redact changes b.
func redacts(b []byte) bool {
	s := unsafe.String(&b[0], len(b))
	return !sameString(secret.Redact(s), s)
}

// sameString reports whether a and b are the same string in memory.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// runeStartBefore returns the largest n' ≤ n at which b can be cut
// without splitting a UTF-8 sequence.
func runeStartBefore(b []byte, n int) int {
	if n >= len(b) {
		return len(b)
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return n
}

// flush writes the buffer; a failure stops the trace with one warning.
func (tr *writer) flush() {
	if tr == nil || tr.failed || len(tr.buf) == 0 {
		return
	}
	n, err := tr.f.Write(tr.buf)
	tr.flushed += int64(n)
	tr.lastFlush = time.Now()
	tr.buf = tr.buf[:0]
	if err != nil {
		tr.fail(err)
	}
}

func (tr *writer) fail(err error) {
	tr.failed = true
	if tr.logger != nil {
		tr.logger.Warn("trace write failed; tracing of this run stopped", "trace_file", tr.path, "error", err)
	}
}

func (tr *writer) close() {
	if tr == nil || tr.f == nil {
		return
	}
	tr.flush()
	if err := tr.f.Close(); err != nil && !tr.failed {
		tr.fail(err)
	}
	tr.f = nil
	recycle(&bufPool, tr.buf)
	recycle(&dynPool, tr.dyn)
	tr.buf, tr.dyn = nil, nil
}
