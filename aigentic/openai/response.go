package openai

import (
	"encoding/json"
	"fmt"
	"strconv"

	oai "github.com/openai/openai-go/v3"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// knownToolCallFields are the fields of a tool call this package reads;
// any other a server sends on one (Gemini's extra_content with its
// thought_signature) is kept in ai.ToolCall.Opaque and sent back.
var knownToolCallFields = map[string]bool{"id": true, "type": true, "function": true, "index": true}

// replayedMessageFields are the fields of an assistant message a server
// documents as needing back verbatim (OpenRouter's reasoning_details,
// https://openrouter.ai/docs/use-cases/reasoning-tokens#preserving-reasoning-blocks):
// kept in ai.Message.Opaque.
var replayedMessageFields = []string{"reasoning_details"}

// messageExtras are the parts of an assistant message (or of a stream
// delta) outside OpenAI's schema that this package reads.
type messageExtras struct {
	ReasoningContent *string         `json:"reasoning_content"`
	Reasoning        *string         `json:"reasoning"`
	ReasoningDetails json.RawMessage `json:"reasoning_details"`
}

// reasoningText is the reasoning of a message or delta: reasoning_content
// (DeepSeek, vLLM, llama.cpp) or reasoning (OpenRouter, Ollama, newer
// vLLM).
func (e *messageExtras) reasoningText() string {
	if e.ReasoningContent != nil && *e.ReasoningContent != "" {
		return *e.ReasoningContent
	}
	if e.Reasoning != nil {
		return *e.Reasoning
	}
	return ""
}

// response maps a non-streamed completion to an ai.Response, or to the
// error it reports: an in-band error object, the other API's shape, a
// finish reason that is not an answer ([Model.answer]).
func (m *Model) response(res *oai.ChatCompletion, x *exchange) (*ai.Response, error) {
	if res != nil {
		raw := []byte(res.RawJSON())
		if ib, ok := parseInBand("", raw); ok {
			// A compatible server reporting a failure with a 2xx.
			return nil, m.inBandError(ib, 0, nil, x)
		}
		if len(res.Choices) == 0 {
			if what, ok := responsesShape(raw); ok {
				return nil, m.wrongAPI(x.status, what, ChatCompletionsAPI)
			}
		}
	}
	if res == nil || len(res.Choices) == 0 {
		return nil, m.malformed(x.status, "the answer has no choices")
	}
	c := res.Choices[0]
	msg := ai.Message{Role: ai.RoleAssistant, Content: c.Message.Content}
	var extras messageExtras
	_ = json.Unmarshal([]byte(c.Message.RawJSON()), &extras)
	msg.Reasoning = extras.reasoningText()
	msg.Opaque = m.messageOpaque(extras.ReasoningDetails)
	rawCalls := toolCallObjects(c.Message.RawJSON())
	for i, tc := range c.Message.ToolCalls {
		if tc.Type != "" && tc.Type != "function" {
			return nil, m.malformed(x.status, fmt.Sprintf("tool call %d has unsupported type %q", i, tc.Type))
		}
		// An empty ID is left for the agent to fill in, unique in the run.
		call := ai.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments}
		if i < len(rawCalls) {
			call.Opaque = m.callOpaque(rawCalls[i])
		}
		msg.ToolCalls = append(msg.ToolCalls, call)
	}
	msg.ToolCalls = dedupeCalls(msg.ToolCalls)
	var filters string
	if f, ok := c.JSON.ExtraFields["content_filter_results"]; ok {
		filters = filteredCategories([]byte(f.Raw()))
	}
	resp, err := m.answer(answerParts{msg: msg, reason: c.FinishReason, filters: filters, usage: usageOf(res.Usage), refusal: c.Message.Refusal, status: x.status})
	if resp != nil {
		resp.ID, resp.Model = res.ID, res.Model
	}
	return resp, err
}

// toolCallObjects decodes the tool calls of a message's JSON as raw
// objects, for the fields this package does not read.
func toolCallObjects(raw string) []map[string]json.RawMessage {
	var v struct {
		ToolCalls []map[string]json.RawMessage `json:"tool_calls"`
	}
	_ = json.Unmarshal([]byte(raw), &v)
	return v.ToolCalls
}

// callOpaque keeps a tool call's unknown fields (non-null) for the server
// that sent them; nil when there are none.
func (m *Model) callOpaque(obj map[string]json.RawMessage) *ai.Opaque {
	var fields map[string]json.RawMessage
	for k, v := range obj {
		if knownToolCallFields[k] || len(v) == 0 || string(v) == "null" {
			continue
		}
		if fields == nil {
			fields = map[string]json.RawMessage{}
		}
		fields[k] = append(json.RawMessage(nil), v...)
	}
	if fields == nil {
		return nil
	}
	return &ai.Opaque{Origin: m.origin(), Fields: fields}
}

// messageOpaque keeps a message's reasoning_details; nil when absent.
func (m *Model) messageOpaque(details json.RawMessage) *ai.Opaque {
	if len(details) == 0 || string(details) == "null" || string(details) == "[]" {
		return nil
	}
	return &ai.Opaque{Origin: m.origin(), Fields: map[string]json.RawMessage{replayedMessageFields[0]: append(json.RawMessage(nil), details...)}}
}

// tokenCount is a server's token count within [0, ai.MaxUsageTokens]: a
// count below zero would give tokens back to every budget and meter that
// adds it up, and a huge one wrap their sums.
func tokenCount[N int | int64](n N) int { return int(min(max(n, 0), ai.MaxUsageTokens)) }

// usageOf reads a usage object: prompt and completion tokens, reasoning
// tokens (completion_tokens_details.reasoning_tokens) and cached prompt
// tokens (prompt_tokens_details.cached_tokens, or DeepSeek's
// prompt_cache_hit_tokens,
// https://api-docs.deepseek.com/guides/kv_cache).
func usageOf(u oai.CompletionUsage) ai.Usage {
	out := ai.Usage{
		InputTokens:       tokenCount(u.PromptTokens),
		OutputTokens:      tokenCount(u.CompletionTokens),
		ReasoningTokens:   tokenCount(u.CompletionTokensDetails.ReasoningTokens),
		CachedInputTokens: tokenCount(u.PromptTokensDetails.CachedTokens),
	}
	if out.CachedInputTokens == 0 {
		if f, ok := u.JSON.ExtraFields["prompt_cache_hit_tokens"]; ok {
			if n, err := strconv.Atoi(f.Raw()); err == nil && n > 0 {
				out.CachedInputTokens = n
			}
		}
	}
	return out
}
