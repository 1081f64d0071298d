package aigentic

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// redactMargin is how far past a cap text is kept for redaction, so a
// secret that straddles the cap is recognised before the cut (secrets are
// far shorter).
const redactMargin = 1024

// textCutMarker starts the marker that replaces the end of a text cut by
// a cap: "…[cut by Trace.<Field>: N of M bytes shown]".
const textCutMarker = "…[cut by Trace."

// text appends s redacted (see Redact) and cut to limit bytes (≤ 0: no
// cap), with a marker naming field where it was cut. Line breaks in s are
// followed by indent, so recorded text never starts a line of the file's
// own structure.
func (tr *traceRun) text(s string, limit int, field, indent string) {
	total := len(s)
	cut := false
	if limit > 0 && len(s) > limit+redactMargin {
		s, cut = s[:cutPoint(s, limit+redactMargin)], true
	}
	s = Redact(s)
	if limit > 0 && len(s) > limit {
		s, cut = s[:cutPoint(s, limit)], true
	}
	tr.lines(s, indent)
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
func (tr *traceRun) lines(s, indent string) {
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

// name appends a short runtime-provided or model-provided name (tool,
// agent, id) redacted and on one line.
func (tr *traceRun) name(s string) { tr.text(s, 256, "name", "    ") }

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
