package openaitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The subset of the Chat Completions wire format the server reads.

type wireRequest struct {
	Model         string        `json:"model"`
	Messages      []wireMessage `json:"messages"`
	Tools         []wireTool    `json:"tools"`
	Stream        bool          `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	ResponseFormat *struct {
		Type       string         `json:"type"`
		JSONSchema *wireSchemaDef `json:"json_schema"`
	} `json:"response_format"`
}

// wireSchemaDef is a typed answer's schema: response_format.json_schema in
// Chat Completions, text.format in the Responses API.
type wireSchemaDef struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Schema      map[string]any `json:"schema"`
	Strict      *bool          `json:"strict"`
}

func (d *wireSchemaDef) toAI() *ai.ResponseFormat {
	if d == nil {
		return nil
	}
	return &ai.ResponseFormat{Name: d.Name, Description: d.Description, Schema: d.Schema, Strict: d.Strict != nil && *d.Strict}
}

type wireMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	ToolCalls  []wireToolCall  `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
	Name       string          `json:"name"`
	// ReasoningContent is DeepSeek's field (ReasoningContent quirk).
	ReasoningContent *string `json:"reasoning_content,omitempty"`
}

type wireToolCall struct {
	Index    *int   `json:"index,omitempty"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
	// ExtraContent is Gemini's field (ThoughtSignatures quirk).
	ExtraContent json.RawMessage `json:"extra_content,omitempty"`
}

type wireTool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string         `json:"name"`
		Description string         `json:"description"`
		Parameters  map[string]any `json:"parameters"`
	} `json:"function"`
}

// text returns a message content: a string, or the text of its parts.
func (m *wireMessage) text() (string, error) {
	c := m.Content
	if len(c) == 0 || string(c) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(c, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		Refusal string `json:"refusal"`
	}
	if err := json.Unmarshal(c, &parts); err != nil {
		return "", fmt.Errorf("content is neither a string nor an array of content parts")
	}
	var b strings.Builder
	for _, p := range parts {
		switch p.Type {
		case "text":
			b.WriteString(p.Text)
		case "refusal":
			b.WriteString(p.Refusal)
		default:
			return "", fmt.Errorf("content part type %q is not supported by openaitest", p.Type)
		}
	}
	return b.String(), nil
}

// toAI translates a request body into an ai.Request (without OnDelta).
func (w *wireRequest) toAI() (ai.Request, error) {
	var req ai.Request
	names := map[string]string{} // tool_call_id -> tool name
	for i := range w.Messages {
		m := &w.Messages[i]
		text, err := m.text()
		if err != nil {
			return req, fmt.Errorf("messages[%d]: %w", i, err)
		}
		msg := ai.Message{Content: text}
		switch m.Role {
		case "system", "developer":
			msg.Role = ai.RoleSystem
		case "user":
			msg.Role = ai.RoleUser
		case "assistant":
			msg.Role = ai.RoleAssistant
			if m.ReasoningContent != nil {
				msg.Reasoning = *m.ReasoningContent
			}
			for _, tc := range m.ToolCalls {
				msg.ToolCalls = append(msg.ToolCalls, ai.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
				names[tc.ID] = tc.Function.Name
			}
		case "tool":
			msg.Role = ai.RoleTool
			msg.ToolCallID = m.ToolCallID
			msg.Name = names[m.ToolCallID]
		default:
			return req, fmt.Errorf("messages[%d]: unsupported role %q", i, m.Role)
		}
		req.Messages = append(req.Messages, msg)
	}
	for i, t := range w.Tools {
		if t.Type != "function" {
			return req, fmt.Errorf("tools[%d]: unsupported tool type %q", i, t.Type)
		}
		if t.Function.Name == "" {
			return req, fmt.Errorf("tools[%d]: function without a name", i)
		}
		req.Tools = append(req.Tools, ai.Tool{
			Name:        t.Function.Name,
			Description: t.Function.Description,
			InputSchema: t.Function.Parameters,
		})
	}
	if rf := w.ResponseFormat; rf != nil && rf.Type == "json_schema" {
		req.ResponseFormat = rf.JSONSchema.toAI()
	}
	return req, nil
}

// ValidateConversation checks the rule OpenAI enforces on a Chat
// Completions request body: every "tool" message answers a tool call of the
// preceding assistant message, and every call of an assistant message is
// answered before the next non-tool message (or the end of the
// conversation). The server answers a body breaking it with a 400, as
// OpenAI does; tests can call it on recorded bodies directly.
func ValidateConversation(body []byte) error {
	var w struct {
		Messages []wireMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	if len(w.Messages) == 0 {
		return errors.New("messages: empty")
	}
	pending := map[string]bool{} // calls of the last assistant message not yet answered
	open := false                // inside the tool answers of an assistant message
	unanswered := func() error {
		if len(pending) == 0 {
			return nil
		}
		ids := make([]string, 0, len(pending))
		for id := range pending {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return fmt.Errorf("tool calls %v were not answered by tool messages", ids)
	}
	for i, m := range w.Messages {
		if m.Role == "tool" {
			if !open {
				return fmt.Errorf("messages[%d]: tool message does not follow an assistant message with tool_calls", i)
			}
			if m.ToolCallID == "" {
				return fmt.Errorf("messages[%d]: tool message without tool_call_id", i)
			}
			if !pending[m.ToolCallID] {
				return fmt.Errorf("messages[%d]: tool_call_id %q answers no pending call of the preceding assistant message", i, m.ToolCallID)
			}
			delete(pending, m.ToolCallID)
			continue
		}
		if err := unanswered(); err != nil {
			return fmt.Errorf("messages[%d]: %w before this %s message", i, err, m.Role)
		}
		open = false
		if m.Role == "assistant" && len(m.ToolCalls) > 0 {
			open = true
			for j, tc := range m.ToolCalls {
				if tc.ID == "" {
					return fmt.Errorf("messages[%d].tool_calls[%d]: no id", i, j)
				}
				if pending[tc.ID] {
					return fmt.Errorf("messages[%d].tool_calls[%d]: duplicate id %q", i, j, tc.ID)
				}
				pending[tc.ID] = true
			}
		}
	}
	if err := unanswered(); err != nil {
		return fmt.Errorf("end of messages: %w", err)
	}
	return nil
}
