package secret

import "strings"

// A secret can reach text in JSON escapes no encoder of ours writes but
// any JSON decoder reads back as the same value: "sk\u002dproj-…" is
// "sk-proj-…", "correct\u002dhorse" is "correct-horse", "a\/b" is "a/b".
// A model or a client can send a secret that way, and the text — tool
// arguments, a request body — would then carry it past the verbatim
// matching. Redact therefore also looks at such text with those escapes
// decoded (unescapeASCII) and, when that form holds a secret, returns it
// redacted in that form.

// hasEscape reports whether s holds "\u" or "\/": the escapes
// unescapeASCII decodes. It is the only cost Redact adds to text without
// them (one IndexByte scan per backslash).
func hasEscape(s string) bool {
	for {
		i := strings.IndexByte(s, '\\')
		if i < 0 || i+1 >= len(s) {
			return false
		}
		if c := s[i+1]; c == 'u' || c == '/' {
			return true
		}
		s = s[i+1:]
	}
}

// unescapeASCII returns s with each JSON escape of a printable ASCII
// character decoded: "\u002d" → "-", "\u0041" → "A" (hex digits in either
// case), "\/" → "/" — and the same escapes escaped once more, as in a JSON
// document inside a JSON string ("\\u002d" → "-", "\\/" → "/"). It leaves
// as they are: escapes of '"' and '\' (decoding them would change where a
// JSON string ends), of control characters and of anything beyond ASCII
// (surrogate pairs included: no secret pattern or registered form needs
// them decoded, and a lone surrogate has no character to decode to), and
// anything that is not a complete escape ("\u12", "\uZZZZ", a trailing
// "\"). A run of backslashes is read as JSON reads it: an odd run ends
// in an escape, a run of 2 mod 4 ends in a twice-escaped one, other runs
// are literal backslashes. In valid JSON the result is the same JSON
// value (a twice-escaped form counts as one only inside JSON in a JSON
// string; in plain JSON, "\\u0041" is a backslash and text, which the
// decoded form reads as "A" — a form only used when it holds a secret). It never fails;
// it returns s itself when there is nothing to decode.
func unescapeASCII(s string) string {
	var b strings.Builder
	last := 0 // s[last:i] is not yet copied to b
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			i++
			continue
		}
		// A run of k backslashes, then what they escape at s[e]. In
		// JSON, k odd escapes s[e]; in JSON inside a JSON string, the
		// outer level pairs them, so k = 2 mod 4 escapes s[e] there; any
		// other k is literal backslashes.
		e := i
		for e < len(s) && s[e] == '\\' {
			e++
		}
		k := e - i
		esc := 1 // backslashes that belong to the escape
		if k%4 == 2 {
			esc = 2
		} else if k%2 == 0 {
			i = e
			continue
		}
		n, c := 0, byte(0) // the escape's length after its backslashes, its character
		if e < len(s) && s[e] == '/' {
			n, c = 1, '/'
		} else if r, ok := hex4(s, e); ok && r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			n, c = 5, byte(r)
		}
		if n == 0 {
			i = e
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last : e-esc])
		b.WriteByte(c)
		i = e + n
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// hex4 reads "u" and four hex digits at s[j:] and returns their value.
func hex4(s string, j int) (rune, bool) {
	if j+5 > len(s) || s[j] != 'u' {
		return 0, false
	}
	var r rune
	for k := j + 1; k < j+5; k++ {
		d, ok := hexDigit(s[k])
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// A URL can carry a secret percent-encoded ("/%73k-live-…" is
// "/sk-live-…" to every server that reads the path), past the verbatim
// matching. Redact also looks at text holding a "%" with its
// percent-escapes of printable ASCII decoded (unescapePercent) and, when
// that form holds a secret, returns it redacted in that form.

// unescapePercent returns s with each "%XX" (RFC 3986 §2.1, hex digits in
// either case) that encodes a printable ASCII character other than the
// space and "%" decoded: "%73k" → "sk", "%2D" → "-". Anything else — an
// incomplete escape ("100%", "%7"), a control character, a byte beyond
// ASCII — is left as it is. It never fails; it returns s itself when
// there is nothing to decode.
func unescapePercent(s string) string {
	var b strings.Builder
	last := 0 // s[last:i] is not yet copied to b
	for i := strings.IndexByte(s, '%'); i >= 0 && i+2 < len(s); {
		hi, ok1 := hexDigit(s[i+1])
		lo, ok2 := hexDigit(s[i+2])
		if c := hi<<4 | lo; ok1 && ok2 && c > ' ' && c < 0x7f && c != '%' {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last:i])
			b.WriteByte(c)
			last = i + 3
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// hexDigit is the value of the hex digit c.
func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
