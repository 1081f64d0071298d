package openai_test

import (
	"errors"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// OpenAI's own API: the reference shapes.
func TestConformanceOpenAI(t *testing.T) {
	runWireCases(t, []wireCase{{
		// The chat completion object: choices[0].message, finish_reason, usage.
		name:   "text answer",
		source: "https://platform.openai.com/docs/api-reference/chat/object",
		reply:  openaitest.JSONBody(200, completion("Hello!", "stop")),
		want:   answer("Hello!", "stop", usage21x9),
	}, {
		// Parallel function calling: several tool_calls, each with its id.
		name:   "parallel tool calls",
		source: "https://platform.openai.com/docs/guides/function-calling (parallel function calling)",
		reply: openaitest.JSONBody(200, completion("", "tool_calls",
			[3]string{"call_1", "get_weather", `{"city":"Paris"}`}, [3]string{"call_2", "get_weather", `{"city":"Rome"}`})),
		want: answer("", "tool_calls", usage21x9, call("call_1", "get_weather", `{"city":"Paris"}`), call("call_2", "get_weather", `{"city":"Rome"}`)),
	}, {
		// The refusal field carries a refusal when content is null: a
		// permanent *ai.RefusalError, streamed or not (TestRefusals).
		name:   "refusal",
		source: "https://platform.openai.com/docs/guides/structured-outputs (refusals)",
		reply: openaitest.JSONBody(200, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-test",
			"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop","logprobs":null}],
			"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}}`),
		err: &wantErr{is: []error{ai.ErrRefused, ai.ErrPermanent}, msg: "refused to answer: I can't help with that."},
	}, {
		// Streaming: deltas, a finish chunk, then with include_usage a chunk
		// with empty choices and the usage, then [DONE].
		name:   "streamed text with the usage chunk",
		source: "https://platform.openai.com/docs/api-reference/chat/streaming; stream_options.include_usage in https://platform.openai.com/docs/api-reference/chat/create",
		stream: true,
		reply:  sse(chunk(`{"role":"assistant","content":""}`, ""), chunk(`{"content":"Hel"}`, ""), chunk(`{"content":"lo"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]"),
		want:   answer("Hello", "stop", usage17x8),
	}, {
		// Streamed parallel calls: one index per call; id, type and name on
		// its first delta, arguments in fragments after.
		name:   "streamed parallel tool calls",
		source: "https://platform.openai.com/docs/guides/function-calling (streaming)",
		stream: true,
		reply: sse(
			tcChunk(`{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}`),
			tcChunk(`{"index":0,"function":{"arguments":"{\"city\":"}}`),
			tcChunk(`{"index":1,"id":"call_2","type":"function","function":{"name":"get_weather","arguments":""}}`),
			tcChunk(`{"index":0,"function":{"arguments":"\"Paris\"}"}}`),
			tcChunk(`{"index":1,"function":{"arguments":"{\"city\":\"Rome\"}"}}`),
			chunk(`{}`, "tool_calls"), usageChunk, "[DONE]"),
		want: answer("", "tool_calls", usage17x8, call("call_1", "get_weather", `{"city":"Paris"}`), call("call_2", "get_weather", `{"city":"Rome"}`)),
	}, {
		// finish_reason "length": max_completion_tokens or the context was reached.
		name:   "length",
		source: "https://platform.openai.com/docs/api-reference/chat/object (finish_reason)",
		reply:  openaitest.JSONBody(200, completion("The answer is", "length")),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "output truncated"},
	}, {
		// 429 rate_limit_exceeded: wait and retry.
		name:   "rate limit",
		source: "https://platform.openai.com/docs/guides/error-codes (429 - Rate limit reached for requests)",
		reply: openaitest.Status(429, "Content-Type", "application/json", "Retry-After-Ms", "1500").
			WithBody(apiError("Rate limit reached for gpt-test in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.", "requests", "rate_limit_exceeded")),
		err: &wantErr{transient: true, status: 429, code: "rate_limit_exceeded", msg: "Rate limit reached"},
	}, {
		// 429 insufficient_quota: retrying cannot help.
		name:   "quota",
		source: "https://platform.openai.com/docs/guides/error-codes (429 - You exceeded your current quota)",
		reply:  openaitest.Status(429, "Content-Type", "application/json").WithBody(quotaError),
		err:    &wantErr{status: 429, code: "insufficient_quota", msg: quotaMsg},
	}, {
		// 400 context_length_exceeded.
		name:   "context length",
		source: "https://platform.openai.com/docs/guides/error-codes; the code is in the error object's code field",
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(apiError("This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", "invalid_request_error", "context_length_exceeded")),
		err: &wantErr{is: []error{ai.ErrContextLength}, status: 400, code: "context_length_exceeded", msg: "maximum context length"},
	}, {
		// 401 invalid_api_key.
		name:   "bad key",
		source: "https://platform.openai.com/docs/guides/error-codes (401 - Invalid Authentication)",
		reply:  openaitest.Status(401, "Content-Type", "application/json").WithBody(apiError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")),
		err:    &wantErr{is: []error{openai.ErrUnauthorized}, status: 401, code: "invalid_api_key", msg: "Incorrect API key"},
	}, {
		// An error event inside a started stream (the SDKs raise on a chunk
		// carrying "error"; openai-python#1160 asks that its message be kept).
		name:   "error event mid-stream",
		source: "https://github.com/openai/openai-python/issues/1160",
		stream: true,
		reply:  sse(chunk(`{"content":"Hel"}`, ""), `{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}`),
		err:    &wantErr{is: []error{openai.ErrInBandError}, transient: true, code: "server_error", msg: "The server had an error"},
	}})
}

// OpenAI's shapes of today's models: reasoning and cached tokens, refusals
// streamed, the output cap of reasoning models, the other API's shape.
func TestConformanceOpenAIReasoningModels(t *testing.T) {
	reasoningUsage := `"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},` +
		`"completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
	u := ai.Usage{InputTokens: 1200, OutputTokens: 300, ReasoningTokens: 256, CachedInputTokens: 1024}
	runWireCases(t, []wireCase{{
		// Reasoning tokens are part of completion_tokens, cached ones part
		// of prompt_tokens; both are read.
		name:   "reasoning and cached tokens",
		source: "https://platform.openai.com/docs/api-reference/chat/object (usage.completion_tokens_details, prompt_tokens_details); https://platform.openai.com/docs/guides/prompt-caching",
		opts:   []openai.Option{openai.WithFamily(openai.FamilyOpenAI)},
		reply: openaitest.JSONBody(200, `{"id":"chatcmpl-r","object":"chat.completion","created":1,"model":"o4-mini-2025-04-16",`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":"42","refusal":null,"annotations":[]},"finish_reason":"stop","logprobs":null}],`+reasoningUsage+`}`),
		want: answer("42", "stop", u),
	}, {
		name:   "reasoning and cached tokens, streamed",
		source: "https://platform.openai.com/docs/api-reference/chat/streaming (the usage chunk carries the same details)",
		stream: true,
		reply: sse(chunk(`{"role":"assistant","content":"42"}`, ""), chunk(`{}`, "stop"),
			`{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[],`+reasoningUsage+`}`, "[DONE]"),
		want: answer("42", "stop", u),
	}, {
		// A refusal streamed in delta.refusal is the same *ai.RefusalError
		// as one not streamed, not an empty answer.
		name:   "refusal streamed",
		source: "NousResearch/hermes-agent#91181; https://platform.openai.com/docs/guides/structured-outputs (refusals, streaming)",
		stream: true,
		reply: sse(chunk(`{"role":"assistant","content":null,"refusal":""}`, ""), chunk(`{"refusal":"I'm sorry, "}`, ""),
			chunk(`{"refusal":"I cannot help with that."}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]"),
		err: &wantErr{is: []error{ai.ErrRefused, ai.ErrPermanent}, msg: "refused to answer: I'm sorry, I cannot help with that."},
		check: func(t *testing.T, _ *ai.Response, err error) {
			var re *ai.RefusalError
			if !errors.As(err, &re) || re.Refusal != "I'm sorry, I cannot help with that." {
				t.Errorf("RefusalError %+v", re)
			}
		},
	}, {
		// A reasoning model refuses max_tokens: the error names the field
		// and the option.
		name:   "max_tokens refused by a reasoning model",
		source: "https://platform.openai.com/docs/guides/reasoning (max_completion_tokens); the 400 as in voideditor/void#128",
		opts:   []openai.Option{openai.WithMaxTokens(100), openai.WithTokenCapField(openai.CapMaxTokens)},
		reply: openaitest.Status(400, "Content-Type", "application/json").WithBody(apiError(
			"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "invalid_request_error", "unsupported_parameter")),
		err: &wantErr{is: []error{openai.ErrRejectedField}, status: 400, code: "unsupported_parameter",
			msg: "the server rejected the optional request field max_tokens: stop sending it with openai.WithTokenCapField(openai.CapMaxCompletionTokens)"},
	}, {
		// A proxy answering a Chat Completions request with a Responses
		// API object: named, permanent.
		name:   "a Responses API object for a chat request",
		source: "https://platform.openai.com/docs/api-reference/responses/object",
		reply:  openaitest.JSONBody(200, `{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"gpt-test","output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hi","annotations":[]}]}]}`),
		err:    &wantErr{is: []error{openai.ErrWrongAPI, ai.ErrPermanent}, msg: `the server answered a Chat Completions request (POST /chat/completions) with a Responses API object ("object": "response")`},
	}, {
		name:   "Responses API events for a streamed chat request",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming",
		stream: true,
		reply:  sse(`{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}`),
		err:    &wantErr{is: []error{openai.ErrWrongAPI}, msg: `with a Responses API event ("response.created")`},
	}, {
		// The mix inside one stream: chat chunks, then a Responses API
		// event. Every event is checked, not only the first.
		name:   "a Responses API event in the middle of a chat stream",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming (response.completed); https://platform.openai.com/docs/api-reference/chat/streaming",
		stream: true,
		reply: sse(chunk(`{"role":"assistant","content":"Hel"}`, ""),
			`{"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","object":"response","status":"completed","output":[]}}`, "[DONE]"),
		err: &wantErr{is: []error{openai.ErrWrongAPI, ai.ErrPermanent}, msg: `with a Responses API event ("response.completed"): it mixes the two APIs' shapes`},
	}})
}
