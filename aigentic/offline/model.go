package offline

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Name is the model name and provider name of the offline model.
const Name = "offline"

// Model is the offline model. It holds no state: it is safe for concurrent use.
type Model struct{}

// NewModel returns the offline model.
func NewModel() *Model { return &Model{} }

// ModelName implements [ai.Model]; it is always "offline".
func (m *Model) ModelName() string { return Name }

// Ping implements [ai.Model]: it fails only when ctx has ended.
func (m *Model) Ping(ctx context.Context) (*ai.PingResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("offline: ping: %w", err)
	}
	return &ai.PingResult{Provider: Name, Model: Name, Detail: "built-in deterministic model, no network"}, nil
}

// Generate implements [ai.Model], streaming the text a word at a time. No messages is a permanent *ai.ModelError; an
// ended ctx wraps ctx.Err().
func (m *Model) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	} else if len(req.Messages) == 0 {
		return nil, &ai.ModelError{Provider: Name, Code: "invalid_request", Message: "the request has no messages"}
	}
	content, calls := respond(req)
	msg := ai.Message{Role: ai.RoleAssistant, Content: content, ToolCalls: calls}
	resp := &ai.Response{Message: msg, FinishReason: "stop", Model: Name,
		Usage: ai.Usage{InputTokens: estimate(req.Messages, req.Tools, req.ResponseFormat), OutputTokens: estimate(content, calls)}}
	if len(calls) > 0 {
		resp.FinishReason = "tool_calls"
	}
	for _, piece := range pieceRe.FindAllString(content, -1) { // a word and the space after it
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("offline: %w", err)
		} else if req.OnDelta != nil {
			req.OnDelta(piece)
		}
	}
	return resp, nil
}

var pieceRe = regexp.MustCompile(`\s*\S+\s*`)

// estimate counts one token per four characters of JSON, at least 1 (an unencodable tool schema counts as nothing).
func estimate(v ...any) int { b, _ := json.Marshal(v); return max(1, (len(b)+3)/4) }

// respond calls tools on the first turn after a user message (or a chain's next), else answers: typed with
// req.ResponseFormat, or text.
func respond(req ai.Request) (string, []ai.ToolCall) {
	c := read(req.Messages)
	plans, chain := choose(c.user, req.Tools)
	if next := c.next(chain); next != nil {
		return "", c.assignIDs(next)
	}
	var calls []ai.ToolCall
	for _, p := range plans {
		calls = append(calls, p.calls...)
	}
	switch {
	case len(calls) > 0 && len(c.calls) == 0 && !c.answered:
		return "", c.assignIDs(calls)
	case req.ResponseFormat != nil:
		return typed(req.ResponseFormat, c), nil
	case len(c.calls) > 0:
		return c.final(plans, chain), nil
	}
	if i := slices.IndexFunc(plans, func(p *plan) bool { return len(p.missing) > 0 }); i >= 0 {
		return ask(plans[i]), nil
	}
	return plain(c.user, req.Tools), nil
}

// assignIDs names calls "call_<turn>_<n>", IDs not in the conversation.
func (c *conv) assignIDs(calls []ai.ToolCall) []ai.ToolCall {
	for i, turn := 0, c.turns+1; i < len(calls); i++ {
		if calls[i].ID = fmt.Sprintf("call_%d_%d", turn, i+1); c.ids[calls[i].ID] {
			turn, i = turn+1, -1
		}
	}
	return calls
}
