package openai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
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
	// refused or reset, DNS failure, a connection that timed out, or a
	// server that took the request and sent no answer before a transport
	// timeout (its message then says the server did not answer in time).
	// It is transient.
	ErrUnreachable = errors.New("openai: server unreachable")
	// ErrTruncatedStream marks a stream that ended before its finish
	// reason. It is transient.
	ErrTruncatedStream = errors.New("openai: truncated stream")
	// ErrMalformedResponse marks a 2xx answer that could not be used:
	// malformed JSON, no choices, a broken stream chunk (all transient), or
	// an answer that is not JSON or not an event stream at all, or is
	// empty, only whitespace or JSON null (permanent: a wrong base URL, a
	// server that cannot stream).
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
	// ErrAnswerFailed marks an answer the server ended with a finish
	// reason saying the provider failed mid-answer (OpenRouter's
	// finish_reason "error", vLLM's "abort"; a Responses API "failed"
	// status without an error code). It is transient; the partial answer
	// is discarded.
	ErrAnswerFailed = errors.New("openai: the provider failed mid-answer")
	// ErrWrongAPI marks an answer in the other API's shape: a Responses
	// API object or event answering a Chat Completions request, or the
	// reverse. It is permanent; the message names what came and the
	// option that chooses the other API.
	ErrWrongAPI = errors.New("openai: the answer is in the other API's shape")
	// ErrResponseTooLarge marks a success answer whose body passed its
	// cap: [DefaultMaxResponseBody] for a JSON answer, [DefaultMaxStreamBody]
	// for an event stream's total (or [WithMaxResponseBody],
	// [WithMaxStreamBody]), or one event line over 32 MiB, openai-go's SSE
	// line limit. The body is cut while it is read and the
	// partial answer discarded. It is permanent: the same request would
	// get the same answer again.
	ErrResponseTooLarge = errors.New("openai: response body too large")
	// ErrRedirected marks an HTTP 3xx answer: the server redirected the
	// request elsewhere. Redirects are not followed (unless a client given
	// with [WithHTTPClient] sets its own CheckRedirect): a POST redirected
	// by 301 or 302 becomes a GET without its body, and the API key must
	// not follow the request to another server. It is permanent: set the
	// base URL to where the server points.
	ErrRedirected = errors.New("openai: the server redirected the request")
	// ErrRejectedField is matched by a [*RejectedFieldError]: the server
	// refused an optional request field this package sent (HTTP 400 or
	// 422 naming it as unknown or unsupported). It is permanent; the error
	// names the option that stops sending it.
	ErrRejectedField = errors.New("openai: the server rejected an optional request field")
)

// MaxErrorBody is how much of an HTTP error answer's body is read (1 MiB):
// an error body is a diagnosis, not data, and a proxy may send hundreds of
// megabytes of it.
const MaxErrorBody = 1 << 20

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
		me := contextError(ctxErr)
		if me.Transient && x.waiting() {
			// The server took the request and said nothing before the
			// deadline: it was reached.
			me.Message = fmt.Sprintf("request timed out: the server at %s took the request and did not answer before the deadline", x.host)
		}
		return me
	}
	if x.tooLarge() {
		return m.tooLarge(x)
	}
	if errors.Is(err, errEventTooLarge) || errors.Is(err, bufio.ErrTooLong) {
		return m.eventTooLarge(x)
	}
	if x != nil && x.answered && x.status >= 300 && x.status < 400 {
		return m.redirected(x)
	}
	if x != nil && !x.answered {
		// A client that follows redirects (its own CheckRedirect) met the
		// SDK's refusal to send the request outside the base URL.
		var ue *url.Error
		if errors.As(err, &ue) {
			if to, perr := url.Parse(ue.URL); perr == nil && to.Host != "" && to.Host != x.host {
				x.redirect = origin(to)
				return m.redirected(x)
			}
		}
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
			mt = clip(mt) // redacted by contentType
			return &ai.ModelError{
				Provider:   providerName,
				StatusCode: x.status,
				Message:    r.clean(fmt.Sprintf("unexpected content type %q in the answer: is the base URL an OpenAI-compatible API (usually ending in /v1)?", mt)),
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
		if x.emptyBody() {
			return m.notJSON(x, err) // read to its end: nothing was cut
		}
		if _, netFail := networkFailure(err); x.body != nil && x.body.eof && !netFail && !sdkDecodes(x.contentType()) {
			// Read whole, and still not an answer: the SDK decodes only
			// an application/json (or +json) body.
			return m.notJSON(x, err)
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
			server := "the server"
			if x != nil && x.host != "" {
				server += " at " + x.host
			}
			me.Message = "cannot reach " + server + ": " + what
			if x.waiting() && what == "network timeout" {
				// Connected, request written, no answer: it was reached.
				me.Message = server + " took the request and did not answer in time (network timeout waiting for its response)"
			}
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
		Message:  clipMessage(r.clean(err.Error())),
		Err:      r.wrap(nil, err, "%s", clipMessage(r.clean(err.Error()))),
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
		Code:       clipMessage(r.clean(code)),
		Message:    clipMessage(r.clean(msg)),
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
	ib := parseErrorValue(json.RawMessage(apiErr.RawJSON()))
	switch {
	case isFilterCode(apiErr.Code):
		cause = errors.Join(cause, &ai.ContentFilterError{Filter: orString(ib.filters, apiErr.Code)})
	case isToolUseFailed(errCode):
		cause = errors.Join(cause, &ai.ToolUseFailedError{FailedGeneration: ib.failedGeneration, Message: me.Message})
	}
	if rf := rejectedField(x, status, apiErr.Param, msg, errorBody(apiErr)); rf != nil {
		cause = errors.Join(cause, rf)
		me.Message += "; " + rf.Error()
	}
	if cle, ok := ParseContextLengthError(status, code, msg, errorBody(apiErr)); ok {
		cause = errors.Join(cause, cle)
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
