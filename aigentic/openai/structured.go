package openai

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// ErrStrictSchema marks a schema that OpenAI's strict mode cannot express
// ([StrictSchema]). A request asking for it is refused before any HTTP
// request, as a permanent [ErrInvalidRequest].
var ErrStrictSchema = schema.ErrStrict

// responseSchema checks a request's ResponseFormat and returns the schema
// to send: as given, or made strict ([StrictSchema]) when Strict is set.
func (m *Model) responseSchema(rf *ai.ResponseFormat) (map[string]any, error) {
	if !schemaName.MatchString(rf.Name) {
		return nil, m.requestError(fmt.Sprintf("response format name %q is not 1-64 letters, digits, _ or -", rf.Name))
	}
	if rf.Schema == nil {
		return nil, m.requestError("response format " + rf.Name + " has no schema")
	}
	if !rf.Strict {
		return rf.Schema, nil
	}
	s, err := StrictSchema(rf.Schema)
	if err != nil {
		return nil, configError(fmt.Errorf("%w: %w", ErrInvalidRequest, err), "invalid request: response format "+rf.Name+": "+m.redact.clean(err.Error()))
	}
	return s, nil
}

// schemaInstructions is the system message that asks for a typed answer on
// a server that is not sent the schema natively.
func schemaInstructions(rf *ai.ResponseFormat, schema map[string]any) string {
	b, _ := json.Marshal(schema)
	var s strings.Builder
	s.WriteString("When you give your final answer, answer with one JSON value only — no other text, no code fence — that is valid against this JSON schema")
	fmt.Fprintf(&s, " (%q", rf.Name)
	if rf.Description != "" {
		s.WriteString(": " + rf.Description)
	}
	s.WriteString("):\n")
	s.Write(b)
	return s.String()
}

// withInstructions returns messages with the schema instructions added:
// appended to the first system message, or as a first system message.
func withInstructions(msgs []ai.Message, text string) []ai.Message {
	out := slices.Clone(msgs)
	for i := range out {
		if out[i].Role == ai.RoleSystem {
			out[i].Content += "\n\n" + text
			return out
		}
	}
	return append([]ai.Message{{Role: ai.RoleSystem, Content: text}}, out...)
}

// StrictSchema returns a copy of schema that OpenAI's strict mode accepts
// (strict: true), or an error matching [ErrStrictSchema] that names where
// and why it cannot be: [schema.Strict], where the rules are. schema is not
// modified.
func StrictSchema(m map[string]any) (map[string]any, error) { return schema.Strict(m) }

// schemaName is what OpenAI accepts as json_schema.name: 1-64 letters,
// digits, underscores and dashes.
var schemaName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
