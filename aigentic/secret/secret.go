package secret

import (
	"encoding/json"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Placeholder replaces every secret [Redact] finds.
const Placeholder = "[REDACTED]"

// MinLen is the length in bytes, after trimming spaces, from which
// [Register] accepts a value; shorter values are ignored (see the package
// documentation for why).
const MinLen = 8

// watchedEnv are the environment variables Redact reads on every call.
var watchedEnv = [...]string{"OPENAI_API_KEY", "AIGENTIC_API_KEY"}

// registry is an immutable snapshot: Register publishes a new one.
type registry struct {
	values map[string]struct{} // registered values, trimmed
	forms  []string            // every form of every value, longest first
}

var (
	mu      sync.Mutex // serialises Register
	current atomic.Pointer[registry]
	environ sync.Once
)

func init() { current.Store(&registry{values: map[string]struct{}{}}) }

// Register makes each value a secret [Redact] removes, with its JSON- and
// URL-encoded forms. Leading and trailing spaces are trimmed; values shorter
// than [MinLen] are ignored. Safe for concurrent use; registering a value
// again does nothing.
func Register(values ...string) {
	var add []string
	r := current.Load()
	for _, v := range values {
		v = strings.TrimSpace(v)
		if _, ok := r.values[v]; !ok && len(v) >= MinLen {
			add = append(add, v)
		}
	}
	if len(add) == 0 {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	old := current.Load()
	next := &registry{values: make(map[string]struct{}, len(old.values)+len(add)), forms: slices.Clone(old.forms)}
	for v := range old.values {
		next.values[v] = struct{}{}
	}
	for _, v := range add {
		if _, ok := next.values[v]; ok {
			continue
		}
		next.values[v] = struct{}{}
		for _, f := range forms(v) {
			if !slices.Contains(next.forms, f) {
				next.forms = append(next.forms, f)
			}
		}
	}
	// Longest first, so a value containing another is replaced whole.
	slices.SortStableFunc(next.forms, func(a, b string) int { return len(b) - len(a) })
	current.Store(next)
}

// Registered reports whether value (trimmed) is a registered secret.
func Registered(value string) bool {
	_, ok := current.Load().values[strings.TrimSpace(value)]
	return ok
}

// forms returns v and the distinct forms it takes inside JSON strings and
// URLs.
func forms(v string) []string {
	out := []string{v}
	add := func(f string) {
		if len(f) >= MinLen && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	once, plain := jsonString(v, true), jsonString(v, false)
	add(once)
	add(plain)
	add(jsonString(once, true)) // JSON inside a JSON string
	add(jsonString(plain, false))
	add(asciiJSON(once))
	add(asciiJSON(plain))
	add(url.QueryEscape(v))
	add(url.PathEscape(v))                 // one path segment
	add((&url.URL{Path: v}).EscapedPath()) // a path, "/" kept
	return out
}

// jsonString is v as encoding/json writes it inside quotes.
func jsonString(v string, escapeHTML bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(v)
	s := strings.TrimSuffix(b.String(), "\n")
	return s[1 : len(s)-1]
}

// asciiJSON is s, already JSON-escaped, with every non-ASCII rune as
// \uXXXX (UTF-16), as encoders that keep their output ASCII write it.
func asciiJSON(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			writeU(&b, 0xD800+(r>>10))
			writeU(&b, 0xDC00+(r&0x3FF))
		default:
			writeU(&b, r)
		}
	}
	return b.String()
}

func writeU(b *strings.Builder, r rune) {
	const hex = "0123456789abcdef"
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hex[(r>>shift)&0xF])
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Redact returns s with every secret the process holds replaced by
// [Placeholder]: registered values and their encoded forms, the current
// values of OPENAI_API_KEY and AIGENTIC_API_KEY, and the credential patterns (see the package
// documentation) — also when written with JSON escapes of printable ASCII
// characters ("sk\u002dproj-…", "a\/b"): then the text is returned with
// those escapes decoded and the secret replaced, the same JSON value
// without the secret; and the same for percent-escapes, as in a URL
// ("/%73k-live-…"). Text without secrets is returned as it is,
// unallocated.
// Safe for concurrent use.
func Redact(s string) string {
	if len(s) < MinLen {
		// No registered value is this short, and no pattern matches
		// fewer than MinLen bytes ("apikey=x" is the shortest).
		return s
	}
	environ.Do(RegisterEnviron)
	watchEnv()
	s = redactPlain(s)
	if hasEscape(s) {
		// A secret may be spelled with JSON escapes ("sk\u002dproj-…"):
		// look again with them decoded (see unescapeASCII).
		if d := unescapeASCII(s); d != s {
			if r := redactPlain(d); r != d {
				return r
			}
		}
	}
	if strings.IndexByte(s, '%') >= 0 {
		// A secret may be percent-encoded in a URL ("/%73k-live-…"): look
		// again with the escapes decoded (see unescapePercent).
		if d := unescapePercent(s); d != s {
			if r := redactPlain(d); r != d {
				return r
			}
		}
	}
	return s
}

// redactPlain replaces the registered forms and the patterns found in s
// as it is written.
func redactPlain(s string) string {
	for _, f := range current.Load().forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Placeholder)
		}
	}
	return redactCustom(redactPatterns(s))
}

// watchEnv registers the current values of watchedEnv.
func watchEnv() {
	r := current.Load()
	for _, name := range watchedEnv {
		v := strings.TrimSpace(os.Getenv(name))
		if len(v) < MinLen {
			continue
		}
		if _, ok := r.values[v]; !ok {
			Register(v)
		}
	}
}
