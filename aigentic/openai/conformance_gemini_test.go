package openai_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Gemini's OpenAI-compatible endpoint
// (https://generativelanguage.googleapis.com/v1beta/openai/).
func TestConformanceGemini(t *testing.T) {
	gchunk := func(delta, finish string) string {
		return `{"choices":[{"delta":` + delta + `,"finish_reason":` + finish + `,"index":0}],"created":1737330953,"model":"gemini-2.5-flash","object":"chat.completion.chunk"}`
	}
	runWireCases(t, []wireCase{{
		// Streamed tool calls end with finish_reason "stop", not
		// "tool_calls" (non-streamed answers say "tool_calls").
		name:   "streamed tool call ending with stop",
		source: "https://github.com/googleapis/python-genai/issues/2868",
		stream: true,
		reply: sse(gchunk(`{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"function-call-1","index":0,"type":"function"}]}`, "null"),
			gchunk(`{"role":"assistant"}`, `"stop"`),
			`{"choices":[],"created":1737330953,"model":"gemini-2.5-flash","object":"chat.completion.chunk","usage":{"completion_tokens":6,"prompt_tokens":50,"total_tokens":56}}`,
			"[DONE]"),
		want: answer("", "tool_calls", ai.Usage{InputTokens: 50, OutputTokens: 6}, call("function-call-1", "get_weather", `{"city":"Paris"}`)),
	}, {
		// A non-streamed tool call with an empty id and finish_reason "stop".
		// The empty id is passed on: the agent gives it one unique in the run.
		name:   "tool call with an empty id",
		source: "https://github.com/microsoft/autogen/issues/4878",
		reply: openaitest.JSONBody(200, `{"id":null,"choices":[{"finish_reason":"stop","index":0,"message":{"content":null,"role":"assistant",
			"tool_calls":[{"id":"","function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"type":"function"}]}}],
			"created":1737330953,"model":"gemini-2.0-flash","object":"chat.completion","usage":{"completion_tokens":6,"prompt_tokens":50,"total_tokens":56}}`),
		want: answer("", "tool_calls", ai.Usage{InputTokens: 50, OutputTokens: 6}, call("", "get_weather", `{"city":"Paris"}`)),
	}, {
		// Errors come as a JSON array of Google error objects.
		name:   "rate limit as an array",
		source: "https://github.com/n4ze3m/page-assist/issues/406",
		reply: openaitest.Status(429, "Content-Type", "application/json").
			WithBody(`[{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}]`),
		err: &wantErr{transient: true, status: 429, code: "RESOURCE_EXHAUSTED", msg: "Resource has been exhausted"},
	}, {
		// A bad key: 400 INVALID_ARGUMENT, in the same array shape.
		name:   "bad key",
		source: "https://ai.google.dev/gemini-api/docs/troubleshooting (400 INVALID_ARGUMENT); array shape as in https://github.com/n4ze3m/page-assist/issues/406",
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(`[{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}]`),
		err: &wantErr{status: 400, code: "INVALID_ARGUMENT", msg: "API key not valid"},
	}, {
		// Gateways in front of Gemini repeat finish_reason "stop" on every
		// chunk: the answer goes on until the stream ends.
		name:   "finish_reason stop on every chunk",
		source: "https://github.com/QuantumNous/new-api/issues/378",
		stream: true,
		reply:  sse(gchunk(`{"content":"Hello"}`, `"stop"`), gchunk(`{"content":", I can"}`, `"stop"`), gchunk(`{"content":" help."}`, `"stop"`), "[DONE]"),
		want:   answer("Hello, I can help.", "stop", ai.Usage{}),
	}, {
		// Plain text, usage, as documented.
		name:   "text",
		source: "https://ai.google.dev/gemini-api/docs/openai",
		reply: openaitest.JSONBody(200, `{"choices":[{"finish_reason":"stop","index":0,"message":{"content":"AI learns patterns from data.","role":"assistant"}}],
			"created":1740000000,"id":"abc","model":"gemini-2.5-flash","object":"chat.completion","usage":{"completion_tokens":7,"prompt_tokens":8,"total_tokens":15}}`),
		want: answer("AI learns patterns from data.", "stop", ai.Usage{InputTokens: 8, OutputTokens: 7}),
	}})
}
