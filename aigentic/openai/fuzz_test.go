package openai_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// Whatever a server sends — any JSON, any bytes — a Responses API body
// becomes a response or a *ai.ModelError, never a panic.
func FuzzResponsesBody(f *testing.F) {
	f.Add(`{"object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"hi"}]}],"usage":{"input_tokens":1}}`)
	f.Add(`{"object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[{"type":"function_call","call_id":"c","name":"n","arguments":{"a":1}}]}`)
	f.Add(`{"object":"response","status":"failed","error":{"code":429,"message":"x"},"output":[]}`)
	f.Add(`{"object":"chat.completion","choices":[]}`)
	f.Add(`{"output":[{"type":"reasoning","summary":[{"text":"t"}]},{"type":"message","content":[{"type":"refusal","refusal":"no"}]}]}`)
	f.Add(`[1,2]`)
	f.Fuzz(func(t *testing.T, body string) {
		resp, err := openai.ParseResponsesBody([]byte(body))
		check(t, resp, err)
	})
}

// Likewise for a stream of chat completion chunks.
func FuzzChatChunks(f *testing.F) {
	f.Add(`{"choices":[{"index":0,"delta":{"content":"Hi","refusal":"no"},"finish_reason":"stop"}]}`, `{"choices":[],"usage":{"prompt_tokens":1,"prompt_cache_hit_tokens":"x"}}`)
	f.Add(`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"n","arguments":"{"}},{"index":0,"id":"c","function":{"arguments":"}"}}]},"finish_reason":"length"}]}`, `{"x_groq":{"usage":{"prompt_tokens":2}}}`)
	f.Add(`{"choices":[{"index":0,"delta":{"reasoning_content":"r","reasoning_details":[1]},"finish_reason":"error"}]}`, `{"error":{"message":{"detail":[{"loc":["body",1],"msg":"m"}]},"code":"tool_use_failed","failed_generation":"<function="}}`)
	f.Fuzz(func(t *testing.T, c1, c2 string) {
		resp, err := openai.ParseChatChunks([]string{c1, c2})
		check(t, resp, err)
	})
}

func check(t *testing.T, resp *ai.Response, err error) {
	t.Helper()
	if (resp == nil) == (err == nil) {
		t.Fatalf("response %v and error %v", resp, err)
	}
	if err != nil {
		var me *ai.ModelError
		if !errors.As(err, &me) {
			t.Fatalf("%T is not a *ai.ModelError: %v", err, err)
		}
		var te *ai.TruncatedError
		if errors.As(err, &te) && strings.Contains(te.Partial, "<tool_call>") {
			t.Fatalf("template markup in Partial: %q", te.Partial)
		}
	}
}
