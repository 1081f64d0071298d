package untrusted

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Terminal returns s ready to print on a terminal: every character that
// could change what the user sees is written as a Go escape instead —
// control characters a terminal acts on (C0: escape, carriage return,
// backspace, newline…; DEL; C1), so that text from a model, a tool or a
// server cannot move the cursor, erase or conceal what is shown, or forge
// a line (a tool call ID of "\r\x1b[2K…" once hid the real recipient of an
// e-mail the user was asked to approve); invisible format characters
// (Unicode category Cf: bidirectional overrides and isolates such as
// U+202E, which show "alice\u202egnp.exe" reversed, zero-width spaces,
// tags), except the zero-width joiner emoji need; and bytes that are not
// UTF-8, as \xNN. With keepLines, newlines and tabs pass (an answer
// printed whole). Text with nothing to escape is returned as it is,
// without allocating.
func Terminal(s string, keepLines bool) string {
	unsafe := func(r rune) bool {
		return (unicode.IsControl(r) && !(keepLines && (r == '\n' || r == '\t'))) || unicode.Is(unicode.Cf, r) && r != '\u200d'
	}
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafe) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i]) // a byte that is not UTF-8
		case unsafe(r):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
