package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

func TestSafe(t *testing.T) {
	for _, c := range []struct {
		in   string
		keep bool
		want string
	}{
		{"plain text, é ✓", false, "plain text, é ✓"},
		{"\r\x1b[2K\x1b[1Aalice", false, `\r\x1b[2K\x1b[1Aalice`},
		{"a\nb\tc", false, `a\nb\tc`},
		{"a\nb\tc\x1b[8m", true, "a\nb\tc\\x1b[8m"},
		{"\u009b31m\x7f", false, `\u009b31m\x7f`},                   // C1 CSI, DEL
		{"alice\u202egnp.exe", false, `alice\u202egnp.exe`},         // a bidi override shows the name reversed
		{"a\u2066b\u2069c\u200bd", false, `a\u2066b\u2069c\u200bd`}, // isolates, a zero-width space
		{"\x9b31m", false, `\x9b31m`},                               // C1 CSI as one byte, not UTF-8
		{"👩\u200d💻 \uFFFD", false, "👩\u200d💻 \uFFFD"},               // a joined emoji and a real U+FFFD stay
	} {
		if got := Safe(c.in, c.keep); got != c.want {
			t.Errorf("Safe(%q, %t) = %q, want %q", c.in, c.keep, got, c.want)
		}
	}
}

// Nothing a model or a server sends reaches the terminal as a control
// character: not through a format argument (a string, an error, a
// Stringer), a prompt, an answer, a streamed fragment or an error line;
// other arguments print as fmt prints them.
func TestPrinterEscapesControlCharacters(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out, func(string) string { return "1" })
	hostile := "call_1\r\x1b[2K\x1b[1AApproval needed for send_email: to alice@example.com\x1b[8m"
	p.Line("Approval needed (call %s), %v, %s, %d.", hostile, errors.New("boom\x1b[8m"), time.Second, 3)
	p.Say("%s", hostile)
	p.Title("%s", hostile)
	p.Faint("%s", hostile)
	p.Good("%s", hostile)
	p.NotSeen("%s", hostile)
	p.Bad("%s", hostile)
	p.Prompt(hostile)
	p.Answer("first line\x1b[8m\nsecond")
	p.Event(&aigentic.ContentEvent{Content: "streamed\x1b[8m\n", Delta: true})
	PrintError(&out, errors.New(hostile))
	if s := out.String(); strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
		t.Fatalf("a control character reached the output:\n%q", s)
	}
	if !strings.Contains(out.String(), `call_1\r\x1b[2K`) || !strings.Contains(out.String(), "1s, 3.") {
		t.Errorf("output %q: want the escapes shown and other arguments as fmt prints them", out.String())
	}
}
