package window_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		model string
		want  int
	}{
		{"gpt-4o", 128_000},
		{"gpt-4o-mini-2024-07-18", 128_000},
		{"gpt-4", 8_192},
		{"gpt-4-0613", 8_192},
		{"gpt-4-turbo-2024-04-09", 128_000},
		{"gpt-4.1-mini-2025-04-14", 1_047_576},
		{"gpt-5-mini", 400_000},
		{"gpt-5-chat-latest", 128_000},
		{"o3-mini", 200_000},
		{"openai/gpt-oss-20b", 131_072},
		{"llama3.1:8b", 131_072},                            // Ollama
		{"meta-llama/Llama-3.1-8B-Instruct", 131_072},       // vLLM, Hugging Face id
		{"Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", 131_072}, // llama.cpp file
		{"llama3", 8_192},
		{"Meta-Llama-3-8B-Instruct", 8_192},
		{"Qwen/Qwen2.5-7B-Instruct", 32_768},
		{"qwen3:4b", 32_768},
		{"mistralai/Mistral-7B-Instruct-v0.3", 32_768},
		{"mistral-nemo", 128_000},
		{"mixtral:8x7b", 32_768},
		{"gemma2:9b", 8_192},
		{"google/gemma-3-27b-it", 131_072},
		{"gemma3:1b", 32_768},
		{"phi4", 16_384},
	} {
		if got, ok := window.Lookup(nil, tc.model); !ok || got != tc.want {
			t.Errorf("%s: %d, %t; want %d", tc.model, got, ok, tc.want)
		}
	}
	for _, unknown := range []string{"", "tiny-qwen", "gpt-4x", "llama30b", "claude-3", "gpt"} {
		if got, ok := window.Lookup(nil, unknown); ok {
			t.Errorf("%q matched %d", unknown, got)
		}
	}
}

// Options.Windows add to and override the built-in table; a Compactor
// uses them for the run's model.
func TestWindowsOverride(t *testing.T) {
	w := window.Windows{"gpt-4o": 8_000, "tiny-qwen": 2_048}
	if got, _ := window.Lookup(w, "gpt-4o-mini"); got != 8_000 {
		t.Fatalf("override: %d", got)
	}
	if got, _ := window.Lookup(w, "tiny-qwen"); got != 2_048 {
		t.Fatalf("added: %d", got)
	}
	c := mustNew(t, window.Options{Windows: w, Reserve: 100})
	run := newFakeRun(t, "tiny-qwen")
	_, err := run.send(c, []ai.Message{user(words("word", 2_000))})
	if err == nil {
		t.Fatal("a prompt over the table's window was sent")
	}
}

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 0}, {"a", 1}, {"abcd", 1}, {"abcde", 2}, {"日本語", 3}, {"héllo", 1 + 1}, {"\xff\xfe", 2},
	} {
		if got := window.Tokens(tc.text); got != tc.want {
			t.Errorf("Tokens(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	m := ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "call_1", Name: "fetch", Arguments: `{"url":"u"}`}}}
	if got := window.MessageTokens(m); got != window.PerMessage+window.PerMessage+window.Tokens("fetch")+window.Tokens(`{"url":"u"}`)+window.Tokens("call_1") {
		t.Fatalf("MessageTokens = %d", got)
	}
	// The real server counted 20,030 tokens for this 100,069-byte prompt
	// (realserver transcript wire-one-call/21-too-long.txt): the estimate
	// errs on the safe side.
	if got := window.Tokens(words("word", 20_013)); got < 20_030 {
		t.Fatalf("estimate %d below the server's 20,030", got)
	}
}
