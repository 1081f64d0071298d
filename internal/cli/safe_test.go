package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

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
