package untrusted

import "testing"

// What a model, a tool or a server sends cannot act on the terminal: each
// control or invisible format character, and each byte that is not UTF-8,
// is shown as an escape; newlines and tabs pass only with keepLines.
func TestTerminal(t *testing.T) {
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
		if got := Terminal(c.in, c.keep); got != c.want {
			t.Errorf("Terminal(%q, %t) = %q, want %q", c.in, c.keep, got, c.want)
		}
	}
}
