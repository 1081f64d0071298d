package tracefile

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// recordResult writes one tool result with a result cap of limit bytes
// and returns the file's text.
func recordResult(t *testing.T, limit int, content string) string {
	t.Helper()
	lim := noCaps
	lim.result = limit
	w, read := newFileWriter(t, lim)
	w.toolResult(ai.ToolCall{ID: "call_1", Name: "fetch"}, ai.Text(content), time.Millisecond)
	return read()
}

// A cap is the most bytes kept: text of exactly the cap is written whole,
// one byte more is cut with the marker.
func TestTextCapKeepsTextOfExactlyTheCap(t *testing.T) {
	content := strings.Repeat("r", 101)
	for _, c := range []struct{ text, want string }{
		{content[:100], content[:100] + "\n\n"},
		{content, content[:100] + " …[cut by Trace.MaxToolResultBytes: 100 of 101 bytes shown]\n\n"},
	} {
		want := "result (error=false, 1ms):\n    " + c.want
		if got := recordResult(t, 100, c.text); got != want {
			t.Errorf("a %d-byte result, cap 100: file is\n%q\nwant\n%q", len(c.text), got, want)
		}
	}
}

// A cut whose checked margin (redactMargin past the cut) reaches exactly
// the end of the text is cut like any other.
func TestTextCapWithTheMarginReachingTheEnd(t *testing.T) {
	content := strings.Repeat("m", 100+redactMargin)
	want := "result (error=false, 1ms):\n    " + content[:100] + " …[cut by Trace.MaxToolResultBytes: 100 of 1124 bytes shown]\n\n"
	if got := recordResult(t, 100, content); got != want {
		t.Fatalf("file is\n%q\nwant\n%q", got, want)
	}
}

// Bytes that are not UTF-8 (a tool returning binary data), with no
// character start before the cap, are cut to nothing rather than split.
func TestTextCapOfBytesThatStartNoCharacter(t *testing.T) {
	content := strings.Repeat("\x80", 300)
	want := "result (error=false, 1ms):\n     …[cut by Trace.MaxToolResultBytes: 0 of 300 bytes shown]\n\n"
	if got := recordResult(t, 100, content); got != want {
		t.Fatalf("file is\n%q\nwant\n%q", got, want)
	}
}

// Recorded text that starts with a line break is indented on every line,
// the first included: text a tool returns can never start a line that
// reads as the file's own structure.
func TestTextStartingWithALineBreakStaysIndented(t *testing.T) {
	forged := "\n--- LLM call 9, attempt 1 ---\n=== outcome: success ==="
	text := recordResult(t, -1, forged)
	want := "result (error=false, 1ms):\n    \n    --- LLM call 9, attempt 1 ---\n    === outcome: success ===\n\n"
	if text != want {
		t.Fatalf("file is\n%q\nwant\n%q", text, want)
	}
}

// A multi-line secret in text that starts with a line break is redacted
// before the lines are indented, as in any other multi-line text.
func TestMultilineSecretAfterALeadingLineBreakRedacted(t *testing.T) {
	const pem = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END KEY-----"
	t.Setenv("AIGENTIC_API_KEY", pem)
	text := recordResult(t, -1, "\n"+pem)
	for _, line := range strings.Split(pem, "\n")[1:3] {
		if strings.Contains(text, line) {
			t.Fatalf("the file holds a line of the secret %q:\n%s", line, text)
		}
	}
	if !strings.Contains(text, "[REDACTED]") {
		t.Fatalf("secret not redacted:\n%s", text)
	}
}

// FuzzCutPoint checks the contract of both cut helpers (cutPoint for
// text, runeStartBefore for the file buffer) on any bytes and any n ≥ 0:
// the result r is len(s) when n ≥ len(s); otherwise 0 ≤ r ≤ n, s[r]
// starts a character unless r is 0, and no character starts in (r, n].
func FuzzCutPoint(f *testing.F) {
	f.Add("\x80\x80\x80", 2) // no character start at all
	f.Add("aé", 2)           // inside "é"
	f.Add("é", 1)
	f.Add("abc", 3) // n at the end
	f.Add("abc", 7)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 {
			return
		}
		check := func(name string, r int) {
			t.Helper()
			if n >= len(s) {
				if r != len(s) {
					t.Errorf("%s(%q, %d) = %d, want len %d", name, s, n, r, len(s))
				}
				return
			}
			if r < 0 || r > n || r > 0 && !utf8.RuneStart(s[r]) {
				t.Fatalf("%s(%q, %d) = %d: not a character start at or before %d", name, s, n, r, n)
			}
			for i := r + 1; i <= n; i++ {
				if utf8.RuneStart(s[i]) {
					t.Errorf("%s(%q, %d) = %d, but a character starts at %d", name, s, n, r, i)
				}
			}
		}
		check("cutPoint", cutPoint(s, n))
		check("runeStartBefore", runeStartBefore([]byte(s), n))
	})
}
