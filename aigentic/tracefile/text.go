package tracefile

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// redactMargin is how far on each side of a cap text is checked for a
// secret straddling the cut: a secret (up to this long) cut in two would
// otherwise leave its first part unrecognisable to the redaction that
// runs over the whole section.
const redactMargin = 1024

// textCutMarker starts the marker that replaces the end of a text cut by
// a cap: " …[cut by Trace.<Field>: N of M bytes shown]". The space before
// it ends any credential pattern the kept text ends with.
const textCutMarker = " …[cut by Trace."

// text appends s cut to limit bytes (≤ 0: no cap), with a marker naming
// field where it was cut. Line breaks in s are followed by indent, so
// recorded text never starts a line of the file's own structure.
//
// s is also kept in the section's fields (dyn), which redaction looks at
// first (see end). Here s is redacted first only when the section could not see a secret whole: when
// indenting splits it (a multi-line secret, such as a PEM key), or when
// the cap cuts it (the kilobyte on each side of the cut is checked).
func (tr *writer) text(s string, limit int, field, indent string) {
	total := len(s)
	cut := limit > 0 && len(s) > limit
	multiline := indent != "" && strings.IndexByte(s, '\n') >= 0
	if cut {
		n := cutPoint(s, limit)
		lo, hi := cutPoint(s, max(n-redactMargin, 0)), cutPoint(s, n+redactMargin)
		if w := s[lo:hi]; multiline || secret.Redact(w) != w {
			s = secret.Redact(s[:hi])
			n = cutPoint(s, min(limit, len(s)))
		}
		s = s[:n]
	} else if multiline {
		s = secret.Redact(s)
	}
	tr.lines(s, indent)
	tr.dyn = append(tr.dyn, s...)
	tr.dyn = append(tr.dyn, '\n')
	if cut {
		tr.buf = append(tr.buf, textCutMarker...)
		tr.buf = append(tr.buf, field...)
		tr.buf = append(tr.buf, ": "...)
		tr.buf = strconv.AppendInt(tr.buf, int64(len(s)), 10)
		tr.buf = append(tr.buf, " of "...)
		tr.buf = strconv.AppendInt(tr.buf, int64(total), 10)
		tr.buf = append(tr.buf, " bytes shown]"...)
	}
}

// lines appends s with indent after each line break.
func (tr *writer) lines(s, indent string) {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			tr.buf = append(tr.buf, s...)
			return
		}
		tr.buf = append(tr.buf, s[:i+1]...)
		tr.buf = append(tr.buf, indent...)
		s = s[i+1:]
	}
}

// name appends a name (tool, agent, id), cut at 256 bytes.
func (tr *writer) name(s string) { tr.text(s, 256, "name", "    ") }

// cutPoint returns the largest n' ≤ n at which s can be cut without
// splitting a UTF-8 sequence.
func cutPoint(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}
