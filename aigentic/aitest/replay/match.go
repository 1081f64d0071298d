package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aymanbagabas/go-udiff"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// maxChanges bounds the changes a MismatchError lists.
const maxChanges = 10

// body is a request body as the matcher sees it.
type body struct {
	json bool
	v    any    // the decoded JSON, ignored fields removed
	text string // indented JSON with sorted keys, or the raw text
}

// normalize reads a request body for matching: secrets redacted (the
// recording holds them redacted), then, for JSON, decoded, the ignored
// fields removed, and re-encoded indented with sorted keys — so key order,
// white space and number spelling (1.0, 1) never matter.
func normalize(raw []byte, ignore [][]string) body {
	text := secret.Redact(string(raw))
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return body{}
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(trimmed))
	if err := dec.Decode(&v); err != nil || dec.More() {
		return body{text: text}
	}
	for _, p := range ignore {
		remove(v, p)
	}
	return body{json: true, v: v, text: indent(v)}
}

// indent encodes v indented, keys sorted, without HTML escaping.
func indent(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return b.String()
}

// remove deletes the field at path (object keys) from v, if present.
func remove(v any, path []string) {
	for i, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if i == len(path)-1 {
			delete(m, k)
			return
		}
		v = m[k]
	}
}

// sameRequest reports whether a live request (method, URL, normalised
// body) is the recorded one. The scheme, host and headers never matter:
// a recording made against one server replays for a client configured
// with another, and headers carry per-call and per-machine values.
func sameRequest(method string, u *url.URL, b body, rec *exchange) bool {
	if method != rec.method || u.Path != rec.path || canonicalQuery(u) != rec.query {
		return false
	}
	if b.json != rec.body.json {
		return false
	}
	return b.text == rec.body.text
}

// canonicalQuery is the URL's query, redacted, keys sorted.
func canonicalQuery(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return secret.Redact(u.Query().Encode())
}

// describe builds the mismatch report of a live request against a
// recorded exchange (nil: none left).
func describe(e *MismatchError, b body, rec *exchange) *MismatchError {
	if rec == nil {
		e.Nearest = -1
		return e
	}
	e.Nearest = rec.id
	if rec.method != e.Method || rec.path != e.Path {
		e.Changes = append(e.Changes, fmt.Sprintf("endpoint: recorded %s %s, sent %s %s", rec.method, rec.path, e.Method, e.Path))
	}
	if b.json && rec.body.json {
		changes("", rec.body.v, b.v, &e.Changes)
	} else if b.text != rec.body.text {
		e.Changes = append(e.Changes, "body: "+stringChange(rec.body.text, b.text))
	}
	if len(e.Changes) > maxChanges {
		e.Changes = append(e.Changes[:maxChanges], "…")
	}
	e.Diff = udiff.Unified(fmt.Sprintf("recorded (exchange %d)", rec.id), fmt.Sprintf("sent (request %d)", e.Request), rec.body.text, b.text)
	return e
}

// changes appends, to out, where b differs from a: one line per
// differing leaf, named by its JSON path (messages[0].content).
func changes(path string, a, b any, out *[]string) {
	if len(*out) > maxChanges {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			x, inA := av[k]
			y, inB := bv[k]
			switch {
			case !inB:
				*out = append(*out, fmt.Sprintf("%s: removed (recorded %s)", p, short(x)))
			case !inA:
				*out = append(*out, fmt.Sprintf("%s: added (sent %s)", p, short(y)))
			default:
				changes(p, x, y, out)
			}
		}
		return
	case []any:
		bv, ok := b.([]any)
		if !ok {
			break
		}
		n := min(len(av), len(bv))
		for i := 0; i < n; i++ {
			changes(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i], out)
		}
		if len(av) != len(bv) {
			*out = append(*out, fmt.Sprintf("%s: %d items recorded, %d sent", orRoot(path), len(av), len(bv)))
		}
		return
	case string:
		if bv, ok := b.(string); ok {
			if av != bv {
				*out = append(*out, orRoot(path)+": "+stringChange(av, bv))
			}
			return
		}
	}
	if indent(a) != indent(b) {
		*out = append(*out, fmt.Sprintf("%s: recorded %s, sent %s", orRoot(path), short(a), short(b)))
	}
}

func orRoot(path string) string {
	if path == "" {
		return "(body)"
	}
	return path
}

// short is v as compact JSON, cut to 80 bytes.
func short(v any) string {
	b, _ := json.Marshal(v)
	return cut(string(b), 80)
}

// stringChange shows two strings around their first difference.
func stringChange(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	from := max(0, i-30)
	for from > 0 && !utf8.RuneStart(a[from]) {
		from--
	}
	return fmt.Sprintf("recorded %s, sent %s", around(a, from, i), around(b, from, i))
}

// around quotes s from from to 40 bytes past at, with ellipses where cut.
func around(s string, from, at int) string {
	end := min(len(s), at+40)
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	q := fmt.Sprintf("%q", s[from:end])
	if from > 0 {
		q = "…" + q
	}
	if end < len(s) {
		q += "…"
	}
	return q
}

// cut cuts s to n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
