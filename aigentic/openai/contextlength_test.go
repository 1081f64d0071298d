package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Error bodies as servers send them. llama.cpp's are from
// /work/shared/realserver/transcripts (wire-one-call/21-too-long.txt,
// release v0.5.0) and the project's llama.cpp conformance case (an older
// release); the others are the servers' message templates.
const (
	llamaBody    = `{"error":{"code":400,"message":"request (20030 tokens) exceeds the available context size (2048 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":20030,"n_ctx":2048}}`
	llamaOldBody = `{"error":{"code":400,"message":"the request exceeds the available context size. try increasing the context size or enable context shift","type":"exceed_context_size_error","n_prompt_tokens":14429,"n_ctx":8192}}`
)

func TestParseContextLengthError(t *testing.T) {
	for _, tc := range []struct {
		name           string
		status         int
		code, msg      string
		body           string
		window, prompt int
	}{
		{"llama.cpp v0.5.0 (body)", 400, "exceed_context_size_error", "", llamaBody, 2048, 20030},
		{"llama.cpp v0.5.0 (message only)", 400, "exceed_context_size_error",
			"request (20030 tokens) exceeds the available context size (2048 tokens), try increasing it", "", 2048, 20030},
		{"llama.cpp older (sizes in the body only)", 400, "exceed_context_size_error",
			"the request exceeds the available context size. try increasing the context size or enable context shift", llamaOldBody, 8192, 14429},
		{"OpenAI", 400, "context_length_exceeded",
			"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.", "", 128000, 130000},
		{"OpenAI with completion", 400, "context_length_exceeded",
			"This model's maximum context length is 16385 tokens. However, you requested 17216 tokens (14716 in the messages, 2500 in the completion).", "", 16385, 14716},
		{"OpenAI configured limit", 400, "context_length_exceeded",
			"Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in 290000 tokens. Please reduce the length of the messages.", "", 272000, 290000},
		{"OpenAI Responses", 400, "context_length_exceeded", "Your input exceeds the context window of this model. Please adjust your input and try again.", "", 0, 0},
		{"vLLM current", 400, "BadRequestError",
			"This model's maximum context length is 4096 tokens. However, you requested 1000 output tokens and your prompt contains at least 3097 input tokens, for a total of at least 4097 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=3097)", "", 4096, 3097},
		{"vLLM older", 400, "BadRequestError",
			"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.", "", 4096, 4000},
		{"vLLM in-band", 0, "", "This model's maximum context length is 1024 tokens. However, you requested 1029 tokens (1028 in the messages, 1 in the completion).", "", 1024, 1028},
		{"vLLM engine", 400, "", "The prompt (total length 25938) is too long to fit into the model (context length 4096). Make sure that `max_model_len` is no smaller than the number of text tokens.", "", 4096, 25938},
		{"vLLM decoder", 400, "", "The decoder prompt (length 5000) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.", "", 4096, 5000},
		{"LM Studio", 400, "", "Trying to keep the first 5000 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough.", "", 4096, 5000},
		{"Gemini", 400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", "", 1048576, 1200000},
		{"Anthropic-style gateway", 400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum", "", 200000, 210000},
		{"TGI", 422, "validation", "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`", "", 4096, 4000},
		{"proxy 413", 413, "request_too_large", "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens in the messages.", "", 8192, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := openai.ParseContextLengthError(tc.status, tc.code, tc.msg, []byte(tc.body))
			if !ok || e.Window != tc.window || e.Prompt != tc.prompt {
				t.Fatalf("got %+v, %t; want window %d, prompt %d", e, ok, tc.window, tc.prompt)
			}
			if !errors.Is(e, ai.ErrContextLength) {
				t.Fatal("does not match ai.ErrContextLength")
			}
		})
	}
}

// Other errors are not context-length errors, even when they speak of
// tokens or limits.
func TestParseContextLengthErrorRefusesOthers(t *testing.T) {
	for _, tc := range []struct {
		status    int
		code, msg string
	}{
		{429, "rate_limit_exceeded", "Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2s."},
		{429, "", "This model's maximum context length is 4096 tokens"}, // a status that is never one
		{500, "context_length_exceeded", "internal"},
		{400, "invalid_request_error", "Invalid value for 'temperature': must be <= 2."},
		{400, "invalid_value", "'messages' must contain the word 'json' in some form"},
		{400, "string_above_max_length", "Invalid 'messages[0].content': string too long. Expected a string with maximum length 10485760."},
		{401, "invalid_api_key", "Incorrect API key provided"},
	} {
		if e, ok := openai.ParseContextLengthError(tc.status, tc.code, tc.msg, nil); ok {
			t.Errorf("%d %s %q: parsed as %+v", tc.status, tc.code, tc.msg, e)
		}
	}
}

// Bad bodies and sizes are ignored, never a panic.
func TestParseContextLengthErrorBadSizes(t *testing.T) {
	for _, body := range []string{`{"error":{"type":"exceed_context_size_error","n_ctx":-5,"n_prompt_tokens":"x"}}`,
		`{"error":{"type":"exceed_context_size_error","n_ctx":99999999999999999999}}`, `not json`, `{"error":null}`} {
		e, ok := openai.ParseContextLengthError(400, "exceed_context_size_error", "", []byte(body))
		if !ok || e.Window != 0 || e.Prompt != 0 {
			t.Errorf("%s: %+v, %t", body, e, ok)
		}
	}
}

func FuzzParseContextLengthError(f *testing.F) {
	f.Add(400, "exceed_context_size_error", "request (20030 tokens) exceeds the available context size (2048 tokens)", llamaBody)
	f.Add(0, "", "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion).", "")
	f.Add(413, "x", "prompt is too long: 99999999999999 tokens > 1 maximum", `{"n_ctx": 1e9}`)
	f.Fuzz(func(t *testing.T, status int, code, msg, body string) {
		e, ok := openai.ParseContextLengthError(status, code, msg, []byte(body))
		if ok != (e != nil) {
			t.Fatalf("ok %t with %v", ok, e)
		}
		if e != nil && (e.Window < 0 || e.Prompt < 0) {
			t.Fatalf("negative size %+v", e)
		}
		if ok && json.Valid([]byte(body)) && status != 0 && status != 400 && status != 413 && status != 422 {
			t.Fatalf("status %d parsed", status)
		}
	})
}

// The provider puts the sizes a server named in the error it returns: the
// real llama.cpp refusal gives its window and the prompt's size.
func TestProviderReportsContextLength(t *testing.T) {
	for _, stream := range []bool{false, true} {
		srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("never")), openaitest.WithFaults(openaitest.JSONBody(400,
			`{"error":{"code":400,"message":"request (20030 tokens) exceeds the available context size (2048 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":20030,"n_ctx":2048}}`)))
		m, err := openai.New("tiny-qwen", "", openai.WithBaseURL(srv.URL()))
		if err != nil {
			t.Fatal(err)
		}
		req := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}}}
		if stream {
			req.OnDelta = func(string) {}
		}
		_, err = m.Generate(context.Background(), req)
		var cle *ai.ContextLengthError
		if !errors.As(err, &cle) || cle.Window != 2048 || cle.Prompt != 20030 || ai.IsTransient(err) {
			t.Fatalf("stream=%v: err = %v (%+v)", stream, err, cle)
		}
	}
}
