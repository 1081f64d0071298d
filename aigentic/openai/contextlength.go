package openai

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// ParseContextLengthError reads a server's refusal of a prompt that does
// not fit its context window: the HTTP status (0 for an error sent inside
// a 200 answer or a stream), the error's code (or type, when it has no
// code), its message, and the error's raw JSON (the whole body or its
// "error" object; nil when unknown). It returns the sizes the server named
// and true when the error is a context-length error; nil and false
// otherwise. A provider puts the result in ai.ModelError.Err.
//
// It recognises (the sources are the servers' code and answers):
//
//   - OpenAI, Azure OpenAI, Groq, DeepSeek: code "context_length_exceeded";
//     "This model's maximum context length is N tokens. However, your
//     messages resulted in P tokens" / "However, you requested T tokens (P
//     in the messages, C in the completion)"; "Input tokens exceed the
//     configured limit of N tokens. Your messages resulted in P tokens";
//     the Responses API's "Your input exceeds the context window of this
//     model" (no sizes).
//   - llama.cpp's server: type "exceed_context_size_error" with the fields
//     n_ctx and n_prompt_tokens, and "request (P tokens) exceeds the
//     available context size (N tokens)" (release v0.5.0, the transcripts
//     of realserver/); older releases "the request exceeds the available
//     context size".
//   - vLLM: "This model's maximum context length is N tokens. However, you
//     requested C output tokens and your prompt contains at least P input
//     tokens" (since v0.10), the older "(P in the messages, C in the
//     completion)"; the engine's "The prompt (total length P) is too long
//     to fit into the model (context length N)", "The decoder prompt
//     (length P) is longer than the maximum model length of N", "Input
//     prompt (P tokens) is too long and exceeds limit of N".
//   - LM Studio: "… the model is loaded with context length of only N
//     tokens"; Mistral's API: "Prompt contains P tokens … too large for
//     model with N maximum context length"; Gemini's OpenAI endpoint: "The
//     input token count (P) exceeds the maximum number of tokens allowed
//     (N)"; Anthropic-style gateways: "prompt is too long: P tokens > N
//     maximum"; Hugging Face TGI: "inputs tokens + max_new_tokens must be <=
//     N. Given: P inputs tokens".
//
// Statuses other than 0, 400, 413 and 422 are never a context-length
// error (a 429 "tokens per minute" is a rate limit). Only the first 4 KiB
// of the message and 64 KiB of the body are read; sizes outside 1 to
// 2^31-1 are ignored.
func ParseContextLengthError(status int, code, message string, body []byte) (*ai.ContextLengthError, bool) {
	switch status {
	case 0, 400, 413, 422:
	default:
		return nil, false
	}
	if len(message) > 4<<10 {
		message = message[:4<<10]
	}
	lower := strings.ToLower(message)
	fields := bodySizes(body)
	known := fields.typ == "exceed_context_size_error" || fields.window > 0
	switch strings.ToLower(strings.TrimSpace(code)) {
	case "context_length_exceeded", "exceed_context_size_error", "model_context_window_exceeded":
		known = true
	}
	if !known {
		for _, p := range contextPhrases {
			if strings.Contains(lower, p) {
				known = true
				break
			}
		}
	}
	if !known {
		return nil, false
	}
	e := &ai.ContextLengthError{Window: fields.window, Prompt: fields.prompt}
	if e.Window == 0 {
		e.Window = firstSize(lower, windowPatterns)
	}
	if e.Prompt == 0 {
		e.Prompt = firstSize(lower, promptPatterns)
	}
	return e, true
}

// contextPhrases say that a prompt did not fit, in the wordings above.
var contextPhrases = []string{
	"maximum context length", "exceeds the available context size", "exceeds the context window",
	"tokens exceed the configured limit", "too long to fit into the model",
	"longer than the maximum model length", "is too long and exceeds limit of", "context length of only",
	"exceeds the maximum number of tokens allowed", "prompt is too long",
	"max_new_tokens` must be <=", "context_length_exceeded",
}

// The sizes in those wordings (lower-cased), tried in order; group 1 is
// the number.
var (
	windowPatterns = compileAll(
		`maximum context length is (\d+)`,
		`available context size \((\d+) tokens?\)`,
		`configured limit of (\d+) tokens`,
		`\(context length (\d+)\)`,
		`maximum model length of (\d+)`,
		`exceeds limit of (\d+)`,
		`context length of only (\d+)`,
		`model with (\d+) maximum context length`,
		`maximum number of tokens allowed \((\d+)\)`,
		`tokens > (\d+) maximum`,
		`must be <= (\d+)`,
	)
	promptPatterns = compileAll(
		`request \((\d+) tokens?\)`,
		`messages resulted in (\d+) tokens`,
		`\((\d+) in the messages`,
		`\((\d+) in your prompt`,
		`prompt contains at least (\d+) input tokens`,
		`prompt \(total length (\d+)\)`,
		`prompt \(length (\d+)\)`,
		`input prompt \((\d+) tokens\)`,
		`prompt contains (\d+) tokens`,
		`input token count \((\d+)\)`,
		`prompt is too long: (\d+) tokens`,
		`keep the first (\d+) tokens`,
		`given: (\d+) .?inputs.? tokens`,
	)
)

func compileAll(exprs ...string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(exprs))
	for i, e := range exprs {
		out[i] = regexp.MustCompile(e)
	}
	return out
}

// firstSize returns the number the first matching pattern finds, or 0.
func firstSize(s string, patterns []*regexp.Regexp) int {
	for _, re := range patterns {
		if m := re.FindStringSubmatch(s); m != nil {
			if n := size(m[1]); n > 0 {
				return n
			}
		}
	}
	return 0
}

// size parses a token count: 1 to 2^31-1, else 0.
func size(s string) int {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n <= 0 {
		return 0
	}
	return int(n)
}

// sizes are what an error's JSON says: llama.cpp's n_ctx and
// n_prompt_tokens, and its type.
type sizes struct {
	window, prompt int
	typ            string
}

// bodySizes reads llama.cpp's fields from an error body or its "error"
// object.
func bodySizes(body []byte) sizes {
	if len(body) == 0 || len(body) > 64<<10 {
		return sizes{}
	}
	type fields struct {
		NCtx    json.Number `json:"n_ctx"`
		NPrompt json.Number `json:"n_prompt_tokens"`
		Type    string      `json:"type"`
	}
	var v struct {
		fields
		Error *fields `json:"error"`
	}
	if json.Unmarshal(body, &v) != nil {
		return sizes{}
	}
	f := v.fields
	if v.Error != nil {
		f = *v.Error
	}
	return sizes{window: size(f.NCtx.String()), prompt: size(f.NPrompt.String()), typ: strings.ToLower(f.Type)}
}
