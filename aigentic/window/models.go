package window

import (
	"strings"
)

// Windows maps model names to their context windows in tokens: the most
// tokens a request's prompt and its answer may hold together. A name
// matches a model when, both normalised (see [Lookup]), it is the model's
// name or the start of it up to a boundary: "gpt-4o" covers
// "gpt-4o-2024-08-06", "llama3.1" covers "llama3.1:8b" and
// "meta-llama/Llama-3.1-8B-Instruct". The longest match wins.
type Windows map[string]int

// DefaultWindows is the built-in table, for the common models. Each number
// is the model's published window; where a family's sizes differ, the
// smallest of the family's current sizes is used, so that a guess errs
// towards compacting early.
//
// A local server often runs a model with a smaller context than the model
// was trained for — llama.cpp's -c / --ctx-size, vLLM's --max-model-len,
// Ollama's num_ctx (2,048 to 4,096 by default, and Ollama truncates the
// prompt silently instead of refusing it): set [Options.Window] to the
// server's size there. llama.cpp and vLLM name their size in their
// context-length error, and the compactor learns it from the first one.
var DefaultWindows = Windows{
	// OpenAI: the "Context window" of each model's page,
	// https://platform.openai.com/docs/models/<name>.
	"gpt-3.5-turbo":     16_385,
	"gpt-4":             8_192,
	"gpt-4-turbo":       128_000,
	"gpt-4o":            128_000,
	"gpt-4o-mini":       128_000,
	"gpt-4.1":           1_047_576,
	"gpt-4.1-mini":      1_047_576,
	"gpt-4.1-nano":      1_047_576,
	"gpt-5":             400_000,
	"gpt-5-mini":        400_000,
	"gpt-5-nano":        400_000,
	"gpt-5-chat-latest": 128_000,
	"gpt-5.1":           400_000,
	"o1":                200_000,
	"o1-mini":           128_000,
	"o3":                200_000,
	"o3-mini":           200_000,
	"o4-mini":           200_000,
	"gpt-oss":           131_072, // gpt-oss-20b and -120b model card (openai.com/index/gpt-oss-model-card)

	// Meta Llama: the model cards at huggingface.co/meta-llama ("Context
	// length": 4k for Llama 2, 8k for Llama 3, 128k = 131,072 for 3.1-3.3,
	// max_position_embeddings in config.json).
	"llama2":   4_096,
	"llama3":   8_192,
	"llama3.1": 131_072,
	"llama3.2": 131_072,
	"llama3.3": 131_072,

	// Qwen: the model cards at huggingface.co/Qwen ("Context Length:
	// 32,768 tokens" natively for Qwen2.5 7B+ and Qwen3; 131,072 needs
	// YaRN rope scaling configured on the server).
	"qwen2":   32_768,
	"qwen2.5": 32_768,
	"qwen3":   32_768,

	// Mistral: docs.mistral.ai/getting-started/models and the model cards
	// at huggingface.co/mistralai (Mistral 7B v0.2+ and Mixtral: 32k;
	// Mistral NeMo and Large 2: 128k).
	"mistral":       32_768,
	"mixtral":       32_768,
	"mistral-nemo":  128_000,
	"mistral-large": 128_000,

	// Google Gemma: ai.google.dev/gemma/docs/core/model_card (Gemma and
	// Gemma 2: 8,192; Gemma 3: 128k, 32k for the 1B model).
	"gemma":     8_192,
	"gemma2":    8_192,
	"gemma3":    131_072,
	"gemma3-1b": 32_768,

	// Microsoft Phi: the model cards at huggingface.co/microsoft.
	"phi3":             4_096, // Phi-3-mini-4k
	"phi3-mini-128k":   131_072,
	"phi3-medium-128k": 131_072,
	"phi4":             16_384,
}

// Lookup returns the window of model in w, or in DefaultWindows when w
// has no match; 0 and false when neither knows the model.
//
// Names are compared normalised: lower case; the part after the last "/"
// (a Hugging Face or router prefix: "meta-llama/Llama-3.1-8B-Instruct",
// "openai/gpt-4o"); a ".gguf" suffix and a "meta-" prefix removed; "_",
// ":" and " " read as "-"; a "-" between a letter and a digit removed
// ("Llama-3.1" is "llama3.1", "gpt-4o" is "gpt4o", "gemma3:1b" is
// "gemma3-1b"). An entry matches when it equals the normalised name or is
// followed in it by a character other than a letter or digit, or ends
// with a letter followed by a digit (a size: "mistral" covers
// "Mistral-7B-Instruct-v0.3"); so "gpt-4" never matches "gpt-4o" and
// "llama3" never "llama30b".
func Lookup(w Windows, model string) (int, bool) {
	if n, ok := w.lookup(model); ok {
		return n, true
	}
	return DefaultWindows.lookup(model)
}

func (w Windows) lookup(model string) (int, bool) {
	name := normalizeModel(model)
	if name == "" {
		return 0, false
	}
	best, size := -1, 0
	for k, v := range w {
		key := normalizeModel(k)
		if key == "" || len(key) <= best || v <= 0 || !strings.HasPrefix(name, key) {
			continue
		}
		if len(name) > len(key) && !boundary(key[len(key)-1], name[len(key)]) {
			continue
		}
		best, size = len(key), v
	}
	return size, best >= 0
}

// normalizeModel is the form Lookup compares names in.
func normalizeModel(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ".gguf")
	s = strings.TrimPrefix(s, "meta-")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == ':' || c == ' ' {
			c = '-'
		}
		if c == '-' && i > 0 && i+1 < len(s) && isLetter(s[i-1]) && isDigit(s[i+1]) {
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// boundary reports whether a key ending with last may end where next
// follows in a name.
func boundary(last, next byte) bool {
	return !isAlnum(next) || isLetter(last) && isDigit(next)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }
