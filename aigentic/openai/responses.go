package openai

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The Responses API driver: POST {base}/responses, on openai-go's
// Responses client, stateless (store: false). A reasoning model's
// reasoning items come back with their encrypted_content (include
// ["reasoning.encrypted_content"]), are kept on the assistant ai.Message
// (Opaque.Items) and sent back, in order, before the message's text and
// calls: OpenAI keeps nothing between requests
// (https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items).

// responsesOrigin names what this model's Responses API answers come from.
func (m *Model) responsesOrigin() string { return providerName + "/responses/" + string(m.family) }

// generateResponses is Generate on the Responses API: one request,
// streamed when req.OnDelta is set.
func (m *Model) generateResponses(ctx context.Context, req ai.Request) (*ai.Response, error) {
	params, sent, err := m.responsesParams(req)
	if err != nil {
		return nil, err
	}
	if req.OnDelta != nil {
		return m.responsesStream(ctx, params, sent, req.OnDelta)
	}
	x := m.newExchange(sent, false)
	res, err := m.responses.New(ctx, params, option.WithMiddleware(x.middleware))
	if err != nil {
		return nil, m.classify(ctx, err, x)
	}
	if res == nil {
		// A JSON null body: the SDK returns no answer and no error.
		return nil, m.nullAnswer(x)
	}
	return m.responsesAnswer([]byte(res.RawJSON()), x)
}

// responsesParams maps an ai.Request to a Responses API request, and names
// the optional fields it sends.
func (m *Model) responsesParams(req ai.Request) (responses.ResponseNewParams, []string, error) {
	p := responses.ResponseNewParams{Model: shared.ResponsesModel(m.name), Store: param.NewOpt(false)}
	sent := []string{"store"}
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
			f := &responses.ResponseFormatTextJSONSchemaConfigParam{Name: rf.Name, Schema: schema}
			if rf.Description != "" {
				f.Description = param.NewOpt(rf.Description)
			}
			if rf.Strict {
				f.Strict = param.NewOpt(true)
			}
			p.Text.Format.OfJSONSchema = f
			sent = append(sent, "text")
		} else {
			msgs = withInstructions(msgs, schemaInstructions(rf, schema))
		}
	}
	origin := m.responsesOrigin()
	items := make(responses.ResponseInputParam, 0, len(msgs))
	for i, msg := range msgs {
		switch msg.Role {
		case ai.RoleSystem:
			items = append(items, responses.ResponseInputItemParamOfMessage(msg.Content, responses.EasyInputMessageRoleSystem))
		case ai.RoleUser:
			items = append(items, responses.ResponseInputItemParamOfMessage(msg.Content, responses.EasyInputMessageRoleUser))
		case ai.RoleAssistant:
			if msg.Opaque.From(origin) {
				for _, raw := range msg.Opaque.Items {
					var r responses.ResponseReasoningItemParam
					param.SetJSON(raw, &r)
					items = append(items, responses.ResponseInputItemUnionParam{OfReasoning: &r})
				}
			}
			if msg.Content != "" {
				items = append(items, responses.ResponseInputItemParamOfMessage(msg.Content, responses.EasyInputMessageRoleAssistant))
			}
			for j, tc := range msg.ToolCalls {
				if tc.ID == "" || tc.Name == "" {
					return p, nil, m.requestError(fmt.Sprintf("message %d: tool call %d has no ID or name", i, j))
				}
				args := tc.Arguments
				if args == "" {
					args = "{}"
				}
				items = append(items, responses.ResponseInputItemParamOfFunctionCall(args, tc.ID, tc.Name))
			}
		case ai.RoleTool:
			if msg.ToolCallID == "" {
				return p, nil, m.requestError(fmt.Sprintf("message %d: tool message without tool_call_id", i))
			}
			content := msg.Content
			if msg.IsError {
				content = "Error: " + content
			}
			out := responses.ResponseInputItemParamOfFunctionCallOutput(content)
			out.OfFunctionCallOutput.CallID = param.NewOpt(msg.ToolCallID)
			items = append(items, out)
		default:
			return p, nil, m.requestError(fmt.Sprintf("message %d has unknown role %q", i, msg.Role))
		}
	}
	p.Input.OfInputItemList = items
	for i, t := range req.Tools {
		if t.Name == "" {
			return p, nil, m.requestError(fmt.Sprintf("tool %d has no name", i))
		}
		schema := map[string]any(t.InputSchema)
		if schema == nil {
			schema = emptyObjectSchema()
		}
		// strict false: the Responses API makes function tools strict by
		// default, which most tool schemas do not satisfy.
		tool := responses.ToolParamOfFunction(t.Name, schema, false)
		if t.Description != "" {
			tool.OfFunction.Description = param.NewOpt(t.Description)
		}
		p.Tools = append(p.Tools, tool)
	}
	if reasoningModel(m.name) {
		p.Include = []responses.ResponseIncludable{responses.ResponseIncludableReasoningEncryptedContent}
		sent = append(sent, "include")
	}
	if m.temperature != nil {
		p.Temperature = param.NewOpt(*m.temperature)
		sent = append(sent, "temperature")
	}
	if m.maxTokens > 0 {
		p.MaxOutputTokens = param.NewOpt(m.maxTokens)
		sent = append(sent, "max_output_tokens")
	}
	return p, sent, nil
}

// wireResponse is the part of a Responses API response object this
// package reads; the output items are decoded one by one ([wireItem]).
type wireResponse struct {
	ID                string                   `json:"id"`
	Object            string                   `json:"object"`
	Model             string                   `json:"model"`
	Status            string                   `json:"status"`
	Error             *wireRespError           `json:"error"`
	IncompleteDetails *struct{ Reason string } `json:"incomplete_details"`
	Output            []json.RawMessage        `json:"output"`
	Usage             *wireRespUsage           `json:"usage"`
}

type wireRespError struct {
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
}

type wireRespUsage struct {
	InputTokens        int `json:"input_tokens"`
	OutputTokens       int `json:"output_tokens"`
	InputTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

func (u *wireRespUsage) usage() ai.Usage {
	if u == nil {
		return ai.Usage{}
	}
	return ai.Usage{InputTokens: tokenCount(u.InputTokens), OutputTokens: tokenCount(u.OutputTokens),
		ReasoningTokens: tokenCount(u.OutputTokensDetails.ReasoningTokens), CachedInputTokens: tokenCount(u.InputTokensDetails.CachedTokens)}
}

// wireItem is one output item: a message, a function call or a reasoning
// item (other types are not asked for).
type wireItem struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	CallID    string          `json:"call_id"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
	Content   []struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		Refusal string `json:"refusal"`
	} `json:"content"`
	Summary []struct {
		Text string `json:"text"`
	} `json:"summary"`
}
