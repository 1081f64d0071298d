package openai_test

import (
	"encoding/json"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// OpenRouter (https://openrouter.ai/api/v1): a provider failing
// mid-answer, reasoning and its reasoning_details.
func TestConformanceOpenRouter(t *testing.T) {
	ochunk := func(delta, finish string) string {
		return `{"id":"gen-1","provider":"Chutes","model":"deepseek/deepseek-r1","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":` + delta + `,"finish_reason":` + finish + `,"native_finish_reason":` + finish + `,"logprobs":null}]}`
	}
	details := `[{"type":"reasoning.text","text":"Look it up.","format":"unknown","index":0},{"type":"reasoning.encrypted","data":"gAAAAB","format":"openai-responses-v1","index":1}]`
	runWireCases(t, []wireCase{{
		// finish_reason "error": the provider failed mid-answer. The text
		// so far is not an answer: a transient failure, retried.
		name:   "finish_reason error mid-stream",
		source: "https://openrouter.ai/docs/api-reference/overview (finish_reason \"error\"); razzant/claudexor#144",
		stream: true,
		reply:  sse(ochunk(`{"role":"assistant","content":"The weather in Par"}`, "null"), ochunk(`{"content":""}`, `"error"`), "[DONE]"),
		err:    &wantErr{is: []error{openai.ErrAnswerFailed, ai.ErrTransient}, transient: true, code: "error", msg: "finish_reason \"error\""},
	}, {
		name:   "finish_reason error, not streamed",
		source: "https://openrouter.ai/docs/api-reference/overview (finish_reason \"error\")",
		reply: openaitest.JSONBody(200, `{"id":"gen-2","provider":"Chutes","model":"deepseek/deepseek-r1","object":"chat.completion","created":1,
			"choices":[{"index":0,"message":{"role":"assistant","content":"The weather in Par"},"finish_reason":"error","native_finish_reason":"error"}],
			"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`),
		err: &wantErr{is: []error{openai.ErrAnswerFailed}, transient: true, code: "error", msg: "it failed mid-answer"},
	}, {
		// The failure as an error object on the finishing chunk: the
		// in-band error wins, classified by its code.
		name:   "an error object with finish_reason error",
		source: "https://openrouter.ai/docs/api-reference/errors (errors during streaming)",
		stream: true,
		reply: sse(ochunk(`{"role":"assistant","content":"Par"}`, "null"),
			`{"id":"gen-3","object":"chat.completion.chunk","created":1,"model":"deepseek/deepseek-r1","provider":"Chutes","error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}`),
		err: &wantErr{is: []error{openai.ErrInBandError}, transient: true, code: "server_error", msg: "Provider disconnected"},
	}, {
		// Reasoning as "reasoning", and reasoning_details to send back
		// verbatim (ai.Message.Opaque), with the reasoning tokens.
		name:   "reasoning and reasoning_details, not streamed",
		source: "https://openrouter.ai/docs/use-cases/reasoning-tokens (reasoning, reasoning_details; preserving reasoning blocks)",
		opts:   []openai.Option{openai.WithFamily(openai.FamilyOpenRouter)},
		reply: openaitest.JSONBody(200, `{"id":"gen-4","provider":"OpenAI","model":"openai/o4-mini","object":"chat.completion","created":1,
			"choices":[{"index":0,"message":{"role":"assistant","content":"Sunny.","reasoning":"Look it up.","reasoning_details":`+details+`},"finish_reason":"stop"}],
			"usage":{"prompt_tokens":20,"completion_tokens":30,"total_tokens":50,"completion_tokens_details":{"reasoning_tokens":24},"prompt_tokens_details":{"cached_tokens":0}}}`),
		want: &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "Sunny.", Reasoning: "Look it up.",
			Opaque: &ai.Opaque{Origin: "openai/chat/openrouter", Fields: map[string]json.RawMessage{"reasoning_details": json.RawMessage(details)}}},
			Usage: ai.Usage{InputTokens: 20, OutputTokens: 30, ReasoningTokens: 24}, FinishReason: "stop"},
	}, {
		name:   "reasoning and reasoning_details streamed",
		source: "https://openrouter.ai/docs/use-cases/reasoning-tokens (streaming reasoning_details)",
		stream: true,
		opts:   []openai.Option{openai.WithFamily(openai.FamilyOpenRouter)},
		reply: sse(ochunk(`{"role":"assistant","content":"","reasoning":"Look ","reasoning_details":[{"type":"reasoning.text","text":"Look ","index":0}]}`, "null"),
			ochunk(`{"content":"","reasoning":"it up.","reasoning_details":[{"type":"reasoning.encrypted","data":"gAAAAB","index":1}]}`, "null"),
			ochunk(`{"content":"Sunny."}`, "null"), ochunk(`{"content":""}`, `"stop"`), "[DONE]"),
		want: &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "Sunny.", Reasoning: "Look it up.",
			Opaque: &ai.Opaque{Origin: "openai/chat/openrouter", Fields: map[string]json.RawMessage{
				"reasoning_details": json.RawMessage(`[{"type":"reasoning.text","text":"Look ","index":0},{"type":"reasoning.encrypted","data":"gAAAAB","index":1}]`)}}},
			FinishReason: "stop"},
	}})
}
