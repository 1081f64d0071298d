package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Quirk is a way an OpenAI-compatible server departs from OpenAI's own
// answers. A [Server] given [WithQuirks] reproduces each on every normal
// answer (not on faults), so a client — an example program, through
// OPENAI_BASE_URL — can be run against it. The conformance tests of package
// openai cite the public reports of each.
type Quirk int

const (
	// ToolCallsAtOneIndex streams every tool call of an answer whole, in
	// one chunk each, all at "index": 0 (Ollama; vLLM with some tool
	// parsers). A client that assembles calls by index alone glues them
	// into one.
	ToolCallsAtOneIndex Quirk = iota + 1
	// NoToolCallIDs sends tool calls without an "id" (llama.cpp server
	// and LocalAI builds; older Ollama).
	NoToolCallIDs
	// RepeatedToolCallIDs gives every tool call the same id, "call_0",
	// within an answer and across turns (servers that number calls per
	// answer).
	RepeatedToolCallIDs
	// NullErrorField adds "error": null to every chunk and answer.
	NullErrorField
	// NoDoneMarker ends a stream after its finish reason and usage without
	// "data: [DONE]" and keeps the connection open until the client goes
	// away (proxies in front of streaming servers).
	NoDoneMarker
	// UsageInFinishChunk sends the usage on the finish-reason chunk, not
	// on a separate chunk with empty choices (Ollama, llama.cpp server).
	UsageInFinishChunk
	// RejectsStreamOptions answers 400 "Unknown parameter:
	// 'stream_options'." (param stream_options, code unknown_parameter) to
	// a body that has stream_options, as proxies in front of servers that
	// predate it do (QuantumNous/new-api#418).
	RejectsStreamOptions
	// RejectsJSONSchema answers 400 "This response_format type is
	// unavailable now" to a body whose response_format is json_schema, as
	// DeepSeek does (it has json_object only); on the Responses API, 400
	// "Unsupported parameter: 'text.format'" to a json_schema text.format.
	RejectsJSONSchema
	// ShortToolCallIDs is Mistral's rule: the server's tool calls get IDs
	// of 9 letters and digits, and a request holding any other ID is
	// answered 400 "Tool call id was X but must be a-z, A-Z, 0-9, with a
	// length of 9." (anomalyco/opencode#1680).
	ShortToolCallIDs
	// ReasoningContent is DeepSeek's thinking mode: every answer carries
	// reasoning_content (streamed as delta.reasoning_content), and a
	// request whose assistant message with tool calls does not send back
	// the reasoning_content it came with is answered 400 "Missing
	// `reasoning_content` field in the assistant message at message index
	// N" (continuedev/continue#10193).
	ReasoningContent
	// ThoughtSignatures is Gemini's: every tool call carries
	// extra_content.google.thought_signature, and a request whose
	// assistant tool calls do not send back the signature they came with
	// is answered 400 INVALID_ARGUMENT "Function call is missing a
	// thought_signature" (earendil-works/pi#6733).
	ThoughtSignatures
	// AnyModelName is llama.cpp's llama-server: it serves its one model
	// under any name. GET /v1/models/{id} answers 404 {"error": {"message":
	// "File Not Found", "type": "not_found_error", "code": 404}}, GET
	// /v1/models lists only the server's model (its ai.Model's name), and
	// every answer names that model whatever was asked (transcripts
	// wire-one-call/00-models.txt and 15-bad-model.txt).
	AnyModelName
)

// WithQuirks makes the server reproduce quirks on its normal answers.
func WithQuirks(quirks ...Quirk) Option {
	return func(s *Server) {
		if s.quirks == nil {
			s.quirks = map[Quirk]bool{}
		}
		for _, q := range quirks {
			s.quirks[q] = true
		}
	}
}

// has reports whether the server has quirk q.
func (s *Server) has(q Quirk) bool { return s.quirks[q] }

// refuseByQuirk answers a chat completion body the server's quirks reject,
// as the server family does; false when none does.
func (s *Server) refuseByQuirk(w http.ResponseWriter, wr *wireRequest) bool {
	if s.has(RejectsStreamOptions) && wr.StreamOptions != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
			"message": "Unknown parameter: 'stream_options'.", "type": "invalid_request_error", "param": "stream_options", "code": "unknown_parameter"}})
		return true
	}
	if s.has(RejectsJSONSchema) && wr.ResponseFormat != nil && wr.ResponseFormat.Type == "json_schema" {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_request_error", "This response_format type is unavailable now")
		return true
	}
	if msg := s.quirkViolation(wr); msg != "" {
		switch {
		case s.has(ShortToolCallIDs) && strings.HasPrefix(msg, "Tool call id"):
			writeJSON(w, http.StatusBadRequest, map[string]any{"object": "error", "message": msg, "type": "invalid_request_error", "param": nil, "code": nil})
		case strings.HasPrefix(msg, "Function call"):
			writeJSON(w, http.StatusBadRequest, []any{map[string]any{"error": map[string]any{"code": 400, "message": msg, "status": "INVALID_ARGUMENT"}}})
		default:
			writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_request_error", msg)
		}
		return true
	}
	return false
}

// quirkViolation is the message of the first rule of the quirks a body
// breaks, or "".
func (s *Server) quirkViolation(wr *wireRequest) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range wr.Messages {
		if s.has(ShortToolCallIDs) && m.Role == "tool" && !shortID(m.ToolCallID) {
			return fmt.Sprintf("Tool call id was %s but must be a-z, A-Z, 0-9, with a length of 9.", m.ToolCallID)
		}
		for _, tc := range m.ToolCalls {
			if s.has(ShortToolCallIDs) && !shortID(tc.ID) {
				return fmt.Sprintf("Tool call id was %s but must be a-z, A-Z, 0-9, with a length of 9.", tc.ID)
			}
			if want, ok := s.reasonings[tc.ID]; ok && (m.ReasoningContent == nil || *m.ReasoningContent != want) {
				return fmt.Sprintf("Missing `reasoning_content` field in the assistant message at message index %d. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls", i)
			}
			if want, ok := s.signatures[tc.ID]; ok && signature(tc.ExtraContent) != want {
				return fmt.Sprintf("Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:%s` , position %d.", tc.Function.Name, i+1)
			}
		}
	}
	return ""
}

// signature reads extra_content.google.thought_signature.
func signature(extra json.RawMessage) string {
	var v struct {
		Google struct {
			ThoughtSignature string `json:"thought_signature"`
		} `json:"google"`
	}
	_ = json.Unmarshal(extra, &v)
	return v.Google.ThoughtSignature
}

// shortID reports an ID of 9 letters and digits.
func shortID(id string) bool {
	if len(id) != 9 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
