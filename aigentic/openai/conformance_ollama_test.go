package openai_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Ollama's OpenAI-compatible API (/v1/chat/completions).
func TestConformanceOllama(t *testing.T) {
	ollama := func(delta, finish string) string {
		return `{"id":"chatcmpl-693","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":` + delta + `,"finish_reason":` + finish + `}]}`
	}
	usage := `{"id":"chatcmpl-693","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}}`
	u30x12 := ai.Usage{InputTokens: 30, OutputTokens: 12}
	runWireCases(t, []wireCase{{
		// Several tool calls in one streamed answer, each whole in its own
		// chunk, every one at index 0 (the input of issue 8's kind 1).
		name:   "parallel tool calls all at index 0",
		source: "https://github.com/ollama/ollama/issues/15457; https://github.com/vercel/ai/pull/14277",
		stream: true,
		reply: sse(
			ollama(`{"role":"assistant","content":"","tool_calls":[{"id":"call_k2a","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}`, "null"),
			ollama(`{"role":"assistant","content":"","tool_calls":[{"id":"call_p9x","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]}`, "null"),
			ollama(`{"role":"assistant","content":""}`, `"tool_calls"`), usage, "[DONE]"),
		want: answer("", "tool_calls", u30x12, call("call_k2a", "get_weather", `{"city":"Paris"}`), call("call_p9x", "get_weather", `{"city":"Rome"}`)),
	}, {
		// Before 0.4.7 the streamed tool calls had no index at all.
		name:   "tool calls without index",
		source: "https://github.com/ollama/ollama/issues/7881",
		stream: true,
		reply: sse(
			ollama(`{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]}`, "null"),
			ollama(`{"role":"assistant","content":""}`, `"stop"`), "[DONE]"),
		want: answer("", "tool_calls", ai.Usage{}, call("call_1", "get_weather", `{"city":"Paris"}`), call("call_2", "get_weather", `{"city":"Oslo"}`)),
	}, {
		// finish_reason "" (not null) on every chunk before the last, and the
		// role repeated in every delta.
		name:   "empty-string finish_reason while streaming",
		source: "https://github.com/ollama/ollama/issues/4357",
		stream: true,
		reply: sse(ollama(`{"role":"assistant","content":" Hello"}`, `""`), ollama(`{"role":"assistant","content":" there"}`, `""`),
			ollama(`{"role":"assistant","content":""}`, `"stop"`), usage, "[DONE]"),
		want: answer(" Hello there", "stop", u30x12),
	}, {
		// An unknown model is a 404 with an OpenAI-shaped error whose type is
		// api_error and code null.
		name:   "model not pulled",
		source: "https://github.com/ollama/ollama/blob/main/docs/openai.md (errors follow OpenAI's shape); model-not-found text from ollama's server",
		reply: openaitest.Status(404, "Content-Type", "application/json").
			WithBody(`{"error":{"message":"model \"llama9\" not found, try pulling it first","type":"api_error","param":null,"code":null}}`),
		err: &wantErr{status: 404, code: "api_error", msg: "try pulling it first"},
	}, {
		// Non-streamed tool call answer.
		name:   "non-streamed tool call",
		source: "https://github.com/ollama/ollama/blob/main/docs/openai.md (tools supported)",
		reply: openaitest.JSONBody(200, `{"id":"chatcmpl-5","object":"chat.completion","created":1,"model":"qwen3","system_fingerprint":"fp_ollama",
			"choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":"call_zq","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],
			"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}}`),
		want: answer("", "tool_calls", u30x12, call("call_zq", "get_weather", `{"city":"Paris"}`)),
	}})
}
