package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// inBand is an error a server reported inside a 2xx answer.
type inBand struct {
	msg, code, typ string
	status         int // a numeric "code" (vLLM, llama.cpp), else 0
	filters        string
	// failedGeneration is Groq's failed_generation: the tool call the
	// model generated and the server could not use.
	failedGeneration string
	// window is llama.cpp's n_ctx: the server's context size.
	window int
}

// parseInBand recognizes the shapes compatible servers use to report a
// failure inside a 2xx answer or an event stream:
//
//   - {"error": {"message", "type", "code", "param"}} or {"error": "text"}
//     (OpenAI's error object; LocalAI, LM Studio, Ollama, proxies). An
//     "error" that is null is no error: some servers send it on every chunk.
//   - {"object": "error", "message", "type", "code"} (vLLM).
//   - {"error_type", "error_message"} fields on a chunk.
//   - any event of type "error" (event: error).
func parseInBand(eventType string, data []byte) (inBand, bool) {
	if eventType != "error" && !bytes.Contains(data, []byte("error")) {
		return inBand{}, false // the common chunk: no need to decode twice
	}
	var p struct {
		Error        json.RawMessage `json:"error"`
		Object       string          `json:"object"`
		Message      json.RawMessage `json:"message"`
		Type         string          `json:"type"`
		Code         json.RawMessage `json:"code"`
		ErrorType    string          `json:"error_type"`
		ErrorMessage string          `json:"error_message"`
	}
	if json.Unmarshal(data, &p) != nil {
		if eventType == "error" {
			return inBand{msg: clip(string(data))}, true
		}
		return inBand{}, false
	}
	switch {
	case len(p.Error) > 0 && string(p.Error) != "null":
		return parseErrorValue(p.Error), true
	case p.Object == "error":
		ib := inBand{msg: messageText(p.Message), typ: p.Type}
		ib.code, ib.status = codeOf(p.Code)
		return ib, true
	case p.ErrorType != "" || p.ErrorMessage != "":
		return inBand{msg: p.ErrorMessage, typ: p.ErrorType}, true
	case eventType == "error":
		ib := inBand{msg: messageText(p.Message), typ: p.Type}
		ib.code, ib.status = codeOf(p.Code)
		if ib.msg == "" {
			ib.msg = clip(string(data))
		}
		return ib, true
	}
	return inBand{}, false
}

// messageText reads a "message" that is a string, or an object such as
// Mistral's 422 {"detail": [{"loc": ["body", "stream_options"], "msg":
// "Extra inputs are not permitted"}]} (each detail as "loc: msg").
func messageText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Detail []struct {
			Loc []any  `json:"loc"`
			Msg string `json:"msg"`
		} `json:"detail"`
	}
	if json.Unmarshal(raw, &o) == nil && len(o.Detail) > 0 {
		parts := make([]string, 0, len(o.Detail))
		for _, d := range o.Detail {
			loc := make([]string, 0, len(d.Loc))
			for _, l := range d.Loc {
				loc = append(loc, strings.Trim(fmt.Sprint(l), " "))
			}
			parts = append(parts, "'"+strings.Join(loc, ".")+"': "+d.Msg)
		}
		return clip(strings.Join(parts, "; "))
	}
	return clip(string(raw))
}

// parseErrorValue reads the value of an "error" key: an object or a string.
func parseErrorValue(raw json.RawMessage) inBand {
	var o struct {
		Message    json.RawMessage `json:"message"`
		Type       string          `json:"type"`
		Code       json.RawMessage `json:"code"`
		Status     json.RawMessage `json:"status"`
		InnerError struct {
			Result json.RawMessage `json:"content_filter_result"`
		} `json:"innererror"`
		FailedGeneration string `json:"failed_generation"`
		NCtx             int    `json:"n_ctx"`
	}
	if json.Unmarshal(raw, &o) == nil {
		ib := inBand{msg: messageText(o.Message), typ: o.Type, failedGeneration: o.FailedGeneration, window: o.NCtx}
		ib.code, ib.status = codeOf(o.Code)
		// Google's APIs put a status name ("RESOURCE_EXHAUSTED") in
		// "status"; others the HTTP status.
		if name, n := codeOf(o.Status); n != 0 && ib.status == 0 {
			ib.status = n
		} else if name != "" && ib.typ == "" {
			ib.typ = name
		}
		ib.filters = filteredCategories(o.InnerError.Result)
		return ib
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return inBand{msg: s}
	}
	return inBand{msg: clip(string(raw))}
}

// codeOf reads a "code" that is a string (OpenAI: "insufficient_quota") or
// a number (vLLM, llama.cpp: the HTTP status).
func codeOf(raw json.RawMessage) (code string, status int) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", 0
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if n, err := strconv.Atoi(s); err == nil && n >= 100 && n < 600 {
			return "", n
		}
		return s, 0
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil && n >= 100 && n < 600 {
		return "", int(n)
	}
	return "", 0
}

// filteredCategories names the categories an Azure OpenAI
// content_filter_results (or content_filter_result) object marks as
// filtered, e.g. "hate, violence"; "" when none is.
func filteredCategories(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	var names []string
	for k, v := range m {
		var c struct {
			Filtered bool `json:"filtered"`
		}
		if json.Unmarshal(v, &c) == nil && c.Filtered {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// maxQuoted is how many bytes of a server-controlled value (a text, a
// Content-Type, a redirect's target) an error quotes.
const maxQuoted = 200

// clip shortens a server text quoted in an error to [maxQuoted] bytes, cut
// on a UTF-8 boundary and marked "…". Redact before clipping: a key cut in
// two would no longer be found.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxQuoted {
		n := maxQuoted
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

// Error codes and types, as OpenAI and compatible servers send them, that
// decide whether a failure is worth retrying, whatever the HTTP status (or
// its absence, for an in-band error). Sources: OpenAI's error codes guide
// (platform.openai.com/docs/guides/error-codes), vLLM's ErrorResponse
// (type "BadRequestError", "NotFoundError"), llama.cpp server's error types
// (exceed_context_size_error, unavailable_error), Anthropic-style
// overloaded_error from gateways, Google's status names (RESOURCE_EXHAUSTED,
// INVALID_ARGUMENT) from Gemini's OpenAI-compatible endpoint.
var (
	permanentCodes = map[string]bool{
		"insufficient_quota": true, "billing_hard_limit_reached": true, "access_terminated": true,
		"context_length_exceeded": true, "string_above_max_length": true, "exceed_context_size_error": true,
		"invalid_request_error": true, "invalid_api_key": true, "invalid_value": true, "invalid_prompt": true,
		"authentication_error": true, "permission_error": true, "not_found_error": true, "model_not_found": true,
		"content_filter": true, "content_policy_violation": true,
		"badrequesterror": true, "notfounderror": true, "not_supported_error": true,
		"invalid_argument": true, "permission_denied": true, "unauthenticated": true, "failed_precondition": true,
		"tool_use_failed": true, "unknown_parameter": true, "unsupported_parameter": true,
	}
	transientCodes = map[string]bool{
		"rate_limit_exceeded": true, "rate_limit_error": true, "ratelimiterror": true, "too_many_requests": true,
		"overloaded_error": true, "server_is_overloaded": true, "slow_down": true, "unavailable_error": true,
		"server_error": true, "internal_server_error": true, "internalservererror": true,
		"service_unavailable": true, "serviceunavailableerror": true, "timeout": true,
		"resource_exhausted": true, "unavailable": true, "deadline_exceeded": true,
	}
	// Message fragments that settle it when no code does.
	permanentPhrases = []string{"exceeded your current quota", "insufficient_quota", "maximum context length",
		"context length", "context size", "context window", "too many tokens"}
	transientPhrases = []string{"rate limit", "overloaded", "try again", "temporarily unavailable"}
	// Messages of a server that could not parse the request body: the same
	// body fails again, whatever status and code come with it (llama.cpp
	// answers 500 "server_error" with "[json.exception.parse_error.101]",
	// transcripts wire-one-call/19-bad-json.txt).
	unparsedBodyPhrases = []string{"json.exception.parse_error"}
)

// transientError is the one classification table of every failure a
// server reports, over HTTP or in-band (status is then the in-band numeric
// code, or 0). In order: the server's X-Should-Retry header; a message
// saying the server could not parse the request body (permanent); the
// error code; phrases of the message that settle it whatever the status (a
// quota, a context length: permanent); the status ([ai.IsTransientStatus]
// and every 5xx but 501); the error type (more generic than the code:
// OpenAI types a 409 "invalid_request_error"); phrases of the message that
// ask for a retry (rate limit, overload). An error that says nothing else
// is transient: a server failing mid-answer.
func transientError(status int, code, typ, msg string, header http.Header) bool {
	switch strings.ToLower(strings.TrimSpace(header.Get("X-Should-Retry"))) {
	case "true":
		return true
	case "false":
		return false
	}
	lower := strings.ToLower(msg)
	for _, p := range unparsedBodyPhrases {
		if strings.Contains(lower, p) {
			return false
		}
	}
	if v, ok := codeVerdict(code); ok {
		return v
	}
	for _, p := range permanentPhrases {
		if strings.Contains(lower, p) {
			return false
		}
	}
	if status >= 400 {
		return ai.IsTransientStatus(status) || status >= 500 && status != http.StatusNotImplemented
	}
	if v, ok := codeVerdict(typ); ok {
		return v
	}
	for _, p := range transientPhrases {
		if strings.Contains(lower, p) {
			return true
		}
	}
	return true
}

// codeVerdict looks a code or type up in the tables.
func codeVerdict(k string) (transient, known bool) {
	k = strings.ToLower(strings.TrimSpace(k))
	switch {
	case permanentCodes[k]:
		return false, true
	case transientCodes[k]:
		return true, true
	}
	return false, false
}

// inBandError is the *ai.ModelError of an error reported in a 2xx answer,
// classified by [transientError]. Its StatusCode is the in-band numeric
// code when there is one, else status.
func (m *Model) inBandError(ib inBand, status int, cause error, x *exchange) *ai.ModelError {
	r := m.redact
	msg := ib.msg
	if msg == "" {
		msg = "the server reported an error in its answer"
	}
	code := ib.code
	if code == "" {
		code = ib.typ
	}
	if ib.status != 0 {
		status = ib.status
	}
	me := &ai.ModelError{
		Provider:   providerName,
		StatusCode: status,
		Code:       clipMessage(r.clean(code)),
		Message:    clipMessage(r.clean(msg)),
		Transient:  transientError(ib.status, ib.code, ib.typ, msg, nil),
	}
	switch {
	case isFilterCode(ib.code):
		cause = &ai.ContentFilterError{Filter: orString(ib.filters, ib.code)}
	case isToolUseFailed(ib.code):
		cause = &ai.ToolUseFailedError{FailedGeneration: ib.failedGeneration, Message: me.Message}
	}
	if rf := rejectedField(x, status, "", msg, nil); rf != nil {
		cause = errors.Join(cause, rf)
		me.Message += "; " + rf.Error()
	}
	if cle, ok := ParseContextLengthError(ib.status, code, msg, nil); ok {
		cause = errors.Join(cause, cle)
	}
	me.Err = r.wrap(ErrInBandError, cause, "error in the answer: %s", clipMessage(r.clean(msg)))
	return me
}

func isFilterCode(code string) bool {
	return code == "content_filter" || code == "content_policy_violation"
}

// isToolUseFailed reports Groq's code for a tool call the model generated
// and the server could not use (pydantic/pydantic-ai#2759).
func isToolUseFailed(code string) bool { return code == "tool_use_failed" }

func orString(s, alt string) string {
	if s != "" {
		return s
	}
	return alt
}
