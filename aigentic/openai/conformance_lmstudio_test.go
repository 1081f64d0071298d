package openai_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// LM Studio's OpenAI-compatible server (/v1/chat/completions).
func TestConformanceLMStudio(t *testing.T) {
	runWireCases(t, []wireCase{{
		// Streamed tool calls whose continuation chunks carry an empty
		// function name ("name": "") and the id again.
		name:   "continuation chunks with an empty name",
		source: "https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/649; https://github.com/0xPlaygrounds/rig/pull/442",
		stream: true,
		reply: sse(
			tcChunk(`{"index":0,"id":"123456789","type":"function","function":{"name":"get_weather","arguments":""}}`),
			tcChunk(`{"index":0,"id":"123456789","type":"function","function":{"name":"","arguments":"{\"city\":"}}`),
			tcChunk(`{"index":0,"id":"123456789","type":"function","function":{"name":"","arguments":"\"Paris\"}"}}`),
			chunk(`{}`, "tool_calls"), usageChunk, "[DONE]"),
		want: answer("", "tool_calls", usage17x8, call("123456789", "get_weather", `{"city":"Paris"}`)),
	}, {
		// A failure mid-stream as {"error":{"message"},"message"}, with no
		// type or code.
		name:   "compute error in the stream",
		source: "https://github.com/zendev-sh/goai/pull/110",
		stream: true,
		reply:  sse(chunk(`{"content":"Hel"}`, ""), `{"error":{"message":"Compute error."},"message":"Compute error."}`),
		err:    &wantErr{is: []error{openai.ErrInBandError}, transient: true, msg: "Compute error."},
	}, {
		// A rejected parameter: HTTP 400 whose "error" is a plain string.
		name:   "error as a string",
		source: "https://github.com/t59688/arboris-novel/issues/23",
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(`{"error":"'response_format.type' must be 'json_schema' or 'text'"}`),
		err: &wantErr{status: 400, msg: "'response_format.type' must be 'json_schema' or 'text'"},
	}, {
		// Plain streamed text with usage, as OpenAI.
		name:   "streamed text",
		source: "https://lmstudio.ai/docs/app/api/endpoints/openai (chat completions, streaming)",
		stream: true,
		reply:  sse(chunk(`{"role":"assistant","content":"Hi"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]"),
		want:   answer("Hi", "stop", usage17x8),
	}, {
		// A tool call with finish_reason "length": the prompt filled the
		// loaded context.
		name:   "length",
		source: "https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/2339 (prompt larger than the loaded context)",
		reply:  openaitest.JSONBody(200, completion("Partial", "length")),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "partial text"},
	}})
}
