package openai

import (
	"encoding/json"
	"fmt"
	"slices"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// emptyObjectSchema is the parameters schema of a tool without one.
func emptyObjectSchema() shared.FunctionParameters {
	return shared.FunctionParameters{"type": "object", "properties": map[string]any{}}
}

// origin names what this model's Chat Completions answers come from, for
// ai.Opaque: the family decides what its server needs back.
func (m *Model) origin() string { return providerName + "/chat/" + string(m.family) }

// params maps an ai.Request to the SDK's request, following the family's
// rules ([Rules]), and names the optional fields it sends (for the error
// of a server that rejects one). A request the API would reject for sure
// (an unknown role, a tool without a name) is a permanent error before any
// HTTP request.
func (m *Model) params(req ai.Request) (oai.ChatCompletionNewParams, []string, error) {
	p := oai.ChatCompletionNewParams{Model: shared.ChatModel(m.name)}
	var sent []string
	if len(req.Messages) == 0 {
		return p, nil, m.requestError("the request has no messages")
	}
	msgs := req.Messages
	if rf := req.ResponseFormat; rf != nil {
		schema, err := m.responseSchema(rf)
		if err != nil {
			return p, nil, err
		}
		if m.rules.JSONSchema {
			js := shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: rf.Name, Schema: schema}
			if rf.Description != "" {
				js.Description = oai.String(rf.Description)
			}
			if rf.Strict {
				js.Strict = oai.Bool(true)
			}
			p.ResponseFormat.OfJSONSchema = &shared.ResponseFormatJSONSchemaParam{JSONSchema: js}
			sent = append(sent, "response_format")
		} else {
			msgs = withInstructions(msgs, schemaInstructions(rf, schema))
		}
	}
	ids := idMapper{on: m.rules.ShortToolCallIDs}
	p.Messages = make([]oai.ChatCompletionMessageParamUnion, 0, len(msgs))
	for i, msg := range msgs {
		switch msg.Role {
		case ai.RoleSystem:
			p.Messages = append(p.Messages, oai.SystemMessage(msg.Content))
		case ai.RoleUser:
			p.Messages = append(p.Messages, oai.UserMessage(msg.Content))
		case ai.RoleAssistant:
			a, reasoning, err := m.assistantParam(i, msg, &ids)
			if err != nil {
				return p, nil, err
			}
			if reasoning && !slices.Contains(sent, "reasoning_content") {
				sent = append(sent, "reasoning_content")
			}
			p.Messages = append(p.Messages, oai.ChatCompletionMessageParamUnion{OfAssistant: a})
		case ai.RoleTool:
			if msg.ToolCallID == "" {
				return p, nil, m.requestError(fmt.Sprintf("message %d: tool message without tool_call_id", i))
			}
			id, err := ids.id(msg.ToolCallID)
			if err != nil {
				return p, nil, m.requestError(fmt.Sprintf("message %d: %v", i, err))
			}
			content := msg.Content
			if msg.IsError {
				// Chat Completions has no error flag on tool results.
				content = "Error: " + content
			}
			p.Messages = append(p.Messages, oai.ToolMessage(content, id))
		default:
			return p, nil, m.requestError(fmt.Sprintf("message %d has unknown role %q", i, msg.Role))
		}
	}
	for i, t := range req.Tools {
		if t.Name == "" {
			return p, nil, m.requestError(fmt.Sprintf("tool %d has no name", i))
		}
		schema := shared.FunctionParameters(t.InputSchema)
		if schema == nil {
			schema = emptyObjectSchema()
		}
		fn := shared.FunctionDefinitionParam{Name: t.Name, Parameters: schema}
		if t.Description != "" {
			fn.Description = oai.String(t.Description)
		}
		p.Tools = append(p.Tools, oai.ChatCompletionFunctionTool(fn))
	}
	if m.temperature != nil {
		p.Temperature = oai.Float(*m.temperature)
		sent = append(sent, "temperature")
	}
	if m.maxTokens > 0 {
		if m.rules.TokenCap == CapMaxTokens {
			p.MaxTokens = oai.Int(m.maxTokens)
		} else {
			p.MaxCompletionTokens = oai.Int(m.maxTokens)
		}
		sent = append(sent, string(m.rules.TokenCap))
	}
	return p, sent, nil
}

// assistantParam maps an assistant message: its text, its tool calls (IDs
// made short for families that need it), and what the family needs back —
// the reasoning text as reasoning_content, the opaque fields of the
// message and of each call that this family's server produced. reasoning
// reports whether reasoning_content was sent.
func (m *Model) assistantParam(i int, msg ai.Message, ids *idMapper) (a *oai.ChatCompletionAssistantMessageParam, reasoning bool, err error) {
	a = &oai.ChatCompletionAssistantMessageParam{}
	if msg.Content != "" || len(msg.ToolCalls) == 0 {
		a.Content.OfString = oai.String(msg.Content)
	}
	origin := m.origin()
	for j, tc := range msg.ToolCalls {
		if tc.ID == "" || tc.Name == "" {
			return nil, false, m.requestError(fmt.Sprintf("message %d: tool call %d has no ID or name", i, j))
		}
		id, err := ids.id(tc.ID)
		if err != nil {
			return nil, false, m.requestError(fmt.Sprintf("message %d: %v", i, err))
		}
		args := tc.Arguments
		if args == "" {
			args = "{}"
		}
		fn := &oai.ChatCompletionMessageFunctionToolCallParam{
			ID:       id,
			Function: oai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: tc.Name, Arguments: args},
		}
		if tc.Opaque.From(origin) && len(tc.Opaque.Fields) > 0 {
			fn.SetExtraFields(rawFields(tc.Opaque.Fields))
		}
		a.ToolCalls = append(a.ToolCalls, oai.ChatCompletionMessageToolCallUnionParam{OfFunction: fn})
	}
	extra := map[string]any{}
	if msg.Opaque.From(origin) {
		for k, v := range msg.Opaque.Fields {
			extra[k] = v
		}
	}
	if m.rules.ReasoningContent && msg.Reasoning != "" {
		extra["reasoning_content"] = msg.Reasoning
		reasoning = true
	}
	if len(extra) > 0 {
		a.SetExtraFields(extra)
	}
	return a, reasoning, nil
}

func rawFields(f map[string]json.RawMessage) map[string]any {
	out := make(map[string]any, len(f))
	for k, v := range f {
		out[k] = v
	}
	return out
}

// requestError is the permanent error of a request that cannot be sent.
func (m *Model) requestError(msg string) error {
	return configError(ErrInvalidRequest, "invalid request: "+m.redact.clean(msg))
}
