package openai_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Azure OpenAI: OpenAI's shapes plus content-filter annotations.
func TestConformanceAzureOpenAI(t *testing.T) {
	const safe = `{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}`
	runWireCases(t, []wireCase{{
		// The first streamed chunk may have empty choices and only the
		// prompt's filter results (id, model and object empty).
		name:   "stream opening with a prompt_filter_results chunk",
		source: "https://github.com/Azure/azure-sdk-for-go/issues/21086; https://github.com/AbanteAI/archive-old-cli-mentat/issues/429",
		stream: true,
		reply: sse(`{"id":"","object":"","created":0,"model":"","choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":`+safe+`}]}`,
			chunk(`{"role":"assistant","content":"Hi"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]"),
		want: answer("Hi", "stop", usage17x8),
	}, {
		// With annotations on, a chunk may carry a choice with
		// content_filter_results and offsets but no delta.
		name:   "annotation chunk without a delta",
		source: "https://github.com/microsoft/autogen/issues/6465; https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter-annotations",
		stream: true,
		reply: sse(chunk(`{"content":"Hi"}`, ""),
			`{"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":null,"content_filter_results":`+safe+`,"content_filter_offsets":{"check_offset":2,"start_offset":2,"end_offset":10}}],"usage":null}`,
			chunk(`{}`, "stop"), usageChunk, "[DONE]"),
		want: answer("Hi", "stop", usage17x8),
	}, {
		// A filtered completion: finish_reason content_filter, the category
		// marked filtered in the choice's content_filter_results.
		name:   "completion filtered",
		source: "https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter (finish_reason content_filter)",
		reply: openaitest.JSONBody(200, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
			"choices":[{"index":0,"finish_reason":"content_filter","message":{"role":"assistant","content":null},
			"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}}}],
			"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}`),
		err: &wantErr{is: []error{ai.ErrContentFiltered, ai.ErrPermanent}, msg: "content filter: violence"},
	}, {
		// Streaming: the last chunk of the choice carries finish_reason
		// content_filter.
		name:   "stream filtered",
		source: "https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter (streaming)",
		stream: true,
		reply: sse(chunk(`{"content":"Some"}`, ""),
			`{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"content_filter","content_filter_results":{"hate":{"filtered":true,"severity":"high"}}}]}`,
			"[DONE]"),
		err: &wantErr{is: []error{ai.ErrContentFiltered}, msg: "content filter: hate"},
	}, {
		// A filtered prompt: HTTP 400, code content_filter, the categories in
		// innererror.content_filter_result.
		name:   "prompt filtered",
		source: "https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter (prompt filtered: 400 content_filter)",
		reply: openaitest.Status(400, "Content-Type", "application/json").WithBody(`{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
			"type":null,"param":"prompt","code":"content_filter","status":400,
			"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":true,"severity":"medium"}}}}}`),
		err: &wantErr{is: []error{ai.ErrContentFiltered}, status: 400, code: "content_filter", msg: "content management policy"},
	}, {
		// Token-rate limiting: 429 with Retry-After, code "429" (a number
		// repeating the status, so no Code is kept).
		name:   "rate limited",
		source: "https://learn.microsoft.com/azure/ai-services/openai/quotas-limits (429 and retry-after)",
		reply: openaitest.Status(429, "Content-Type", "application/json", "Retry-After", "6").
			WithBody(`{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded token rate limit of your current pricing tier. Please retry after 6 seconds."}}`),
		err: &wantErr{transient: true, status: 429, code: "", msg: "exceeded token rate limit"},
	}, {
		// With a data source (Azure OpenAI On Your Data, extra_body
		// data_sources), stream_options is refused; the field is named by
		// a JSON pointer, unquoted.
		name:   "stream_options refused with a data source",
		source: "openai/openai-python#2296 ('Validation error at #/stream_options: Extra inputs are not permitted')",
		stream: true,
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(`{"error":{"code":"invalid_payload","message":"Validation error at #/stream_options: Extra inputs are not permitted","param":null,"type":"invalid_request_error"}}`),
		err: &wantErr{is: []error{openai.ErrRejectedField, ai.ErrPermanent}, status: 400, code: "invalid_payload",
			msg: "Validation error at #/stream_options: Extra inputs are not permitted; the server rejected the optional request field stream_options: stop sending it with openai.WithStreamUsage(false)"},
	}})
}
