package tracefile

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// noCaps are limits with every cap off.
var noCaps = limits{file: -1, argument: -1, result: -1, response: -1}

// newFileWriter returns a writer on a new file under t.TempDir() with
// the caps lim, and read, which closes the writer and returns what the
// file holds.
func newFileWriter(t *testing.T, lim limits) (w *writer, read func() string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trace.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w = newWriter(f, path, lim)
	return w, func() string {
		t.Helper()
		w.close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// fileCutLine is the last line of a file cut at size bytes.
func fileCutLine(size int) string {
	return "\n=== trace cut: the file reached Trace.MaxFileBytes (" + strconv.Itoa(size) + " bytes); later records were dropped ===\n"
}

// MaxFileBytes is the largest size allowed, not the first size cut: a
// file that reaches it exactly keeps everything; one byte more is cut.
func TestFileCapAllowsExactlyMaxFileBytes(t *testing.T) {
	note := strings.Repeat("n", 299) + "\n" // 300 bytes
	for _, c := range []struct {
		size int
		want string
	}{
		{300, note},
		{299, note[:299-fileCutMarkerRoom] + fileCutLine(299)},
	} {
		lim := noCaps
		lim.file = int64(c.size)
		w, read := newFileWriter(t, lim)
		w.note("%s", note)
		if got := read(); got != c.want {
			t.Errorf("MaxFileBytes %d, a 300-byte note: file is\n%q\nwant\n%q", c.size, got, c.want)
		}
	}
}

// The cut counts what earlier flushes already wrote: the file as a whole,
// not the last buffer, stays within MaxFileBytes.
func TestFileCapCountsBytesAlreadyWritten(t *testing.T) {
	const size = 400
	lim := noCaps
	lim.file = size
	w, read := newFileWriter(t, lim)
	first := strings.Repeat("a", 199) + "\n"
	second := strings.Repeat("b", 299) + "\n"
	w.note("%s", first) // a note is flushed: 200 bytes written
	w.note("%s", second)
	got := read()
	if len(got) > size {
		t.Fatalf("file is %d bytes, MaxFileBytes %d", len(got), size)
	}
	if want := first + second[:size-len(first)-fileCutMarkerRoom] + fileCutLine(size); got != want {
		t.Fatalf("file is\n%q\nwant\n%q", got, want)
	}
}

// A file cut inside a multi-byte character keeps the text before the
// character: the file stays valid UTF-8.
func TestFileCapNeverSplitsACharacter(t *testing.T) {
	lim := noCaps
	lim.file = fileCutMarkerRoom + 11 // room for 5½ "é"
	w, read := newFileWriter(t, lim)
	w.note("%s", strings.Repeat("é", 100))
	got := read()
	if want := strings.Repeat("é", 5) + fileCutLine(fileCutMarkerRoom+11); got != want {
		t.Fatalf("file is\n%q\nwant\n%q", got, want)
	}
	if !utf8.ValidString(got) {
		t.Fatal("file is not valid UTF-8")
	}
}

// A secret in a section written after others still in the buffer is
// redacted in place: the section is replaced by its redacted text and
// nothing else (no bytes from past the buffer's end).
func TestRedactionOfALaterSectionReplacesOnlyThatSection(t *testing.T) {
	const key = "opaqueTokenValue1234567890"
	t.Setenv("AIGENTIC_API_KEY", key)
	w, read := newFileWriter(t, noCaps)
	started := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	w.header(&Trace{SessionID: "trc_1"}, &hook.RunInfo{ID: "run_1", AgentName: "a", SessionID: "ses_1", Model: "m", Started: started, MaxLLMCalls: 10})
	w.modelResponse(1, 1, &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "the key is " + key + "."}, FinishReason: "stop"}, time.Millisecond)
	want := "=== aigentic trace ===\ntrace session: trc_1\nsession: ses_1\nrun: run_1\nagent: a\nmodel: m\n" +
		"started: 2026-11-29T12:00:00Z\nmax_llm_calls: 10\nretries: 0\n\n" +
		"response of LLM call 1, attempt 1: ok in 1ms, tokens in=0 out=0, finish=stop\n  [assistant]\n    the key is [REDACTED].\n\n"
	if got := read(); got != want {
		t.Fatalf("file is\n%q\nwant\n%q", got, want)
	}
}

// A secret exactly as long as the placeholder is redacted too: the
// writer notices a redaction by the text it gets back, not by its length.
func TestSecretAsLongAsThePlaceholderIsRedacted(t *testing.T) {
	const key = "tok3n-0123" // len("[REDACTED]")
	if len(key) != len("[REDACTED]") {
		t.Fatal("the key must be as long as the placeholder")
	}
	t.Setenv("AIGENTIC_API_KEY", key)
	w, read := newFileWriter(t, noCaps)
	w.toolResult(ai.ToolCall{ID: "call_1", Name: "vault"}, ai.Text("use "+key+" now"), time.Millisecond)
	got := read()
	if strings.Contains(got, key) || !strings.Contains(got, "use [REDACTED] now") {
		t.Fatalf("the key was not redacted:\n%s", got)
	}
}

// recycle keeps a run's buffers for the next run unless a section grew
// them past maxPooledBuf (64 KiB): those are left to the collector.
//
// sync.Pool promises no Get returns what Put stored (the race detector
// drops a quarter of Puts on purpose), so a pooled size must come back
// most of the time, and an unpooled one never.
func TestRecycleKeepsBuffersUpToMaxPooledBuf(t *testing.T) {
	for _, c := range []struct {
		cap    int
		pooled bool
	}{
		{4 << 10, true},
		{maxPooledBuf, true},
		{maxPooledBuf + 1, false},
	} {
		var pool sync.Pool
		back := 0
		for i := 0; i < 100; i++ {
			recycle(&pool, make([]byte, 10, c.cap))
			if b, ok := pool.Get().(*[]byte); ok {
				if cap(*b) != c.cap || len(*b) != 0 {
					t.Fatalf("pool returned a buffer of len %d cap %d, want an empty one of cap %d", len(*b), cap(*b), c.cap)
				}
				back++
			}
		}
		if c.pooled && back < 50 || !c.pooled && back != 0 {
			t.Errorf("cap %d: %d of 100 buffers came back from the pool; pooled = %t", c.cap, back, c.pooled)
		}
	}
}
