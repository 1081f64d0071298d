package window

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The estimate of a prompt's size, in tokens, before a tokenizer has seen
// it. It is the rule of thumb OpenAI gives — "one token generally
// corresponds to ~4 characters of text for common English text"
// (help.openai.com/en/articles/4936856) — counted in bytes of ASCII, plus
// one token for every other character (a CJK character is one token or
// more in cl100k/o200k and in Llama's and Qwen's vocabularies; an accented
// letter is overcounted, which errs on the safe side), plus the per-message
// framing of OpenAI's cookbook "How to count tokens with tiktoken" (3
// tokens a message plus its role, 3 to prime the answer).
//
// The compactor corrects the estimate with the usage each response
// reports (see [Options]); the conversation package caps histories with
// it.
const (
	// PerMessage is the framing of one message, in tokens: the
	// cookbook's tokens_per_message (3) and the role (1).
	PerMessage = 4
	// PerRequest is the framing of a request: the 3 tokens that prime
	// the answer.
	PerRequest = 3
)

// Tokens estimates the tokens of text: ⌈ASCII bytes / 4⌉ plus one per
// non-ASCII character.
func Tokens(text string) int {
	ascii, other := 0, 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			ascii++
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		other++
		i += size
	}
	return (ascii+3)/4 + other
}

// MessageTokens estimates the tokens of one message: its content, its
// tool calls (name and arguments), its tool name and id, and PerMessage.
func MessageTokens(m ai.Message) int {
	n := PerMessage + Tokens(m.Content)
	for _, tc := range m.ToolCalls {
		n += PerMessage + Tokens(tc.Name) + Tokens(tc.Arguments) + Tokens(tc.ID)
	}
	if m.Name != "" {
		n += 1 + Tokens(m.Name)
	}
	if m.ToolCallID != "" {
		n += Tokens(m.ToolCallID)
	}
	return n
}

// MessagesTokens estimates the tokens of msgs: the sum of MessageTokens.
func MessagesTokens(msgs []ai.Message) int {
	n := 0
	for _, m := range msgs {
		n += MessageTokens(m)
	}
	return n
}

// ToolsTokens estimates the tokens the tool definitions of a request take:
// their JSON (name, description, schema) by Tokens.
func ToolsTokens(tools []ai.Tool) int {
	n := 0
	for _, t := range tools {
		n += PerMessage + Tokens(t.Name) + Tokens(t.Description)
		if t.InputSchema != nil {
			b, err := json.Marshal(t.InputSchema)
			if err == nil {
				n += Tokens(string(b))
			}
		}
	}
	return n
}

// RequestTokens estimates the prompt tokens of a request: its messages,
// its tools and PerRequest.
func RequestTokens(req ai.Request) int {
	return PerRequest + MessagesTokens(req.Messages) + ToolsTokens(req.Tools)
}
