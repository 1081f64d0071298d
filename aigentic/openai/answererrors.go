package openai

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The errors of answers that are not answers: a redirect, an empty or
// non-JSON success body, and the bound on a server's message.

// MaxErrorMessage is how much of a server's error message an
// *ai.ModelError's Message keeps (4 KiB, as the runtime's log values): a
// longer one is cut on a UTF-8 boundary and marked as cut. The
// classification, the Code and the structured errors in the chain
// (*ai.ContextLengthError, *RejectedFieldError, *ai.ToolUseFailedError's
// FailedGeneration) are read from the message before it is cut.
const MaxErrorMessage = 4 << 10

// clipMessage cuts a message longer than [MaxErrorMessage] on a UTF-8
// boundary and says how much was left out.
func clipMessage(s string) string {
	if len(s) <= MaxErrorMessage {
		return s
	}
	n := MaxErrorMessage
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s… [message cut: %d of its %d bytes shown]", s[:n], n, len(s))
}

// sdkDecodes reports whether openai-go decodes a body of media type mt as
// JSON (its requestconfig's test), rather than failing a call that wants
// a decoded answer.
func sdkDecodes(mt string) bool {
	return strings.Contains(mt, "application/json") || strings.HasSuffix(mt, "+json")
}

// notJSON is the error of a success body, read whole, that is not an
// answer the SDK can decode: empty, or sent without a JSON content type.
// It is permanent, as an HTML page is: a wrong base URL, or a server that
// is not an OpenAI-compatible API.
func (m *Model) notJSON(x *exchange, err error) *ai.ModelError {
	var msg string
	switch mt := x.contentType(); {
	case x.emptyBody() && x.body.n > 0:
		msg = "the server sent an empty success body (only whitespace): no answer to read; is the base URL an OpenAI-compatible API (usually ending in /v1)?"
	case x.emptyBody():
		msg = "the server sent an empty success body: no answer to read; is the base URL an OpenAI-compatible API (usually ending in /v1)?"
	case mt == "" && x.stream:
		msg = "the server answered a streaming request with a body with no Content-Type and no event in it, not an event stream (text/event-stream); is the base URL an OpenAI-compatible API (usually ending in /v1)?"
	case mt == "":
		msg = "the server sent a success body with no Content-Type, not a JSON answer (application/json); is the base URL an OpenAI-compatible API (usually ending in /v1)?"
	default:
		msg = fmt.Sprintf("the server sent a success body of content type %q, not a JSON answer (application/json); is the base URL an OpenAI-compatible API (usually ending in /v1)?", clip(mt))
	}
	msg = m.redact.clean(msg)
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: x.status,
		Message:    msg,
		Err:        m.redact.wrap(ErrMalformedResponse, err, "%s", msg),
	}
}

// nullAnswer is the error of a success body that is JSON null: the SDK
// returns no answer and no error. It is permanent, as an empty body is.
func (m *Model) nullAnswer(x *exchange) *ai.ModelError {
	const msg = "the server sent JSON null as its success body: no answer to read; is the base URL an OpenAI-compatible API (usually ending in /v1)?"
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: x.status,
		Message:    msg,
		Err:        m.redact.wrap(ErrMalformedResponse, nil, "%s", msg),
	}
}

// isNull reports a JSON body that is null.
func isNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

// noRedirects is the CheckRedirect of the clients this package uses: a
// redirect is returned to the exchange, which fails the call with
// [ErrRedirected].
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// redirectGuard is the transport of the clients this package makes: it
// drops a 3xx's Location header that does not parse as a URL, which Go's
// client would otherwise turn into a transport error ("failed to parse
// Location header") before CheckRedirect runs, a transient network error
// to the run. Without it the exchange reports the redirect, with no usable
// Location ([ErrRedirected]).
type redirectGuard struct{ rt http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (g redirectGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := g.rt
	if rt == nil {
		rt = http.DefaultTransport
	}
	res, err := rt.RoundTrip(req)
	if err == nil && res.StatusCode >= 300 && res.StatusCode < 400 {
		if loc := res.Header.Get("Location"); loc != "" {
			if _, perr := req.URL.Parse(loc); perr != nil {
				res.Header.Del("Location")
			}
		}
	}
	return res, err
}

// CloseIdleConnections closes the wrapped transport's idle connections
// (http.Client.CloseIdleConnections).
func (g redirectGuard) CloseIdleConnections() {
	type closer interface{ CloseIdleConnections() }
	rt := g.rt
	if rt == nil {
		rt = http.DefaultTransport
	}
	if c, ok := rt.(closer); ok {
		c.CloseIdleConnections()
	}
}

// errRedirectAnswer ends an exchange answered with a 3xx: the SDK returns
// it, and classify reports the redirect the exchange recorded.
var errRedirectAnswer = fmt.Errorf("%w", ErrRedirected)

// origin is a URL's scheme and host, never its userinfo, path or query
// (which may hold credentials).
func origin(u *url.URL) string {
	if u == nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// redirectTarget is where a Location header points, as scheme and host;
// "" when there is none or it cannot be read.
func redirectTarget(from *url.URL, location string) string {
	if location == "" || from == nil {
		return ""
	}
	to, err := from.Parse(location)
	if err != nil {
		return ""
	}
	return origin(to)
}

// redirected is the error of an answer that redirected the request.
func (m *Model) redirected(x *exchange) *ai.ModelError {
	server := "the server"
	if x.host != "" {
		server += " at " + x.host
	}
	var msg string
	switch {
	case x.redirect == "":
		msg = fmt.Sprintf("%s redirected the request, with no usable Location: redirects are not followed; check the base URL", server)
	case x.redirect == x.from:
		msg = fmt.Sprintf("%s redirected the request to another path on %s: redirects are not followed; set the base URL to the one it points to", server, x.redirect)
	default:
		// The target is the server's: redacted, then clipped.
		msg = fmt.Sprintf("%s redirected the request to %s: redirects are not followed; set the base URL to the one it points to", server, clip(m.redact.clean(x.redirect)))
	}
	msg = m.redact.clean(msg)
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: x.status,
		Message:    msg,
		Err:        m.redact.wrap(ErrRedirected, nil, "%s", msg),
	}
}
