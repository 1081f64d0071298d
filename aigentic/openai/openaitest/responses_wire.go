package openaitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The subset of the Responses API request the server reads.

type respRequest struct {
	Model        string          `json:"model"`
	Input        json.RawMessage `json:"input"`
	Instructions *string         `json:"instructions"`
	Tools        []struct {
		Type        string         `json:"type"`
		Name        string         `json:"name"`
		Description string         `json:"description"`
		Parameters  map[string]any `json:"parameters"`
	} `json:"tools"`
	Stream  bool     `json:"stream"`
	Store   *bool    `json:"store"`
	Include []string `json:"include"`
	Text    *struct {
		Format *struct {
			Type string `json:"type"`
			wireSchemaDef
		} `json:"format"`
	} `json:"text"`
}

// respItem is one input item: an (easy) message, a function call and its
// output, a reasoning item.
type respItem struct {
	Type             string          `json:"type"`
	Role             string          `json:"role"`
	Content          json.RawMessage `json:"content"`
	ID               string          `json:"id"`
	CallID           string          `json:"call_id"`
	Name             string          `json:"name"`
	Arguments        string          `json:"arguments"`
	Output           json.RawMessage `json:"output"`
	EncryptedContent *string         `json:"encrypted_content"`
}

// items decodes the input: a string is one user message.
func (w *respRequest) items() ([]respItem, error) {
	var s string
	if json.Unmarshal(w.Input, &s) == nil {
		return []respItem{{Type: "message", Role: "user", Content: w.Input}}, nil
	}
	var items []respItem
	if err := json.Unmarshal(w.Input, &items); err != nil {
		return nil, fmt.Errorf("input is neither a string nor a list of items")
	}
	for i := range items {
		if items[i].Type == "" {
			items[i].Type = "message"
		}
	}
	return items, nil
}

// contentText is a message content: a string, or the text of its parts
// (input_text, output_text).
func contentText(c json.RawMessage) (string, error) {
	if len(c) == 0 || string(c) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(c, &s) == nil {
		return s, nil
	}
	var parts []struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		Refusal string `json:"refusal"`
	}
	if err := json.Unmarshal(c, &parts); err != nil {
		return "", errors.New("content is neither a string nor a list of content parts")
	}
	var b strings.Builder
	for _, p := range parts {
		switch p.Type {
		case "input_text", "output_text", "text":
			b.WriteString(p.Text)
		case "refusal":
			b.WriteString(p.Refusal)
		default:
			return "", fmt.Errorf("content part type %q is not supported by openaitest", p.Type)
		}
	}
	return b.String(), nil
}

// toAI translates a Responses API request into an ai.Request: function
// calls join the assistant message before them (or make one), outputs
// become tool messages, reasoning items are checked, not passed on.
func (w *respRequest) toAI() (ai.Request, error) {
	var req ai.Request
	if w.Instructions != nil && *w.Instructions != "" {
		req.Messages = append(req.Messages, ai.Message{Role: ai.RoleSystem, Content: *w.Instructions})
	}
	items, err := w.items()
	if err != nil {
		return req, err
	}
	names := map[string]string{}
	lastAssistant := -1 // index in req.Messages of an assistant message calls may join
	for i, it := range items {
		switch it.Type {
		case "message":
			text, err := contentText(it.Content)
			if err != nil {
				return req, fmt.Errorf("input[%d]: %w", i, err)
			}
			role := map[string]ai.Role{"system": ai.RoleSystem, "developer": ai.RoleSystem, "user": ai.RoleUser, "assistant": ai.RoleAssistant}[it.Role]
			if role == "" {
				return req, fmt.Errorf("input[%d]: unsupported role %q", i, it.Role)
			}
			req.Messages = append(req.Messages, ai.Message{Role: role, Content: text})
			lastAssistant = -1
			if role == ai.RoleAssistant {
				lastAssistant = len(req.Messages) - 1
			}
		case "function_call":
			if lastAssistant < 0 {
				req.Messages = append(req.Messages, ai.Message{Role: ai.RoleAssistant})
				lastAssistant = len(req.Messages) - 1
			}
			m := &req.Messages[lastAssistant]
			m.ToolCalls = append(m.ToolCalls, ai.ToolCall{ID: it.CallID, Name: it.Name, Arguments: it.Arguments})
			names[it.CallID] = it.Name
		case "function_call_output":
			text, err := contentText(it.Output)
			if err != nil {
				return req, fmt.Errorf("input[%d].output: %w", i, err)
			}
			req.Messages = append(req.Messages, ai.Message{Role: ai.RoleTool, ToolCallID: it.CallID, Name: names[it.CallID], Content: text})
			lastAssistant = -1
		case "reasoning":
			// Checked by the server against what it issued; a model does
			// not see it.
		default:
			return req, fmt.Errorf("input[%d]: item type %q is not supported by openaitest", i, it.Type)
		}
	}
	for i, t := range w.Tools {
		if t.Type != "function" {
			return req, fmt.Errorf("tools[%d]: unsupported tool type %q", i, t.Type)
		}
		req.Tools = append(req.Tools, ai.Tool{Name: t.Name, Description: t.Description, InputSchema: t.Parameters})
	}
	if w.Text != nil && w.Text.Format != nil && w.Text.Format.Type == "json_schema" {
		req.ResponseFormat = w.Text.Format.toAI()
	}
	return req, nil
}

// ValidateResponsesInput checks the rule OpenAI enforces on a Responses
// API request's input (store: false, so nothing is looked up): every
// function_call_output answers a function_call before it, and every
// function_call is answered ("No tool output found for function call
// X."). Tests can call it on recorded bodies directly.
func ValidateResponsesInput(body []byte) error {
	var w respRequest
	if err := json.Unmarshal(body, &w); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	if len(w.Input) == 0 {
		return errors.New("input: missing")
	}
	items, err := w.items()
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	calls := map[string]bool{}
	answered := map[string]bool{}
	for i, it := range items {
		switch it.Type {
		case "function_call":
			if it.CallID == "" {
				return fmt.Errorf("input[%d]: function_call without call_id", i)
			}
			if calls[it.CallID] {
				return fmt.Errorf("input[%d]: duplicate call_id %q", i, it.CallID)
			}
			calls[it.CallID] = true
		case "function_call_output":
			if !calls[it.CallID] {
				return fmt.Errorf("input[%d]: no tool call found for function call output with call_id %s", i, it.CallID)
			}
			answered[it.CallID] = true
		}
	}
	var missing []string
	for id := range calls {
		if !answered[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("no tool output found for function call %s", missing[0])
	}
	return nil
}
