package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	oai "github.com/openai/openai-go/v3"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// providerName is the Provider of every ai.ModelError this package returns.
const providerName = "openai"

// Sentinels matched with errors.Is through the *ai.ModelError this package
// returns.
var (
	// ErrNoAPIKey is the configuration error of a model with neither an API
	// key nor a base URL.
	ErrNoAPIKey = errors.New("openai: no API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server")
	// ErrInvalidConfig marks every other configuration error: an empty
	// model name, a malformed base URL, an out-of-range option.
	ErrInvalidConfig = errors.New("openai: invalid configuration")
	// ErrUnauthorized marks an HTTP 401 or 403: the key was rejected or
	// lacks access. It is permanent.
	ErrUnauthorized = errors.New("openai: unauthorized")
	// ErrUnreachable marks a failure with no HTTP answer: connection
	// refused or reset, DNS failure, network timeout. It is transient.
	ErrUnreachable = errors.New("openai: server unreachable")
	// ErrTruncatedStream marks a stream that ended before its finish
	// reason. It is transient.
	ErrTruncatedStream = errors.New("openai: truncated stream")
	// ErrMalformedResponse marks a 2xx answer that could not be used:
	// malformed JSON, no choices, a broken stream chunk (all transient), or
	// an answer that is not JSON or not an event stream at all (permanent:
	// a wrong base URL, a server that cannot stream).
	ErrMalformedResponse = errors.New("openai: malformed response")
	// ErrInvalidRequest marks an ai.Request that cannot be sent: no
	// messages, an unknown role, a tool call or tool without a name, a tool
	// message without a tool call ID. It is permanent; no HTTP request is
	// made.
	ErrInvalidRequest = errors.New("openai: invalid request")
	// ErrInBandError marks an error the server reported inside a 2xx
	// answer: an {"error": ...} body or stream event, vLLM's
	// {"object": "error"} event, a chunk's error_type/error_message. It is
	// classified by the same table as HTTP errors (see the package
	// documentation) and keeps the server's message.
	ErrInBandError = errors.New("openai: error reported in the answer")
	// ErrErrorBodyCut marks an HTTP error whose body was longer than
	// [MaxErrorBody]: only that prefix was read.
	ErrErrorBodyCut = errors.New("openai: error body cut")
)

// MaxErrorBody is how much of an HTTP error answer's body is read (1 MiB):
// an error body is a diagnosis, not data, and a proxy may send hundreds of
// megabytes of it.
const MaxErrorBody = 1 << 20

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

func (r redactor) clean(s string) string {
	if r == "" || !strings.Contains(s, string(r)) {
		return s
	}
	return strings.ReplaceAll(s, string(r), "[redacted]")
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
	key := string(r)
	if err == nil {
		return false
	}
	if strings.Contains(err.Error(), key) || strings.Contains(fmt.Sprintf("%+v", err), key) {
		return true
	}
	if e, ok := err.(*oai.Error); ok {
		for _, f := range []string{e.Message, e.Code, e.Param, e.Type, e.RawJSON()} {
			if strings.Contains(f, key) {
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

// exchange is what the middleware saw of the one HTTP exchange of a call.
type exchange struct {
	sent     bool // the request reached the transport
	answered bool // a response (any status) came back
	status   int
	header   http.Header
	cut      *cappedBody // the error body, when it was capped
	res      *http.Response
}

// middleware records the exchange; it runs on the calling goroutine.
func (x *exchange) middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	x.sent = true
	res, err := next(req)
	if res != nil {
		x.answered = true
		x.status = res.StatusCode
		x.header = res.Header.Clone()
		x.res = res
		if res.StatusCode >= 400 && res.Body != nil {
			// The SDK reads an error body whole: cap it first.
			x.cut = &cappedBody{rc: res.Body, left: MaxErrorBody}
			res.Body = x.cut
		}
	}
	return res, err
}

// cappedBody reads at most left bytes of an error body and then reports
// io.EOF, recording whether more was there.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	cut  bool
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		if !b.cut {
			var one [1]byte
			if n, _ := io.ReadFull(b.rc, one[:]); n > 0 {
				b.cut = true
			}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close closes the body; a cut body's connection is closed, not drained.
func (b *cappedBody) Close() error { return b.rc.Close() }

// wasCut reports whether the error body was longer than MaxErrorBody.
func (x *exchange) wasCut() bool { return x != nil && x.cut != nil && x.cut.cut }

func (x *exchange) contentType() string {
	if x == nil || x.header == nil {
		return ""
	}
	mt, _, err := mime.ParseMediaType(x.header.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(x.header.Get("Content-Type")))
	}
	return mt
}

func isJSONType(mt string) bool {
	return mt == "" || strings.Contains(mt, "json")
}

// configError is the permanent ModelError of a bad configuration.
func configError(kind error, msg string) *ai.ModelError {
	return &ai.ModelError{Provider: providerName, Message: msg, Err: kind}
}

// contextError is the ModelError of a call whose context ended: it wraps
// ctx.Err(); a deadline is transient (an attempt timeout), a cancellation
// is not.
func contextError(ctxErr error) *ai.ModelError {
	msg := "request canceled"
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		msg = "request timed out: context deadline exceeded"
	}
	return &ai.ModelError{
		Provider:  providerName,
		Message:   msg,
		Transient: errors.Is(ctxErr, context.DeadlineExceeded),
		Err:       ctxErr,
	}
}

// classify turns any failure of the SDK call into a *ai.ModelError.
func (m *Model) classify(ctx context.Context, err error, x *exchange) *ai.ModelError {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return contextError(ctxErr)
	}
	var apiErr *oai.Error
	if errors.As(err, &apiErr) {
		return m.statusError(apiErr, x)
	}
	if x != nil && x.res != nil && x.status >= 400 {
		// The SDK could not read the error body as OpenAI's error object
		// ({"error": "text"}, LM Studio): classify it from the status and
		// the body, which the SDK left in the response.
		return m.statusError(&oai.Error{StatusCode: x.status, Request: x.res.Request, Response: x.res}, x)
	}
	r := m.redact
	if x != nil && x.answered && x.status >= 200 && x.status < 300 {
		if mt := x.contentType(); !isJSONType(mt) && mt != "text/event-stream" {
			return &ai.ModelError{
				Provider:   providerName,
				StatusCode: x.status,
				Message:    fmt.Sprintf("unexpected content type %q in the answer: is the base URL an OpenAI-compatible API (usually ending in /v1)?", mt),
				Err:        r.wrap(ErrMalformedResponse, err, "unexpected content type %q", mt),
			}
		}
		if isDecodeError(err) {
			return &ai.ModelError{
				Provider:   providerName,
				StatusCode: x.status,
				Message:    "malformed JSON in the answer",
				Transient:  true,
				Err:        r.wrap(ErrMalformedResponse, err, "malformed JSON: %v", err),
			}
		}
	}
	if what, ok := networkFailure(err); ok {
		me := &ai.ModelError{Provider: providerName, Transient: true}
		if x != nil && x.answered {
			// The answer started and was cut: a body read failed.
			me.StatusCode = x.status
			me.Message = "answer cut short: " + what
			me.Err = r.wrap(nil, err, "%s", me.Message)
		} else {
			me.Message = "cannot reach the server: " + what
			me.Err = r.wrap(ErrUnreachable, err, "%s", me.Message)
		}
		return me
	}
	if x != nil && !x.sent {
		// The SDK refused to build the request: a configuration problem.
		return &ai.ModelError{
			Provider: providerName,
			Message:  r.clean("invalid request: " + err.Error()),
			Err:      r.wrap(ErrInvalidConfig, err, "invalid request: %v", err),
		}
	}
	return &ai.ModelError{
		Provider: providerName,
		Message:  r.clean(err.Error()),
		Err:      r.wrap(nil, err, "%v", err),
	}
}

// statusError classifies an HTTP error status.
func (m *Model) statusError(apiErr *oai.Error, x *exchange) *ai.ModelError {
	r := m.redact
	status := apiErr.StatusCode
	var header http.Header
	if apiErr.Response != nil {
		header = apiErr.Response.Header
	} else if x != nil {
		header = x.header
	}
	errCode, errType, msg := apiErr.Code, apiErr.Type, apiErr.Message
	if msg == "" {
		// Not OpenAI's {"error": {...}}: vLLM's {"object": "error", ...},
		// Gemini's [{"error": {...}}], a proxy's text.
		if ib, ok := otherErrorShape(apiErr); ok {
			errCode, errType, msg = ib.code, ib.typ, ib.msg
		} else {
			msg = bodySnippet(apiErr)
		}
	}
	if _, err := strconv.Atoi(errCode); err == nil {
		// A numeric code (llama.cpp, vLLM, Azure) repeats the status: the
		// type says more.
		errCode = ""
	}
	code := errCode
	if code == "" {
		code = errType
	}
	msg = strings.TrimSpace(msg)
	me := &ai.ModelError{
		Provider:   providerName,
		StatusCode: status,
		Code:       r.clean(code),
		Message:    r.clean(msg),
		Transient:  transientError(status, errCode, errType, msg, header),
	}
	if me.Transient {
		if d, ok := ai.ParseRetryAfter(header, time.Now()); ok {
			me.RetryAfter = d
		}
	}
	var kind error
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		kind = ErrUnauthorized
	}
	var cause error = sanitizeAPIError(apiErr)
	if x.wasCut() {
		kind = errors.Join(kind, ErrErrorBodyCut)
		me.Message += fmt.Sprintf(" (error body cut: only its first %d bytes were read)", MaxErrorBody)
	}
	if isFilterCode(apiErr.Code) {
		ib := parseErrorValue(json.RawMessage(apiErr.RawJSON()))
		cause = errors.Join(cause, &ai.ContentFilterError{Filter: orString(ib.filters, apiErr.Code)})
	}
	me.Err = r.wrap(kind, cause, "HTTP %d %s", status, http.StatusText(status))
	return me
}

// bodySnippet returns a short, single-line text of an error body that was
// not OpenAI-shaped (a proxy's plain-text answer), or "" for HTML and empty
// bodies.
func bodySnippet(apiErr *oai.Error) string {
	b := errorBody(apiErr)
	s := strings.TrimSpace(string(b))
	if s == "" || strings.HasPrefix(s, "<") {
		return ""
	}
	var shaped struct { // {"detail": "..."} (FastAPI servers) or {"error": "..."}
		Detail any `json:"detail"`
		Error  any `json:"error"`
	}
	if json.Unmarshal(b, &shaped) == nil {
		if d, ok := shaped.Detail.(string); ok && d != "" {
			s = d
		} else if e, ok := shaped.Error.(string); ok && e != "" {
			s = e
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// errorBody is the (capped) body of an HTTP error; the SDK keeps it in
// memory, so it can be read again.
func errorBody(apiErr *oai.Error) []byte {
	if apiErr.Response == nil || apiErr.Response.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(apiErr.Response.Body)
	apiErr.Response.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// otherErrorShape reads an error body that is not OpenAI's but says what
// went wrong: any shape [parseInBand] knows, or a JSON array of them
// (Gemini's OpenAI-compatible endpoint answers [{"error": {...}}]).
func otherErrorShape(apiErr *oai.Error) (inBand, bool) {
	b := bytes.TrimSpace(errorBody(apiErr))
	if bytes.HasPrefix(b, []byte("[")) {
		var list []json.RawMessage
		if json.Unmarshal(b, &list) != nil || len(list) == 0 {
			return inBand{}, false
		}
		b = list[0]
	}
	ib, ok := parseInBand("", b)
	if !ok || ib.msg == "" {
		return inBand{}, false
	}
	return ib, true
}

// isDecodeError reports a JSON body that could not be decoded.
func isDecodeError(err error) bool {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syn) || errors.As(err, &typ) ||
		errors.Is(err, io.ErrUnexpectedEOF) && strings.Contains(err.Error(), "parsing response json")
}

// networkFailure reports whether err is a transport failure, and names it.
func networkFailure(err error) (string, bool) {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", true
	case errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return "connection broken", true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed unexpectedly (unexpected EOF)", true
	case errors.As(err, &dnsErr):
		return "DNS lookup failed for " + dnsErr.Name, true
	case errors.As(err, &netErr) && netErr.Timeout():
		return "network timeout", true
	case errors.As(err, &netErr):
		return "network error", true
	}
	return "", false
}
