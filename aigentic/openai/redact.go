package openai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	oai "github.com/openai/openai-go/v3"
)

// kindError ties a sentinel kind to the underlying cause, so that both
// match errors.Is. Its text is redacted; the cause's own text is never
// printed by it.
type kindError struct {
	kind  error // one of the sentinels above, or nil
	text  string
	cause error
}

func (e *kindError) Error() string { return e.text }

func (e *kindError) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// redactor removes the API key from any text built from a server's answer
// or a transport error. Keys shorter than minRedacted are placeholders
// ("x", "no") that local servers ignore: replacing them everywhere would
// garble every message and protect nothing.
type redactor string

// minRedacted is the length from which a key is treated as a secret.
const minRedacted = 4

func newRedactor(key string) redactor {
	if len(key) < minRedacted {
		return ""
	}
	return redactor(key)
}

// clean replaces every occurrence of the key in s, in any ASCII case (a
// server or a header parser may have lower-cased it), with "[redacted]".
func (r redactor) clean(s string) string {
	if !r.in(s) {
		return s
	}
	key, low := string(r), asciiLower(s)
	lkey := asciiLower(key)
	var b strings.Builder
	for {
		i := strings.Index(low, lkey)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString("[redacted]")
		s, low = s[i+len(key):], low[i+len(key):]
	}
}

// in reports whether s holds the key, in any ASCII case.
func (r redactor) in(s string) bool {
	return r != "" && strings.Contains(asciiLower(s), asciiLower(string(r)))
}

// asciiLower lower-cases the ASCII letters of s only, so that every byte
// keeps its offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// wrap builds the Err of a ModelError: kind and cause, with a redacted text.
func (r redactor) wrap(kind, cause error, format string, args ...any) error {
	return &kindError{kind: kind, text: r.clean(fmt.Sprintf(format, args...)), cause: r.safe(cause)}
}

// safe returns cause if nothing in it can show the key, and otherwise a
// stand-in with the redacted text that still answers errors.Is like cause
// (but not errors.As: the original is not reachable).
func (r redactor) safe(cause error) error {
	if cause == nil || r == "" || !r.exposedBy(cause) {
		return cause
	}
	return &redactedError{text: r.clean(cause.Error()), orig: cause}
}

// exposedBy reports whether the key is in the text of err or of any error
// it wraps, or in the server-provided fields of an SDK error.
func (r redactor) exposedBy(err error) bool {
	if err == nil {
		return false
	}
	if r.in(err.Error()) || r.in(fmt.Sprintf("%+v", err)) {
		return true
	}
	if e, ok := err.(*oai.Error); ok {
		for _, f := range []string{e.Message, e.Code, e.Param, e.Type, e.RawJSON()} {
			if r.in(f) {
				return true
			}
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return r.exposedBy(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if r.exposedBy(e) {
				return true
			}
		}
	}
	return false
}

// redactedError stands in for an error whose text held the key.
type redactedError struct {
	text string
	orig error
}

func (e *redactedError) Error() string { return e.text }

// Is reports whether the original error matches target.
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// sanitizeAPIError returns a copy of the SDK's error whose request (and the
// response's request) no longer carries the Authorization header or a
// body: an *ai.ModelError never holds the key.
func sanitizeAPIError(e *oai.Error) *oai.Error {
	c := *e
	if e.Request != nil {
		req := e.Request.Clone(context.Background())
		req.Header.Del("Authorization")
		req.Body, req.GetBody = http.NoBody, nil
		c.Request = req
	}
	if e.Response != nil {
		res := *e.Response
		res.Request = c.Request
		c.Response = &res
	}
	return &c
}
