package openai_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// llama.cpp's server (llama-server), /v1/chat/completions.
func TestConformanceLlamaCpp(t *testing.T) {
	const ctxErr = `{"error":{"code":400,"message":"the request exceeds the available context size. try increasing the context size or enable context shift","type":"exceed_context_size_error","n_prompt_tokens":14429,"n_ctx":8192}}`
	lchunk := func(delta, finish string) string {
		return `{"choices":[{"finish_reason":` + finish + `,"index":0,"delta":` + delta + `}],"created":1,"id":"chatcmpl-Ab3","model":"gpt-3.5-turbo","system_fingerprint":"b6000","object":"chat.completion.chunk"}`
	}
	runWireCases(t, []wireCase{{
		// A prompt longer than the context: type exceed_context_size_error,
		// with the token counts, over HTTP 400.
		name:   "context size exceeded over HTTP",
		source: "https://github.com/ggml-org/llama.cpp/pull/15780; https://github.com/ikawrakow/ik_llama.cpp/pull/2420 (400 upstream)",
		reply:  openaitest.Status(400, "Content-Type", "application/json").WithBody(ctxErr),
		err:    &wantErr{status: 400, code: "exceed_context_size_error", msg: "exceeds the available context size"},
	}, {
		// The same body reported without the HTTP status matching it.
		name:   "context size exceeded in a 200",
		source: "https://github.com/oobabooga/textgen/issues/7257",
		reply:  openaitest.JSONBody(200, ctxErr),
		err:    &wantErr{is: []error{openai.ErrInBandError}, status: 400, code: "exceed_context_size_error", msg: "exceeds the available context size"},
	}, {
		// The same error as a stream event, as the server sends it once the
		// stream has started.
		name:   "context size exceeded in the stream",
		source: "https://github.com/ggml-org/llama.cpp/pull/15780 (the error object)",
		stream: true,
		reply:  sse(ctxErr),
		err:    &wantErr{is: []error{openai.ErrInBandError}, status: 400, code: "exceed_context_size_error", msg: "exceeds the available context size"},
	}, {
		// While the model loads: 503 with type unavailable_error.
		name:   "model loading",
		source: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (GET /health: 503 Loading model)",
		reply: openaitest.Status(503, "Content-Type", "application/json").
			WithBody(`{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`),
		err: &wantErr{transient: true, status: 503, code: "unavailable_error", msg: "Loading model"},
	}, {
		// Streamed text: the finish chunk, then a usage chunk with "timings".
		name:   "streamed text with timings",
		source: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (OpenAI-compatible chat completions; timings)",
		stream: true,
		reply: sse(lchunk(`{"role":"assistant","content":null}`, "null"), lchunk(`{"content":"Hi"}`, "null"), lchunk(`{}`, `"stop"`),
			`{"choices":[],"created":1,"id":"chatcmpl-Ab3","model":"gpt-3.5-turbo","object":"chat.completion.chunk","usage":{"completion_tokens":2,"prompt_tokens":12,"total_tokens":14},"timings":{"prompt_n":12,"predicted_n":2}}`,
			"[DONE]"),
		want: answer("Hi", "stop", ai.Usage{InputTokens: 12, OutputTokens: 2}),
	}, {
		// Streamed tool call (--jinja): id and name first, arguments after.
		name:   "streamed tool call",
		source: "https://github.com/ggml-org/llama.cpp/blob/master/docs/function-calling.md",
		stream: true,
		reply: sse(lchunk(`{"tool_calls":[{"index":0,"id":"KxYhWDbL2nE","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]}`, "null"),
			lchunk(`{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}`, "null"), lchunk(`{}`, `"tool_calls"`), "[DONE]"),
		want: answer("", "tool_calls", ai.Usage{}, call("KxYhWDbL2nE", "get_weather", `{"city":"Paris"}`)),
	}})
}
