package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// encryptedInclude is the include value that asks for reasoning items'
// encrypted_content (a stateless request to a reasoning model).
const encryptedInclude = "reasoning.encrypted_content"

// responses serves POST /v1/responses, as [Server.chat] serves chat
// completions: validated ([ValidateResponsesRequest]), faults, the model's
// answer as a response object or as the Responses API's stream events.
// A request that includes "reasoning.encrypted_content" gets a reasoning
// item before each answer's output, and the next request must send it back
// before the function calls it came with, as OpenAI requires without
// server-side storage ("Item 'fc_X' of type 'function_call' was provided
// without its required 'reasoning' item: 'rs_X'.").
func (s *Server) responses(w http.ResponseWriter, r *http.Request) {
	body, ok := s.intake(w, r, "responses", ValidateResponsesRequest)
	if !ok {
		return
	}
	var wr respRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_value", err.Error())
		return
	}
	if msg := s.reasoningViolation(&wr); msg != "" {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "", msg)
		return
	}
	if s.has(RejectsJSONSchema) && wr.Text != nil && wr.Text.Format != nil && wr.Text.Format.Type == "json_schema" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
			"message": "Unsupported parameter: 'text.format' of type json_schema.", "type": "invalid_request_error", "param": "text.format", "code": "unsupported_parameter"}})
		return
	}
	fault, faulted, ok := s.takeFault(r)
	if !ok {
		return
	}
	id := "resp_" + strings.TrimPrefix(s.nextID(), "chatcmpl-")
	if faulted {
		s.serveFault(w, r, fault, responsesShapes(id, &wr))
		return
	}
	req, err := wr.toAI()
	if err != nil {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_value", err.Error())
		return
	}
	reasoning := slices.Contains(wr.Include, encryptedInclude)
	if wr.Stream {
		s.responsesStream(w, r, &wr, req, id, reasoning)
		return
	}
	resp, err := s.model.Generate(r.Context(), req)
	if err != nil {
		if r.Context().Err() == nil {
			writeModelError(w, err)
		}
		return
	}
	writeJSON(w, http.StatusOK, responseObject(id, s.answerModel(wr.Model), resp, s.outputItems(id, resp, reasoning)))
}

// reasoningViolation is OpenAI's message for a function call sent without
// the reasoning item it came with, or "".
func (s *Server) reasoningViolation(wr *respRequest) string {
	items, err := wr.items()
	if err != nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{} // encrypted contents sent so far
	for _, it := range items {
		switch it.Type {
		case "reasoning":
			if it.EncryptedContent != nil {
				seen[*it.EncryptedContent] = true
			}
		case "function_call":
			if want, ok := s.encrypted[it.CallID]; ok && !seen[want] {
				return fmt.Sprintf("Item 'fc_%s' of type 'function_call' was provided without its required 'reasoning' item: 'rs_%s'.", it.CallID, it.CallID)
			}
		}
	}
	return ""
}

// outputItems are an answer's output items: a reasoning item when asked
// for, the message, the function calls.
func (s *Server) outputItems(id string, resp *ai.Response, reasoning bool) []map[string]any {
	calls := s.withIDs(resp.Message.ToolCalls, "c")
	var out []map[string]any
	if reasoning {
		item := reasoningItem(id)
		enc := item["encrypted_content"].(string)
		out = append(out, item)
		s.mu.Lock()
		for _, c := range calls {
			s.encrypted[c.ID] = enc
		}
		s.mu.Unlock()
	}
	if resp.Message.Content != "" || len(calls) == 0 {
		out = append(out, messageItem(id, resp.Message.Content))
	}
	for _, c := range calls {
		out = append(out, functionCallItem(c))
	}
	return out
}

// reasoningItem is the reasoning item of response id, with its encrypted
// content.
func reasoningItem(id string) map[string]any {
	return map[string]any{"type": "reasoning", "id": "rs_" + strings.TrimPrefix(id, "resp_"),
		"summary": []any{map[string]any{"type": "summary_text", "text": "Reasoning of " + id + "."}}, "encrypted_content": "enc-" + id}
}

func messageItem(id, text string) map[string]any {
	return map[string]any{"type": "message", "id": "msg_" + strings.TrimPrefix(id, "resp_"), "status": "completed", "role": "assistant",
		"content": []any{map[string]any{"type": "output_text", "text": text, "annotations": []any{}}}}
}

func functionCallItem(c ai.ToolCall) map[string]any {
	return map[string]any{"type": "function_call", "id": "fc_" + c.ID, "call_id": c.ID, "name": c.Name, "arguments": c.Arguments, "status": "completed"}
}

// responseObject is a response object with its status from the model's
// finish reason: "length" is incomplete (max_output_tokens),
// "content_filter" incomplete (content_filter).
func responseObject(id, model string, resp *ai.Response, output []map[string]any) map[string]any {
	status, incomplete := "completed", any(nil)
	switch resp.FinishReason {
	case "length":
		status, incomplete = "incomplete", map[string]any{"reason": "max_output_tokens"}
	case "content_filter":
		status, incomplete = "incomplete", map[string]any{"reason": "content_filter"}
	}
	if output == nil {
		output = []map[string]any{}
	}
	u := resp.Usage
	return map[string]any{
		"id": id, "object": "response", "created_at": time.Now().Unix(), "status": status, "model": model,
		"error": nil, "incomplete_details": incomplete, "output": output, "parallel_tool_calls": true,
		"tool_choice": "auto", "tools": []any{}, "store": false, "text": map[string]any{"format": map[string]any{"type": "text"}},
		"usage": map[string]any{
			"input_tokens": u.InputTokens, "input_tokens_details": map[string]any{"cached_tokens": u.CachedInputTokens},
			"output_tokens": u.OutputTokens, "output_tokens_details": map[string]any{"reasoning_tokens": u.ReasoningTokens},
			"total_tokens": u.Total(),
		},
	}
}

// responsesShapes are the Responses API shapes of the faults.
func responsesShapes(id string, wr *respRequest) faultShapes {
	start, _ := json.Marshal(map[string]any{"type": "response.created", "sequence_number": 0,
		"response": map[string]any{"id": id, "object": "response", "status": "in_progress", "model": wr.Model, "output": []any{}}})
	partial, _ := json.Marshal(map[string]any{"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_x",
		"output_index": 0, "content_index": 0, "delta": "This answer was cut sho"})
	resp := &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "This answer was cut short by the server."}}
	full, _ := json.Marshal(responseObject(id, wr.Model, resp, []map[string]any{messageItem(id, resp.Message.Content)}))
	return faultShapes{
		stream: wr.Stream, start: start, partial: partial, full: full,
		brokenEvent: `{"type": "response.output_text.delta", "delta": [ this is not JSON`,
		brokenBody:  `{"id": "resp_malformed", "object": "response", "output": [ this is not JSON ]}`,
	}
}
