package openai

import (
	"fmt"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// emptyObjectSchema is the parameters schema of a tool without one.
func emptyObjectSchema() shared.FunctionParameters {
	return shared.FunctionParameters{"type": "object", "properties": map[string]any{}}
}

// params maps an ai.Request to the SDK's request. A request the API would
// reject for sure (an unknown role, a tool without a name) is a permanent
// error before any HTTP request.
func (m *Model) params(req ai.Request) (oai.ChatCompletionNewParams, error) {
	p := oai.ChatCompletionNewParams{Model: shared.ChatModel(m.name)}
	if len(req.Messages) == 0 {
		return p, m.requestError("the request has no messages")
	}
	p.Messages = make([]oai.ChatCompletionMessageParamUnion, 0, len(req.Messages))
	for i, msg := range req.Messages {
		switch msg.Role {
		case ai.RoleSystem:
			p.Messages = append(p.Messages, oai.SystemMessage(msg.Content))
		case ai.RoleUser:
			p.Messages = append(p.Messages, oai.UserMessage(msg.Content))
		case ai.RoleAssistant:
			var a oai.ChatCompletionAssistantMessageParam
			if msg.Content != "" || len(msg.ToolCalls) == 0 {
				a.Content.OfString = oai.String(msg.Content)
			}
			for j, tc := range msg.ToolCalls {
				if tc.ID == "" || tc.Name == "" {
					return p, m.requestError(fmt.Sprintf("message %d: tool call %d has no ID or name", i, j))
				}
				args := tc.Arguments
				if args == "" {
					args = "{}"
				}
				a.ToolCalls = append(a.ToolCalls, oai.ChatCompletionMessageToolCallUnionParam{
					OfFunction: &oai.ChatCompletionMessageFunctionToolCallParam{
						ID: tc.ID,
						Function: oai.ChatCompletionMessageFunctionToolCallFunctionParam{
							Name:      tc.Name,
							Arguments: args,
						},
					},
				})
			}
			p.Messages = append(p.Messages, oai.ChatCompletionMessageParamUnion{OfAssistant: &a})
		case ai.RoleTool:
			if msg.ToolCallID == "" {
				return p, m.requestError(fmt.Sprintf("message %d: tool message without tool_call_id", i))
			}
			content := msg.Content
			if msg.IsError {
				// Chat Completions has no error flag on tool results.
				content = "Error: " + content
			}
			p.Messages = append(p.Messages, oai.ToolMessage(content, msg.ToolCallID))
		default:
			return p, m.requestError(fmt.Sprintf("message %d has unknown role %q", i, msg.Role))
		}
	}
	for i, t := range req.Tools {
		if t.Name == "" {
			return p, m.requestError(fmt.Sprintf("tool %d has no name", i))
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
	}
	if m.maxTokens > 0 {
		p.MaxCompletionTokens = oai.Int(m.maxTokens)
	}
	return p, nil
}

// requestError is the permanent error of a request that cannot be sent.
func (m *Model) requestError(msg string) error {
	return configError(ErrInvalidRequest, "invalid request: "+m.redact.clean(msg))
}

// response maps a non-streamed completion to an ai.Response, or to the
// error it reports: an in-band error object, a finish reason that is not an
// answer ([Model.answer]).
func (m *Model) response(res *oai.ChatCompletion, status int) (*ai.Response, error) {
	if res != nil {
		if ib, ok := parseInBand("", []byte(res.RawJSON())); ok {
			// A compatible server reporting a failure with a 2xx.
			return nil, m.inBandError(ib, 0, nil)
		}
	}
	if res == nil || len(res.Choices) == 0 {
		return nil, m.malformed(status, "the answer has no choices")
	}
	c := res.Choices[0]
	msg := ai.Message{Role: ai.RoleAssistant, Content: c.Message.Content}
	if msg.Content == "" && c.Message.Refusal != "" {
		msg.Content = c.Message.Refusal
	}
	for i, tc := range c.Message.ToolCalls {
		if tc.Type != "" && tc.Type != "function" {
			return nil, m.malformed(status, fmt.Sprintf("tool call %d has unsupported type %q", i, tc.Type))
		}
		// An empty ID is left for the agent to fill in, unique in the run.
		msg.ToolCalls = append(msg.ToolCalls, ai.ToolCall{
			ID:        tc.ID,
			Name:      tc.Function.Name,
			Arguments: tc.Function.Arguments,
		})
	}
	var filters string
	if f, ok := c.JSON.ExtraFields["content_filter_results"]; ok {
		filters = filteredCategories([]byte(f.Raw()))
	}
	resp, err := m.answer(msg, c.FinishReason, filters, usage(res.Usage))
	if resp != nil {
		resp.ID, resp.Model = res.ID, res.Model
	}
	return resp, err
}

// answer is the Response of an assembled message, or the error its finish
// reason makes it: "length" is an *ai.TruncatedError (its tool calls are
// never run), "content_filter" an *ai.ContentFilterError naming the
// filter, both wrapped in a permanent *ai.ModelError.
func (m *Model) answer(msg ai.Message, reason, filters string, u ai.Usage) (*ai.Response, error) {
	var cause error
	switch reason {
	case "length":
		cause = &ai.TruncatedError{Partial: msg.Content, ToolCalls: msg.ToolCalls, Usage: u, FinishReason: reason}
	case "content_filter":
		cause = &ai.ContentFilterError{Filter: orString(filters, reason), Partial: msg.Content}
	default:
		return &ai.Response{Message: msg, Usage: u, FinishReason: finishReason(reason, len(msg.ToolCalls))}, nil
	}
	return nil, &ai.ModelError{Provider: providerName, Message: m.redact.clean(cause.Error()), Err: cause}
}

// malformed is the transient error of an unusable 200 answer.
func (m *Model) malformed(status int, msg string) error {
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: status,
		Message:    msg,
		Transient:  true,
		Err:        m.redact.wrap(ErrMalformedResponse, nil, "%s", msg),
	}
}

func usage(u oai.CompletionUsage) ai.Usage {
	return ai.Usage{InputTokens: int(u.PromptTokens), OutputTokens: int(u.CompletionTokens)}
}

// finishReason normalizes the reason of an answer: "tool_calls" when it
// has tool calls and the server said "stop", nothing, or a variant
// ("tool_call", "function_call") — Gemini's OpenAI-compatible endpoint
// streams tool calls with "stop" — and "stop" when a server says
// "tool_calls" (or nothing) for an answer without any (LocalAI).
func finishReason(reason string, calls int) string {
	switch reason {
	case "", "stop", "tool_calls", "tool_call", "function_call":
		if calls > 0 {
			return "tool_calls"
		}
		return "stop"
	}
	return reason
}
