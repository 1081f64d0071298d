package openai_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// Each family gets the optional request fields its server accepts: the
// output cap's name, stream_options, the typed answer's response_format;
// every option overrides its family's rule.
func TestFamilyRequestFields(t *testing.T) {
	type want struct {
		cap           string // "max_tokens" or "max_completion_tokens"
		streamOptions bool
		jsonSchema    bool
	}
	cases := []struct {
		family openai.Family
		opts   []openai.Option
		want   want
		source string
	}{
		{openai.FamilyOpenAI, nil, want{"max_completion_tokens", true, true}, "https://platform.openai.com/docs/api-reference/chat/create (max_tokens deprecated, not compatible with o-series models)"},
		{openai.FamilyAzure, nil, want{"max_completion_tokens", true, true}, "https://learn.microsoft.com/azure/ai-services/openai/how-to/reasoning (max_completion_tokens)"},
		{openai.FamilyGroq, nil, want{"max_completion_tokens", false, true}, "https://console.groq.com/docs/api-reference#chat-create; vercel/ai#1578"},
		{openai.FamilyMistral, nil, want{"max_tokens", false, true}, "https://docs.mistral.ai/api/ (max_tokens); openai/openai-agents-python#442"},
		{openai.FamilyDeepSeek, nil, want{"max_tokens", true, false}, "https://api-docs.deepseek.com/api/create-chat-completion (max_tokens; response_format json_object)"},
		{openai.FamilyGemini, nil, want{"max_tokens", true, true}, "https://ai.google.dev/gemini-api/docs/openai (max_tokens, response_format)"},
		{openai.FamilyVLLM, nil, want{"max_tokens", true, true}, "voideditor/void#128; 1Panel-dev/MaxKB#3073 (vLLM 0.5.x and max_completion_tokens)"},
		{openai.FamilyLlamaCpp, nil, want{"max_tokens", true, true}, "testdata/llamacpp/one-call-09-max-tokens-length.txt (max_tokens honoured)"},
		{openai.FamilyOllama, nil, want{"max_tokens", true, true}, "https://github.com/ollama/ollama/blob/main/docs/openai.md (max_tokens)"},
		{openai.FamilyLocalAI, nil, want{"max_tokens", true, false}, "https://localai.io/features/openai-functions/ (json_schema support varies by backend)"},
		{openai.FamilyCompatible, nil, want{"max_tokens", true, true}, "the fields most compatible servers accept"},
		{openai.FamilyOpenAI, []openai.Option{openai.WithTokenCapField(openai.CapMaxTokens), openai.WithStreamUsage(false), openai.WithStructuredOutput(openai.StructuredOutputInstructions)},
			want{"max_tokens", false, false}, "the options"},
		{openai.FamilyMistral, []openai.Option{openai.WithTokenCapField(openai.CapMaxCompletionTokens), openai.WithStreamUsage(true)},
			want{"max_completion_tokens", true, true}, "the options"},
	}
	for _, c := range cases {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"role":"assistant","content":"{}"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]")
		})
		opts := append([]openai.Option{openai.WithFamily(c.family), openai.WithMaxTokens(64)}, c.opts...)
		m := newModel(t, api.URL(), opts...)
		if m.Family() != c.family {
			t.Errorf("Family() %s, want %s", m.Family(), c.family)
		}
		req := streaming(ai.Request{Messages: hello.Messages, ResponseFormat: &ai.ResponseFormat{Name: "w", Schema: weatherSchema}})
		if _, err := m.Generate(context.Background(), req); err != nil {
			t.Fatalf("%s: %v", c.family, err)
		}
		body := api.body(t, 0)
		other := map[string]string{"max_tokens": "max_completion_tokens", "max_completion_tokens": "max_tokens"}[c.want.cap]
		got := want{cap: c.want.cap, streamOptions: body["stream_options"] != nil, jsonSchema: body["response_format"] != nil}
		if body[c.want.cap] != float64(64) || body[other] != nil || got != c.want {
			t.Errorf("%s %d options: %s=%v %s=%v stream_options=%v response_format=%v; want %+v (source: %s)",
				c.family, len(c.opts), c.want.cap, body[c.want.cap], other, body[other], got.streamOptions, got.jsonSchema, c.want, c.source)
		}
	}
}
