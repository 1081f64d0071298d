package openai

import (
	"encoding/json"
	"reflect"
	"strings"
	"unicode"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// answerParts is an assembled answer, streamed or not, before its finish
// reason decides what it is.
type answerParts struct {
	msg     ai.Message
	reason  string // the finish reason as received
	filters string // content filter categories
	usage   ai.Usage
	refusal string // the refusal text, when the model refused
	status  int    // the HTTP status of the answer
	window  int    // the server's context size, when it said
}

// answer is the Response of an assembled answer, or the error it makes:
// a refusal is an *ai.RefusalError; finish reason "length" an
// *ai.TruncatedError (its tool calls are never run; its text is text,
// template markup moved out), "content_filter" an *ai.ContentFilterError
// naming the filter — each wrapped in a permanent *ai.ModelError — and
// "error" (OpenRouter: the provider failed mid-answer) a transient
// [ErrAnswerFailed].
func (m *Model) answer(a answerParts) (*ai.Response, error) {
	msg := a.msg
	var cause error
	switch {
	case a.refusal != "":
		cause = &ai.RefusalError{Refusal: a.refusal, Partial: msg.Content}
	case a.reason == "length":
		partial, markup := splitMarkup(msg.Content)
		cause = &ai.TruncatedError{
			Partial: partial, Markup: markup, ToolCalls: msg.ToolCalls, Usage: a.usage, FinishReason: a.reason,
			MaxOutputTokens: int(m.maxTokens), ContextWindow: a.window,
		}
	case a.reason == "content_filter":
		cause = &ai.ContentFilterError{Filter: orString(a.filters, a.reason), Partial: msg.Content}
	case failedFinish(a.reason):
		msg := "the provider ended the answer with finish_reason \"" + a.reason + "\": it failed mid-answer; the partial answer was discarded"
		return nil, &ai.ModelError{
			Provider: providerName, StatusCode: a.status, Code: a.reason, Message: msg, Transient: true,
			Err: m.redact.wrap(ErrAnswerFailed, nil, "%s", msg),
		}
	default:
		return &ai.Response{Message: msg, Usage: a.usage, FinishReason: finishReason(a.reason, len(msg.ToolCalls))}, nil
	}
	return nil, &ai.ModelError{Provider: providerName, Message: m.redact.clean(cause.Error()), Err: cause}
}

// failedFinish reports the finish reasons that say the provider failed:
// OpenRouter's "error" (https://openrouter.ai/docs/api-reference/overview,
// finish reasons; razzant/claudexor#144) and vLLM's "abort" for a request
// the engine aborted.
func failedFinish(reason string) bool {
	return reason == "error" || reason == "abort"
}

// toolCallMarkup are the openings of a tool call in the chat templates of
// open models — Hermes and Qwen (<tool_call>), Granite, Llama 3.1
// (<|python_tag|>), Mistral ([TOOL_CALLS]), Llama 3.2 and Functionary
// (<function=), DeepSeek, gpt-oss's harmony format — which a server
// passes on as text when the output limit cuts a call before its parser
// can take it (llama.cpp: "<tool_call>\n\n{\"name", transcripts
// wire-one-call/12-tools-length-cut.txt).
var toolCallMarkup = []string{
	"<tool_call>", "<|tool_call|>", "<|tool_calls_section_begin|>", "<|python_tag|>", "[TOOL_CALLS]",
	"<function=", "<｜tool▁calls▁begin｜>", "<｜tool▁call▁begin｜>", "<|channel|>", "<|start|>", "<|call|>",
}

// splitMarkup splits a cut answer's text at the first tool-call markup, or
// at a markup opening cut in the middle at its very end: the text before
// it (trimmed) is for the user, the rest is not text.
func splitMarkup(s string) (text, markup string) {
	cut := -1
	for _, tag := range toolCallMarkup {
		if i := strings.Index(s, tag); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
		// A tag the limit cut in the middle: its start ends the text.
		for n := len(tag) - 1; n >= 3; n-- {
			if strings.HasSuffix(s, tag[:n]) {
				if i := len(s) - n; cut < 0 || i < cut {
					cut = i
				}
				break
			}
		}
	}
	if cut < 0 {
		return s, ""
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace), s[cut:]
}

// dedupeCalls drops a tool call that repeats an earlier one of the same
// answer — the same non-empty ID, the same name (or none) and the same
// arguments (as JSON) or none — as servers send when they repeat a
// streamed call whole after its pieces (vercel/ai#3953), re-send its ID
// and name with the final arguments (vllm-project/vllm#44098), send it
// twice in one chunk, or at another index. A call with the same ID and
// other arguments is kept: servers that give every call one ID
// ("call_0") send different calls so.
func dedupeCalls(calls []ai.ToolCall) []ai.ToolCall {
	var out []ai.ToolCall
	for i, c := range calls {
		dup := false
		for _, k := range calls[:i] {
			if c.ID != "" && k.ID == c.ID && (c.Name == "" || c.Name == k.Name) && (c.Arguments == "" || sameJSON(c.Arguments, k.Arguments)) {
				dup = true
				break
			}
		}
		if dup {
			if out == nil {
				out = append([]ai.ToolCall(nil), calls[:i]...)
			}
			continue
		}
		if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return calls
	}
	return out
}

// sameJSON reports two JSON texts equal as values, or as text when either
// is not JSON.
func sameJSON(a, b string) bool {
	if a == b {
		return true
	}
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// malformed is the transient error of an unusable 200 answer.
func (m *Model) malformed(status int, msg string) error {
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: status,
		Message:    msg,
		Transient:  true,
		Err:        m.redact.wrap(ErrMalformedResponse, nil, "%s", msg),
	}
}

// finishReason normalizes the reason of an answer: "tool_calls" when it
// has tool calls and the server said "stop", nothing, or a variant
// ("tool_call", "function_call") — Gemini's OpenAI-compatible endpoint
// streams tool calls with "stop" — and "stop" when a server says
// "tool_calls" (or nothing) for an answer without any (LocalAI).
func finishReason(reason string, calls int) string {
	switch reason {
	case "", "stop", "tool_calls", "tool_call", "function_call":
		if calls > 0 {
			return "tool_calls"
		}
		return "stop"
	}
	return reason
}
