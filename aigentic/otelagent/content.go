package otelagent

import (
	"encoding/json"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// Message content on spans, in the JSON shapes of the GenAI semantic
// conventions (gen_ai.input.messages, gen_ai.output.messages,
// gen_ai.system_instructions): a message is a role and its parts, a part
// is text, a tool call or a tool call's response. Every string is passed
// through secret.Redact first. Recorded only when CaptureContentEnv is "true".

type otelPart struct {
	Type      string `json:"type"`
	Content   string `json:"content,omitempty"`
	ID        string `json:"id,omitempty"`
	Name      string `json:"name,omitempty"`
	Arguments any    `json:"arguments,omitempty"`
	Response  string `json:"response,omitempty"`
}

type otelMessage struct {
	Role         string     `json:"role"`
	Parts        []otelPart `json:"parts"`
	FinishReason string     `json:"finish_reason,omitempty"`
}

func messageParts(m ai.Message) []otelPart {
	parts := []otelPart{}
	if m.Role == ai.RoleTool {
		return append(parts, otelPart{Type: "tool_call_response", ID: secret.Redact(m.ToolCallID), Response: secret.Redact(m.Content)})
	}
	if m.Content != "" {
		parts = append(parts, otelPart{Type: "text", Content: secret.Redact(m.Content)})
	}
	for _, tc := range m.ToolCalls {
		parts = append(parts, otelPart{Type: "tool_call", ID: secret.Redact(tc.ID), Name: secret.Redact(tc.Name), Arguments: arguments(tc.Arguments)})
	}
	return parts
}

// arguments is a tool call's arguments as the JSON object they are, or as
// a string when the model sent something else.
func arguments(raw string) any {
	raw = secret.Redact(raw)
	if json.Valid([]byte(raw)) {
		return json.RawMessage(raw)
	}
	return raw
}

func inputMessagesJSON(msgs []ai.Message) string {
	out := make([]otelMessage, 0, len(msgs))
	for _, m := range msgs {
		if m.Role == ai.RoleSystem {
			continue // on the run's span, as gen_ai.system_instructions
		}
		out = append(out, otelMessage{Role: string(m.Role), Parts: messageParts(m)})
	}
	return marshal(out)
}

func outputMessagesJSON(resp *ai.Response) string {
	return marshal([]otelMessage{{Role: string(ai.RoleAssistant), Parts: messageParts(resp.Message), FinishReason: resp.FinishReason}})
}

func systemInstructionsJSON(s string) string {
	return marshal([]otelPart{{Type: "text", Content: secret.Redact(s)}})
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
