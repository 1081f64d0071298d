package openai_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// vLLM's OpenAI-compatible server.
func TestConformanceVLLM(t *testing.T) {
	vchunk := func(delta, finish string, usage string) string {
		return `{"id":"chatcmpl-a0e8","object":"chat.completion.chunk","created":1,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":` + delta +
			`,"logprobs":null,"finish_reason":` + finish + `,"stop_reason":null}],"usage":` + usage + `}`
	}
	runWireCases(t, []wireCase{{
		// Errors are {"object":"error","message","type":"BadRequestError",
		// "param","code":400} — not wrapped in "error" — over HTTP 400.
		name:   "context length over HTTP",
		source: "https://github.com/vllm-project/vllm/issues/4667; https://github.com/vllm-project/vllm/issues/20409",
		reply:  openaitest.Status(400, "Content-Type", "application/json").WithBody(vllmCtx),
		err:    &wantErr{status: 400, code: "BadRequestError", msg: "maximum context length is 4096 tokens"},
	}, {
		// The same object inside a stream (issue 8, input 4c).
		name:   "object error in the stream",
		source: "https://github.com/vllm-project/vllm/issues/4667 (the error object's shape)",
		stream: true,
		reply:  sse(vllmCtx),
		err:    &wantErr{is: []error{openai.ErrInBandError}, status: 400, code: "BadRequestError", msg: "maximum context length is 4096 tokens"},
	}, {
		// The error wrapped in "error", numeric code, inside the stream: what
		// vLLM-like servers (llm-d's simulator) send on max_model_len.
		name:   "wrapped error with numeric code in the stream",
		source: "https://github.com/llm-d/llm-d-inference-sim/issues/596",
		stream: true,
		reply:  sse(`{"error":{"message":"This model's maximum context length is 1024 tokens. However, you requested 1029 tokens (1028 in the messages, 1 in the completion). Please reduce the length of the messages or completion","type":"BadRequestError","param":null,"code":400}}`),
		err:    &wantErr{is: []error{openai.ErrInBandError}, status: 400, code: "BadRequestError", msg: "maximum context length is 1024"},
	}, {
		// Streamed tool calls with ids "chatcmpl-tool-…", finish_reason null
		// on every chunk and a stop_reason field.
		name:   "streamed tool call",
		source: "https://github.com/vllm-project/vllm/pull/19662",
		stream: true,
		reply: sse(
			vchunk(`{"tool_calls":[{"id":"chatcmpl-tool-040af5","type":"function","index":0,"function":{"name":"get_weather","arguments":""}}]}`, "null", "null"),
			vchunk(`{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Paris\"}"}}]}`, "null", "null"),
			vchunk(`{"content":""}`, `"tool_calls"`, "null"), usageChunk, "[DONE]"),
		want: answer("", "tool_calls", usage17x8, call("chatcmpl-tool-040af5", "get_weather", `{"city": "Paris"}`)),
	}, {
		// stream_options.continuous_usage_stats: every chunk carries the
		// running usage; the last one is the total (never summed).
		name:   "continuous usage stats",
		source: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html (stream_options continuous_usage_stats)",
		stream: true,
		reply: sse(
			vchunk(`{"role":"assistant","content":"Hel"}`, "null", `{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}`),
			vchunk(`{"content":"lo"}`, "null", `{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}`),
			vchunk(`{"content":""}`, `"stop"`, `{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}`),
			"[DONE]"),
		want: answer("Hello", "stop", ai.Usage{InputTokens: 9, OutputTokens: 3}),
	}, {
		// finish_reason "length" when max_tokens is reached mid tool call.
		name:   "length mid tool call",
		source: "https://platform.openai.com/docs/api-reference/chat/object (finish_reason length, which vLLM reports the same way)",
		stream: true,
		reply: sse(
			vchunk(`{"tool_calls":[{"id":"chatcmpl-tool-1","type":"function","index":0,"function":{"name":"get_weather","arguments":"{\"city\": \"Par"}}]}`, "null", "null"),
			vchunk(`{"content":""}`, `"length"`, "null"), usageChunk, "[DONE]"),
		err: &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "1 tool call(s) cut off and not run"},
	}, {
		// vLLM before 0.6.4 forbade fields it did not know: a request with
		// max_completion_tokens (what OpenAI's own family sends) is a 400
		// whose message is pydantic's error list as a string. The error
		// names the field and the option; the vLLM family sends max_tokens
		// (TestFamilyRequestFields).
		name:   "max_completion_tokens refused by an older vLLM",
		source: "voideditor/void#128; vllm-project/vllm#10078 (fixed in v0.6.4 by vllm-project/vllm#9837)",
		opts:   []openai.Option{openai.WithMaxTokens(8192), openai.WithTokenCapField(openai.CapMaxCompletionTokens)},
		reply: openaitest.Status(400, "Content-Type", "application/json").WithBody(`{"object":"error","message":"[{'type': 'extra_forbidden', 'loc': ('body', 'max_completion_tokens'), ` +
			`'msg': 'Extra inputs are not permitted', 'input': 8192}]","type":"BadRequestError","param":null,"code":400}`),
		err: &wantErr{is: []error{openai.ErrRejectedField, ai.ErrPermanent}, status: 400, code: "BadRequestError",
			msg: "the server rejected the optional request field max_completion_tokens: stop sending it with openai.WithTokenCapField(openai.CapMaxTokens)"},
	}, {
		// finish_reason "abort": the engine aborted the request mid-answer
		// (a failure, not an answer): transient, the text discarded.
		name:   "finish_reason abort",
		source: "https://github.com/vllm-project/vllm/blob/main/vllm/v1/engine/__init__.py (FinishReason.ABORT, reported as \"abort\")",
		stream: true,
		reply: sse(vchunk(`{"role":"assistant","content":"The answ"}`, "null", "null"),
			vchunk(`{"content":""}`, `"abort"`, "null"), "[DONE]"),
		err: &wantErr{is: []error{openai.ErrAnswerFailed}, transient: true, code: "abort", msg: "finish_reason \"abort\""},
	}, {
		// Reasoning parsers put the thinking in reasoning_content (newer
		// versions in "reasoning"); either is kept apart from the answer.
		name:   "reasoning_content from a reasoning parser",
		source: "https://docs.vllm.ai/en/latest/features/reasoning_outputs.html",
		stream: true,
		reply: sse(vchunk(`{"role":"assistant","reasoning_content":"Two plus two."}`, "null", "null"),
			vchunk(`{"reasoning":"","content":"4"}`, "null", "null"),
			vchunk(`{"content":""}`, `"stop"`, `{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16,"completion_tokens_details":{"reasoning_tokens":5}}`), "[DONE]"),
		want: &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "4", Reasoning: "Two plus two."},
			Usage: ai.Usage{InputTokens: 9, OutputTokens: 7, ReasoningTokens: 5}, FinishReason: "stop"},
	}})
}
