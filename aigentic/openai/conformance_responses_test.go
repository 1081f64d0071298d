package openai_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// OpenAI's Responses API (POST /responses), driven by the same model with
// openai.WithAPI(openai.ResponsesAPI): its answers, its stream events, its
// failures through the same classification table.
func TestConformanceResponsesAPI(t *testing.T) {
	responses := []openai.Option{openai.WithAPI(openai.ResponsesAPI), openai.WithFamily(openai.FamilyOpenAI)}
	resp := func(status, output, extra string) string {
		return `{"id":"resp_67cc","object":"response","created_at":1741386163,"status":"` + status + `","error":null,"incomplete_details":null,` +
			`"model":"o4-mini-2025-04-16","output":[` + output + `],"parallel_tool_calls":true,"store":false,"tool_choice":"auto","tools":[],` +
			`"usage":{"input_tokens":1200,"input_tokens_details":{"cached_tokens":1024},"output_tokens":300,"output_tokens_details":{"reasoning_tokens":256},"total_tokens":1500}` + extra + `}`
	}
	u := ai.Usage{InputTokens: 1200, OutputTokens: 300, ReasoningTokens: 256, CachedInputTokens: 1024}
	msg := func(text string) string {
		return `{"type":"message","id":"msg_67cc","status":"completed","role":"assistant","content":[{"type":"output_text","text":"` + text + `","annotations":[]}]}`
	}
	reasoning := `{"type":"reasoning","id":"rs_6820","summary":[{"type":"summary_text","text":"The user wants the weather."}],"encrypted_content":"gAAAAABoISQ24OnVu"}`
	fcall := `{"type":"function_call","id":"fc_12345","call_id":"call_12345","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}`
	ev := func(typ, fields string) string {
		return `{"type":"` + typ + `","sequence_number":1` + fields + `}`
	}
	withReasoning := &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Reasoning: "The user wants the weather.",
		ToolCalls: []ai.ToolCall{call("call_12345", "get_weather", `{"city":"Paris"}`)},
		Opaque:    &ai.Opaque{Origin: "openai/responses/openai", Items: []json.RawMessage{json.RawMessage(reasoning)}}},
		Usage: u, FinishReason: "tool_calls"}
	runWireCases(t, []wireCase{{
		name:   "text, with reasoning and cached tokens",
		source: "https://platform.openai.com/docs/api-reference/responses/object (output, usage.input_tokens_details, output_tokens_details)",
		opts:   responses,
		reply:  openaitest.JSONBody(200, resp("completed", msg("Hello!"), "")),
		want:   answer("Hello!", "stop", u),
	}, {
		// A reasoning model's reasoning item, with its encrypted content:
		// kept whole on the message to be sent back (store: false).
		name:   "a function call after a reasoning item",
		source: "https://platform.openai.com/docs/guides/reasoning (encrypted reasoning items); https://platform.openai.com/docs/guides/function-calling",
		opts:   responses,
		reply:  openaitest.JSONBody(200, resp("completed", reasoning+","+fcall, "")),
		want:   withReasoning,
	}, {
		name:   "streamed text",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming (response.output_text.delta, response.completed)",
		stream: true,
		opts:   responses,
		reply: sse(`event: response.created`+"\ndata: "+ev("response.created", `,"response":{"id":"resp_67cc","object":"response","status":"in_progress","output":[]}`),
			ev("response.output_text.delta", `,"item_id":"msg_67cc","output_index":0,"content_index":0,"delta":"Hel"`),
			ev("response.output_text.delta", `,"item_id":"msg_67cc","output_index":0,"content_index":0,"delta":"lo!"`),
			ev("response.output_item.done", `,"output_index":0,"item":`+msg("Hello!")),
			ev("response.completed", `,"response":`+resp("completed", msg("Hello!"), ""))),
		want: answer("Hello!", "stop", u),
	}, {
		// The output items as the stream delivered them, for a final event
		// that does not repeat them.
		name:   "streamed function call after a reasoning item",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming (response.output_item.done)",
		stream: true,
		opts:   responses,
		reply: sse(ev("response.output_item.done", `,"output_index":0,"item":`+reasoning),
			ev("response.function_call_arguments.delta", `,"item_id":"fc_12345","output_index":1,"delta":"{\"city\":"`),
			ev("response.output_item.done", `,"output_index":1,"item":`+fcall),
			ev("response.completed", `,"response":`+resp("completed", "", ""))),
		want: withReasoning,
	}, {
		name:   "incomplete at max_output_tokens",
		source: "https://platform.openai.com/docs/api-reference/responses/object (status incomplete, incomplete_details.reason)",
		opts:   append([]openai.Option{openai.WithMaxTokens(300)}, responses...),
		reply:  openaitest.JSONBody(200, strings.Replace(resp("incomplete", msg("The answer is"), ""), `"incomplete_details":null`, `"incomplete_details":{"reason":"max_output_tokens"}`, 1)),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "the output cap of 300 tokens the request sent was reached (1200 prompt + 300 output = 1500 tokens); 13 bytes of partial text"},
	}, {
		name:   "incomplete by the content filter",
		source: "https://platform.openai.com/docs/api-reference/responses/object (incomplete_details.reason content_filter)",
		opts:   responses,
		reply:  openaitest.JSONBody(200, strings.Replace(resp("incomplete", msg("Some"), ""), `"incomplete_details":null`, `"incomplete_details":{"reason":"content_filter"}`, 1)),
		err:    &wantErr{is: []error{ai.ErrContentFiltered}, msg: "content filter: content_filter"},
	}, {
		// A failed response's error goes through the same table as HTTP
		// errors: server_error is transient, invalid_prompt permanent.
		name:   "failed with a server error",
		source: "https://platform.openai.com/docs/api-reference/responses/object (error.code: server_error, rate_limit_exceeded, invalid_prompt ...)",
		opts:   responses,
		reply:  openaitest.JSONBody(200, strings.Replace(resp("failed", "", ""), `"error":null`, `"error":{"code":"server_error","message":"The server had an error processing your request."}`, 1)),
		err:    &wantErr{is: []error{openai.ErrInBandError}, transient: true, code: "server_error", msg: "The server had an error"},
	}, {
		name:   "failed with an invalid prompt",
		source: "https://platform.openai.com/docs/api-reference/responses/object (error.code invalid_prompt)",
		opts:   responses,
		reply:  openaitest.JSONBody(200, strings.Replace(resp("failed", "", ""), `"error":null`, `"error":{"code":"invalid_prompt","message":"Invalid prompt: your prompt was flagged."}`, 1)),
		err:    &wantErr{is: []error{openai.ErrInBandError, ai.ErrPermanent}, code: "invalid_prompt", msg: "Invalid prompt"},
	}, {
		// A failure with no error object: the provider failed mid-answer.
		name:   "response.failed with no error",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming (response.failed)",
		stream: true,
		opts:   responses,
		reply:  sse(ev("response.output_text.delta", `,"delta":"Par"`), ev("response.failed", `,"response":`+resp("failed", msg("Par"), ""))),
		err:    &wantErr{is: []error{openai.ErrAnswerFailed}, transient: true, code: "error", msg: "failed mid-answer"},
	}, {
		name:   "an error event mid-stream",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming/error",
		stream: true,
		opts:   responses,
		reply: sse(ev("response.output_text.delta", `,"delta":"Par"`),
			"event: error\ndata: "+`{"type":"error","code":"rate_limit_exceeded","message":"Rate limit reached for o4-mini.","param":null,"sequence_number":2}`),
		err: &wantErr{is: []error{openai.ErrInBandError}, transient: true, code: "rate_limit_exceeded", msg: "Rate limit reached"},
	}, {
		name:   "a stream that ends before response.completed",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming (the last event)",
		stream: true,
		opts:   responses,
		reply:  sse(ev("response.output_text.delta", `,"delta":"Par"`)),
		err:    &wantErr{is: []error{openai.ErrTruncatedStream}, transient: true, msg: "ended before response.completed; the partial answer was discarded"},
	}, {
		name:   "a refusal",
		source: "https://platform.openai.com/docs/guides/structured-outputs (refusals in the Responses API: a refusal content part)",
		opts:   responses,
		reply:  openaitest.JSONBody(200, resp("completed", `{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"refusal","refusal":"I can't help with that."}]}`, "")),
		err:    &wantErr{is: []error{ai.ErrRefused}, msg: "refused to answer: I can't help with that."},
	}, {
		name:   "HTTP 429, as for Chat Completions",
		source: "https://platform.openai.com/docs/guides/error-codes (429 - Rate limit reached for requests)",
		opts:   responses,
		reply: openaitest.Status(429, "Content-Type", "application/json", "Retry-After-Ms", "1500").
			WithBody(apiError("Rate limit reached for o4-mini on requests per min (RPM).", "requests", "rate_limit_exceeded")),
		err: &wantErr{transient: true, status: 429, code: "rate_limit_exceeded", msg: "Rate limit reached"},
		check: func(t *testing.T, _ *ai.Response, err error) {
			if d, ok := ai.RetryAfterOf(err); !ok || d.Milliseconds() != 1500 {
				t.Errorf("RetryAfter %v", d)
			}
		},
	}, {
		// A server that implements only Chat Completions behind the path.
		name:   "a chat completion for a Responses API request",
		source: "https://platform.openai.com/docs/api-reference/chat/object",
		opts:   responses,
		reply:  openaitest.JSONBody(200, completion("Hi", "stop")),
		err: &wantErr{is: []error{openai.ErrWrongAPI, ai.ErrPermanent},
			msg: `the server answered a Responses API request (POST /responses) with a Chat Completions object ("object": "chat.completion"): it mixes the two APIs' shapes; check the base URL, or use openai.WithAPI(openai.ChatCompletionsAPI)`},
	}, {
		name:   "chat chunks for a streamed Responses API request",
		source: "https://platform.openai.com/docs/api-reference/chat/streaming",
		stream: true,
		opts:   responses,
		reply:  sse(chunk(`{"role":"assistant","content":"Hi"}`, ""), chunk(`{}`, "stop"), "[DONE]"),
		err:    &wantErr{is: []error{openai.ErrWrongAPI}, msg: `with a Chat Completions object ("object": "chat.completion.chunk")`},
		check: func(t *testing.T, _ *ai.Response, err error) {
			if errors.Is(err, ai.ErrTransient) {
				t.Error("a shape mismatch is retried")
			}
		},
	}, {
		// The mix inside one stream: Responses API events, then a chat
		// chunk. Every event is checked, not only the first.
		name:   "a chat chunk in the middle of a Responses API stream",
		source: "https://platform.openai.com/docs/api-reference/responses-streaming; https://platform.openai.com/docs/api-reference/chat/streaming",
		stream: true,
		opts:   responses,
		reply:  sse(ev("response.output_text.delta", `,"item_id":"msg_67cc","output_index":0,"content_index":0,"delta":"Hel"`), chunk(`{"content":"lo"}`, "")),
		err:    &wantErr{is: []error{openai.ErrWrongAPI, ai.ErrPermanent}, msg: `with a Chat Completions object ("object": "chat.completion.chunk"): it mixes the two APIs' shapes`},
	}})
}
