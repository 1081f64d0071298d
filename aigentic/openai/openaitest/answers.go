package openaitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// ---- JSON answers ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func errorObject(typ, code, msg string) map[string]any {
	var c any
	if code != "" {
		c = code
	}
	return map[string]any{"message": msg, "type": typ, "param": nil, "code": c}
}

// writeInvalid answers a body that [ValidateRequest] rejected with a 400
// naming the violation.
func writeInvalid(w http.ResponseWriter, err error) {
	code, msg := "invalid_value", err.Error()
	var param any
	var ir *invalidRequest
	if errors.As(err, &ir) {
		code = ir.code
		if ir.param != "" {
			param = ir.param
		}
	}
	e := errorObject("invalid_request_error", code, "Invalid request body: "+msg)
	e["param"] = param
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": e})
}

// clip shortens a body quoted in an error.
func clip(body []byte) string {
	const limit = 4 << 10
	if len(body) <= limit {
		return string(body)
	}
	return string(body[:limit]) + fmt.Sprintf("… (%d bytes in all)", len(body))
}

// writeError writes an OpenAI-shaped error body.
func writeError(w http.ResponseWriter, status int, header http.Header, typ, code, msg string) {
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeJSON(w, status, map[string]any{"error": errorObject(typ, code, msg)})
}

// describe maps a model's error to an HTTP answer: a *ai.ModelError keeps
// its status (or gets 503 when transient, 400 when permanent) and code.
func describe(err error) (status int, typ, code, msg string) {
	var me *ai.ModelError
	transient := ai.IsTransient(err)
	msg = err.Error()
	if errors.As(err, &me) {
		status, code = me.StatusCode, me.Code
		if me.Message != "" {
			msg = me.Message
		}
	}
	if status < 400 {
		status = http.StatusBadRequest
		if transient {
			status = http.StatusServiceUnavailable
		}
	}
	typ = errorType(status)
	return status, typ, code, msg
}

func writeModelError(w http.ResponseWriter, err error) {
	status, typ, code, msg := describe(err)
	h := http.Header{}
	if d, ok := ai.RetryAfterOf(err); ok {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		h.Set("Retry-After-Ms", strconv.FormatInt(d.Milliseconds(), 10))
	}
	writeError(w, status, h, typ, code, msg)
}

func errorType(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_request_error"
	case status == http.StatusForbidden:
		return "permission_error"
	case status == http.StatusNotFound:
		return "not_found_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

type wireChoice struct {
	Index        int             `json:"index"`
	Message      wireRespMessage `json:"message"`
	FinishReason string          `json:"finish_reason"`
	Logprobs     any             `json:"logprobs"`
}

type wireRespMessage struct {
	Role             string         `json:"role"`
	Content          *string        `json:"content"`
	Refusal          *string        `json:"refusal"`
	ReasoningContent *string        `json:"reasoning_content,omitempty"`
	ToolCalls        []wireToolCall `json:"tool_calls,omitempty"`
}

type wireUsage struct {
	PromptTokens            int                `json:"prompt_tokens"`
	CompletionTokens        int                `json:"completion_tokens"`
	TotalTokens             int                `json:"total_tokens"`
	PromptTokensDetails     *wireTokensDetails `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *wireTokensDetails `json:"completion_tokens_details,omitempty"`
}

type wireTokensDetails struct {
	CachedTokens    int `json:"cached_tokens,omitempty"`
	ReasoningTokens int `json:"reasoning_tokens,omitempty"`
}

// toWireUsage is a usage object, with the cached and reasoning tokens in
// their details when the model reported them.
func toWireUsage(u ai.Usage) wireUsage {
	w := wireUsage{PromptTokens: u.InputTokens, CompletionTokens: u.OutputTokens, TotalTokens: u.Total()}
	if u.CachedInputTokens > 0 {
		w.PromptTokensDetails = &wireTokensDetails{CachedTokens: u.CachedInputTokens}
	}
	if u.ReasoningTokens > 0 {
		w.CompletionTokensDetails = &wireTokensDetails{ReasoningTokens: u.ReasoningTokens}
	}
	return w
}

func finishReason(resp *ai.Response) string {
	if resp.FinishReason != "" {
		return resp.FinishReason
	}
	if len(resp.Message.ToolCalls) > 0 {
		return "tool_calls"
	}
	return "stop"
}

// withIDs gives calls without an ID one of 9 letters and digits, unique
// in the server: the prefix and an 8-digit number. Such IDs fit the
// strictest rule of any server family (Mistral's).
func (s *Server) withIDs(calls []ai.ToolCall, prefix string) []ai.ToolCall {
	out := append([]ai.ToolCall(nil), calls...)
	for i := range out {
		if out[i].ID == "" {
			s.mu.Lock()
			s.callSeq++
			n := s.callSeq
			s.mu.Unlock()
			out[i].ID = fmt.Sprintf("%s%08d", prefix, n%100000000)
		}
	}
	return out
}

// completion is the non-streamed answer, its tool calls as decorated.
func completion(id, model string, resp *ai.Response, d decorated) map[string]any {
	msg := wireRespMessage{Role: "assistant"}
	if resp.Message.Content != "" || len(d.calls) == 0 {
		c := resp.Message.Content
		msg.Content = &c
	}
	if d.reasoning != "" {
		msg.ReasoningContent = &d.reasoning
	}
	for i, tc := range d.calls {
		var wc wireToolCall
		wc.ID, wc.Type = tc.ID, "function"
		wc.Function.Name, wc.Function.Arguments = tc.Name, tc.Arguments
		if d.extra[i] != nil {
			wc.ExtraContent, _ = json.Marshal(d.extra[i]["extra_content"])
		}
		msg.ToolCalls = append(msg.ToolCalls, wc)
	}
	return map[string]any{
		"id":      id,
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []wireChoice{{Index: 0, Message: msg, FinishReason: finishReason(resp)}},
		"usage":   toWireUsage(resp.Usage),
	}
}
