package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Safe returns s with every control character a terminal would act on —
// C0 (escape, carriage return, backspace, newline…), DEL and C1 — written
// as a Go escape (`\x1b`, `\r`, `\n`), so that text from a model, a tool
// or a server cannot move the cursor, erase or conceal what the user sees,
// or forge a line: a tool call ID of "\r\x1b[2K…" once hid the real
// recipient of an e-mail the user was asked to approve. With keepLines,
// newlines and tabs pass (a streamed answer, printed whole).
func Safe(s string, keepLines bool) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && !(keepLines && (r == '\n' || r == '\t')) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case unicode.IsControl(r):
			q := strconv.QuoteRune(r) // '\x1b'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// safeArgs makes fmt arguments safe to print: a string, error or
// Stringer whose text holds a control character is replaced by its Safe
// text (on one line); other arguments are left as they are, for fmt.
func safeArgs(args []any) []any {
	out := args
	for i, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case error:
			s = v.Error()
		case fmt.Stringer:
			s = v.String()
		default:
			continue
		}
		if t := Safe(s, false); t != s {
			if len(out) > 0 && &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[i] = t
		}
	}
	return out
}
