package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Every value a client sends is parsed here, bounded in size, character
// set and range, before it reaches a log, a metric, a database row or a
// response. Refusals quote at most maxEcho bytes of what was sent.

// Bounds of what a client sends.
const (
	// maxHeaderBytes is http.Server.MaxHeaderBytes: the request line and
	// all headers together (net/http answers 431 past it).
	maxHeaderBytes = 16 << 10
	// maxAuthorizationLen bounds the Authorization header ("Bearer " and a
	// 65-character key fit in 80).
	maxAuthorizationLen = 256
	// maxEcho is the most of a client's value an error message quotes.
	maxEcho = 64
	// maxLastEventIDLen bounds Last-Event-ID (a step index).
	maxLastEventIDLen = 9
	// maxContentTypeLen bounds Content-Type.
	maxContentTypeLen = 128
)

// Public job ids: "job_" and 26 lower-case base32 characters (16 random
// bytes, 128 bits), mapped to River's id in aigentic_job. River's ids are
// sequential; these cannot be guessed, and a job of another tenant is not
// found (a 404 like a missing one) because the lookup includes the tenant.
const (
	jobIDPrefix = "job_"
	jobIDLen    = len(jobIDPrefix) + 26
)

// newPublicJobID returns a fresh random public job id.
func newPublicJobID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return jobIDPrefix + b32.EncodeToString(b[:])
}

// newReference returns a random reference for a failed run or a
// reservation: "ref_" and 16 base32 characters (80 bits).
func newReference() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return "ref_" + b32.EncodeToString(b[:])
}

// validPublicJobID reports whether s has the shape of a public job id.
func validPublicJobID(s string) bool {
	return len(s) == jobIDLen && strings.HasPrefix(s, jobIDPrefix) && isBase32(s[len(jobIDPrefix):])
}

// parseBearer returns the token of an "Authorization: Bearer <token>"
// header (RFC 6750 section 2.1: the scheme is case-insensitive, one or
// more spaces before the token, whose characters are b64token's). ok is
// false when the header is missing, too long, of another scheme, or the
// token has other characters.
func parseBearer(h string) (token string, ok bool) {
	if h == "" || len(h) > maxAuthorizationLen {
		return "", false
	}
	scheme, rest, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(rest, " ")
	if token == "" {
		return "", false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/=", c) >= 0) {
			return "", false
		}
	}
	return token, true
}

// singleHeader returns the one value of header name, "" when absent, or a
// 400 when the request repeats it: with two X-Tenant-ID headers which one
// counts must not depend on who reads first.
func singleHeader(r *http.Request, name string) (string, error) {
	vs := r.Header.Values(name)
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", badRequest(fmt.Sprintf("more than one %s header", name))
}

// parseLastEventID is the step index a reconnecting SSE client last saw
// (its Last-Event-ID): -1 when absent. A value that is not a step index
// is a 400.
func parseLastEventID(v string) (int, error) {
	if v == "" {
		return -1, nil
	}
	if len(v) > maxLastEventIDLen || strings.TrimLeft(v, "0123456789") != "" {
		return 0, badRequest("Last-Event-ID must be the id of an event this stream sent (a step number)")
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("Last-Event-ID must be the id of an event this stream sent (a step number)")
	}
	return n, nil
}

// checkText checks free text a client sends (a query): valid UTF-8
// (encoding/json already replaces invalid bytes with U+FFFD), and no
// control characters but tab, newline and carriage return — NUL, for one,
// cannot be stored in a PostgreSQL text or jsonb column.
func checkText(field, s string) error {
	for i, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return badRequest(fmt.Sprintf("%q holds a control character (U+%04X) at byte %d", field, r, i))
		}
	}
	return nil
}

// noQueryParameters refuses a request with a query string: no endpoint
// takes one, and nothing a client sends goes unchecked.
func noQueryParameters(r *http.Request) error {
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		return badRequest("this endpoint takes no query parameters")
	}
	return nil
}

// echo quotes at most maxEcho bytes of a client's value (cut on a rune
// boundary, "…" marking the cut) for an error message.
func echo(s string) string {
	if len(s) <= maxEcho {
		return strconv.Quote(s)
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
