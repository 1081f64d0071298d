package openai_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// LocalAI's OpenAI-compatible API.
func TestConformanceLocalAI(t *testing.T) {
	lchunk := func(choice string, usage string) string {
		return `{"created":1708097828,"object":"chat.completion.chunk","id":"5cc56821-fbe8","model":"gpt-4","choices":[` + choice + `],"usage":` + usage + `}`
	}
	zero := `{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}`
	runWireCases(t, []wireCase{{
		// Streamed chunks without finish_reason (nor index) until the last,
		// and a usage object of zeros on every chunk.
		name:   "stream without finish_reason until the end, usage on every chunk",
		source: "https://github.com/mudler/LocalAI/issues/1744; https://github.com/mudler/LocalAI/issues/1194",
		stream: true,
		reply: sse(lchunk(`{"delta":{"role":"assistant","content":""}}`, zero), lchunk(`{"delta":{"content":"1 2"}}`, zero),
			lchunk(`{"delta":{"content":" 3"}}`, zero),
			lchunk(`{"index":0,"finish_reason":"stop","delta":{}}`, `{"prompt_tokens":7,"completion_tokens":5,"total_tokens":12}`), "[DONE]"),
		want: answer("1 2 3", "stop", ai.Usage{InputTokens: 7, OutputTokens: 5}),
	}, {
		// finish_reason "" rather than null while streaming.
		name:   "empty-string finish_reason",
		source: "https://github.com/mudler/LocalAI/issues/5102",
		stream: true,
		reply: sse(lchunk(`{"index":0,"finish_reason":"","delta":{"content":"Hi"}}`, zero),
			lchunk(`{"index":0,"finish_reason":"stop","delta":{}}`, zero), "[DONE]"),
		want: answer("Hi", "stop", ai.Usage{}),
	}, {
		// A non-streamed answer without finish_reason.
		name:   "no finish_reason",
		source: "https://github.com/mudler/LocalAI/issues/788",
		reply: openaitest.JSONBody(200, `{"object":"chat.completion","model":"gpt-4","choices":[{"message":{"role":"assistant","content":"This is a test!"}}],
			"usage":{"prompt_tokens":4,"completion_tokens":5,"total_tokens":9}}`),
		want: answer("This is a test!", "stop", ai.Usage{InputTokens: 4, OutputTokens: 5}),
	}, {
		// finish_reason "tool_calls" on a plain text answer with no call.
		name:   "tool_calls finish without tool calls",
		source: "https://github.com/mudler/LocalAI/issues/6218",
		reply: openaitest.JSONBody(200, `{"created":1757322665,"object":"chat.completion","id":"80bf24d7","model":"gemma-3-12b-it",
			"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Fill a glass."}}],
			"usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15}}`),
		want: answer("Fill a glass.", "stop", ai.Usage{InputTokens: 11, OutputTokens: 4}),
	}, {
		// A failing backend: HTTP 500 with an OpenAI-shaped error.
		name:   "backend error",
		source: "https://localai.io/features/text-generation/ (OpenAI-compatible errors); https://github.com/mudler/LocalAI/issues/1744",
		reply: openaitest.Status(500, "Content-Type", "application/json").
			WithBody(`{"error":{"code":500,"message":"rpc error: code = Unavailable desc = error reading from server: EOF","type":""}}`),
		err: &wantErr{transient: true, status: 500, msg: "rpc error"},
	}})
}
