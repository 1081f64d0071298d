package openai

import (
	"fmt"
	"strings"
)

// API is the OpenAI API a [Model] sends its requests to.
type API int

// The APIs. Chat Completions is what compatible servers implement; the
// Responses API (POST /responses) is where OpenAI ships new models and
// features first, and some of its models are only served there.
const (
	// AutoAPI chooses per model: the Responses API for OpenAI's models
	// that only it serves (o1-pro, o3-pro, gpt-5-pro, the codex and
	// computer-use models, deep research) on OpenAI's own API, Chat
	// Completions for everything else.
	AutoAPI API = iota
	// ChatCompletionsAPI is POST {base}/chat/completions.
	ChatCompletionsAPI
	// ResponsesAPI is POST {base}/responses, stateless: store false, with
	// reasoning models' encrypted reasoning carried on the assistant
	// messages (ai.Message.Opaque) instead of stored by OpenAI.
	ResponsesAPI
)

// String names the API as its path does.
func (a API) String() string {
	switch a {
	case ChatCompletionsAPI:
		return "chat/completions"
	case ResponsesAPI:
		return "responses"
	}
	return "auto"
}

// WithAPI chooses the API; the default, [AutoAPI], chooses per model.
func WithAPI(api API) Option {
	return func(c *config) {
		if api < AutoAPI || api > ResponsesAPI {
			c.errs = append(c.errs, fmt.Errorf("unknown API %d", int(api)))
			return
		}
		c.api = api
	}
}

// chooseAPI resolves AutoAPI for a model of a family.
func chooseAPI(api API, f Family, model string) API {
	if api != AutoAPI {
		return api
	}
	if f == FamilyOpenAI && responsesOnly(model) {
		return ResponsesAPI
	}
	return ChatCompletionsAPI
}

// responsesOnly reports OpenAI models served only by the Responses API
// (https://platform.openai.com/docs/models: o1-pro, o3-pro, gpt-5-pro,
// codex-mini-latest, gpt-5-codex, computer-use-preview,
// o3-deep-research, o4-mini-deep-research).
func responsesOnly(model string) bool {
	m := strings.ToLower(model)
	for _, part := range []string{"-pro", "codex", "computer-use", "deep-research"} {
		if strings.Contains(m, part) {
			return true
		}
	}
	return false
}

// reasoningModel reports OpenAI's reasoning models (o1, o3, o4-mini,
// gpt-5, codex), whose Responses API answers carry reasoning items: only
// they accept include ["reasoning.encrypted_content"].
func reasoningModel(model string) bool {
	m := strings.ToLower(model)
	if i := strings.LastIndex(m, "/"); i >= 0 {
		m = m[i+1:]
	}
	if strings.HasPrefix(m, "gpt-5") && !strings.Contains(m, "chat") {
		return true
	}
	if len(m) >= 2 && m[0] == 'o' && m[1] >= '1' && m[1] <= '9' {
		return true
	}
	return strings.Contains(m, "codex")
}

// StructuredOutput is how a typed answer (ai.Request.ResponseFormat) is
// asked for.
type StructuredOutput int

// The ways to ask for a typed answer.
const (
	// StructuredOutputAuto follows the family's rule ([Rules].JSONSchema).
	StructuredOutputAuto StructuredOutput = iota
	// StructuredOutputJSONSchema sends the schema natively: Chat
	// Completions' response_format {type: "json_schema", json_schema:
	// {name, schema, strict}}, the Responses API's text.format.
	StructuredOutputJSONSchema
	// StructuredOutputInstructions describes the schema in a system
	// message instead, for servers that reject or ignore json_schema.
	StructuredOutputInstructions
)

// WithStructuredOutput chooses how a typed answer is asked for, whatever
// the family's rule.
func WithStructuredOutput(mode StructuredOutput) Option {
	return func(c *config) {
		if mode < StructuredOutputAuto || mode > StructuredOutputInstructions {
			c.errs = append(c.errs, fmt.Errorf("unknown structured output mode %d", int(mode)))
			return
		}
		c.structured = mode
	}
}
