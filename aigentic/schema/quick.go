package schema

import "strconv"

// quickValid reports whether raw is, for certain, a JSON object that the
// flat schema accepts, without building a map. It answers false whenever
// it is not sure — escapes in keys, nested values, duplicate keys, unusual
// number forms, number enums — and the caller then takes the full path
// (decode to a map, validate with the library's semantics) which also
// writes the error message. So a false here is never a verdict, and a true
// is only given for inputs whose validity is plain.
func (v *flatValidator) quickValid(raw string) bool {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipWS(raw, i+1)
	const maxKeys = 16
	var seen [maxKeys]string
	n := 0
	if i < len(raw) && raw[i] == '}' {
		i++
	} else {
		for {
			if i >= len(raw) || raw[i] != '"' {
				return false
			}
			key, next, escaped, ok := scanString(raw, i)
			if !ok || escaped {
				return false
			}
			i = skipWS(raw, next)
			if i >= len(raw) || raw[i] != ':' {
				return false
			}
			i = skipWS(raw, i+1)
			if n == maxKeys {
				return false
			}
			for _, k := range seen[:n] {
				if k == key {
					return false
				}
			}
			seen[n] = key
			n++
			p, known := v.props[key]
			if !known && v.closed {
				return false
			}
			next, ok = v.scanValue(raw, i, p, known)
			if !ok {
				return false
			}
			i = skipWS(raw, next)
			if i < len(raw) && raw[i] == ',' {
				i = skipWS(raw, i+1)
				continue
			}
			if i < len(raw) && raw[i] == '}' {
				i++
				break
			}
			return false
		}
	}
	if skipWS(raw, i) != len(raw) {
		return false
	}
	for _, r := range v.required {
		found := false
		for _, k := range seen[:n] {
			if k == r {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// scanValue checks one value at raw[i:] against p (any primitive when the
// property is unknown and extra properties are allowed) and returns the
// index after it.
func (v *flatValidator) scanValue(raw string, i int, p flatProp, known bool) (int, bool) {
	if i >= len(raw) {
		return 0, false
	}
	switch c := raw[i]; {
	case c == '"':
		s, next, escaped, ok := scanString(raw, i)
		if !ok || known && p.typ != "string" {
			return 0, false
		}
		if known && p.enum != nil {
			if escaped {
				return 0, false
			}
			hit := false
			for _, e := range p.enum {
				if es, isStr := e.(string); isStr && es == s {
					hit = true
					break
				}
			}
			if !hit {
				return 0, false
			}
		}
		return next, true
	case c == '-' || c >= '0' && c <= '9':
		next, integer, ok := scanNumber(raw, i)
		if !ok || known && (p.enum != nil || !(p.typ == "number" || p.typ == "integer" && integer)) {
			return 0, false
		}
		if known && (p.hasMin || p.hasMax) {
			x, ok := numberValue(raw[i:next], integer)
			if !ok || !p.inBounds(x) {
				return 0, false
			}
		}
		return next, true
	case c == 't' || c == 'f':
		word := "true"
		if c == 'f' {
			word = "false"
		}
		if len(raw)-i < len(word) || raw[i:i+len(word)] != word || known && (p.typ != "boolean" || p.enum != nil) {
			return 0, false
		}
		return i + len(word), true
	}
	return 0, false // null, objects, arrays: let the full path decide
}

// scanString scans the JSON string starting at raw[i] == '"' and returns
// its raw contents (escapes left as they are), the index after it, and
// whether it had escapes. Control characters make it invalid.
func scanString(raw string, i int) (s string, next int, escaped, ok bool) {
	for j := i + 1; j < len(raw); j++ {
		switch c := raw[j]; {
		case c == '"':
			return raw[i+1 : j], j + 1, escaped, true
		case c == '\\':
			escaped = true
			if j+1 >= len(raw) {
				return "", 0, false, false
			}
			switch raw[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+5 >= len(raw) || !isHex4(raw[j+2:j+6]) {
					return "", 0, false, false
				}
				j += 5
			default:
				return "", 0, false, false
			}
		case c < 0x20:
			return "", 0, false, false
		}
	}
	return "", 0, false, false
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// scanNumber accepts only the plain forms -?(0|[1-9][0-9]{0,14}) with an
// optional fraction: integer reports a form without a fraction. Exponents,
// very long numbers and anything odd answer false (the full path decides).
func scanNumber(raw string, i int) (next int, integer, ok bool) {
	j := i
	if raw[j] == '-' {
		j++
	}
	start := j
	for j < len(raw) && raw[j] >= '0' && raw[j] <= '9' {
		j++
	}
	digits := j - start
	if digits == 0 || digits > 15 || digits > 1 && raw[start] == '0' {
		return 0, false, false
	}
	integer = true
	if j < len(raw) && raw[j] == '.' {
		j++
		fs := j
		for j < len(raw) && raw[j] >= '0' && raw[j] <= '9' {
			j++
		}
		if j == fs || j-fs > 15 {
			return 0, false, false
		}
		integer = false
	}
	if j < len(raw) && (raw[j] == 'e' || raw[j] == 'E') {
		return 0, false, false
	}
	return j, integer, true
}

// numberValue is the float64 encoding/json decodes from num, a number
// scanNumber accepted: an integer of at most 15 digits is exact as an
// int64 and as a float64, so it is read here without strconv.
func numberValue(num string, integer bool) (float64, bool) {
	if !integer {
		f, err := strconv.ParseFloat(num, 64)
		return f, err == nil
	}
	neg := num[0] == '-'
	if neg {
		num = num[1:]
	}
	var n int64
	for i := 0; i < len(num); i++ {
		n = n*10 + int64(num[i]-'0')
	}
	if neg {
		return -float64(n), true
	}
	return float64(n), true
}

func skipWS(raw string, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}
