package openai

import (
	"net/http"
	"strings"
)

// RejectedFieldError is a server's refusal of an optional request field
// this package sent, found in an HTTP 400 or 422 that names the field as
// unknown, unsupported or not permitted. The shapes differ by server:
// OpenAI's {"param": "stream_options", "code": "unknown_parameter"}
// (QuantumNous/new-api#418), Groq's "property 'stream_options' is
// unsupported" (vercel/ai#1578), Mistral's 422 {"loc": ["body",
// "stream_options", "include_usage"], "msg": "Extra inputs are not
// permitted"} (openai/openai-agents-python#442), Azure AI's "Extra
// parameters ['stream_options'] are not allowed"
// (CherryHQ/cherry-studio#9214), OpenAI's reasoning models' "Unsupported
// parameter: 'max_tokens'". It matches [ErrRejectedField]; the
// *ai.ModelError holding it is permanent.
type RejectedFieldError struct {
	// Field is the request field the server rejected, e.g. "stream_options".
	Field string
	// Option is the option that stops sending it, e.g.
	// "openai.WithStreamUsage(false)".
	Option string
}

// Error implements error.
func (e *RejectedFieldError) Error() string {
	msg := "the server rejected the optional request field " + e.Field
	if e.Option != "" {
		msg += ": stop sending it with " + e.Option + " (or openai.WithFamily for the server's family)"
	}
	return msg
}

// Is matches ErrRejectedField.
func (e *RejectedFieldError) Is(target error) bool { return target == ErrRejectedField }

// fieldOptions names, for each optional field, the option that changes it.
var fieldOptions = map[string]string{
	"stream_options":        "openai.WithStreamUsage(false)",
	"max_completion_tokens": "openai.WithTokenCapField(openai.CapMaxTokens)",
	"max_tokens":            "openai.WithTokenCapField(openai.CapMaxCompletionTokens)",
	"response_format":       "openai.WithStructuredOutput(openai.StructuredOutputInstructions)",
	"reasoning_content":     "openai.WithReasoningContent(false)",
	"temperature":           "no openai.WithTemperature",
	"max_output_tokens":     "openai.WithMaxTokens(0)",
	"include":               "openai.WithAPI(openai.ChatCompletionsAPI)",
	"text":                  "openai.WithStructuredOutput(openai.StructuredOutputInstructions)",
}

// rejectionPhrases are what servers say of a field they refuse (lower
// case); a 400 that names a field without one of them is about its value.
var rejectionPhrases = []string{"unknown", "unsupported", "not supported", "extra", "not permitted",
	"not allowed", "unrecognized", "unexpected", "does not support", "is not a valid parameter", "unavailable"}

// rejectedField finds, in an HTTP 400 or 422, an optional field of the
// request (x.optional) that the server refused; nil when there is none.
func rejectedField(x *exchange, status int, param, msg string, body []byte) *RejectedFieldError {
	if x == nil || len(x.optional) == 0 || status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
		return nil
	}
	text := msg + " " + string(body)
	lower := strings.ToLower(text)
	rejected := false
	for _, p := range rejectionPhrases {
		if strings.Contains(lower, p) {
			rejected = true
			break
		}
	}
	if !rejected {
		return nil
	}
	for _, f := range x.optional {
		named := param == f || strings.HasPrefix(param, f+".") || strings.HasPrefix(param, f+"[")
		for _, q := range []string{"'" + f + "'", `"` + f + `"`, "`" + f + "`", "'" + f + ".", `"` + f + "."} {
			named = named || strings.Contains(text, q)
		}
		// A name with an underscore is distinctive enough unquoted
		// (DeepSeek: "This response_format type is unavailable now").
		named = named || strings.Contains(f, "_") && containsWord(text, f)
		if named {
			return &RejectedFieldError{Field: f, Option: fieldOptions[f]}
		}
	}
	return nil
}

// containsWord reports word in text, not inside a longer name.
func containsWord(text, word string) bool {
	isName := func(b byte) bool {
		return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
	}
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if (start == 0 || !isName(text[start-1])) && (end == len(text) || !isName(text[end])) {
			return true
		}
		i = start + 1
	}
}
