package offline

import (
	"context"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Name is the model name and provider name of the offline model.
const Name = "offline"

// Model is the built-in deterministic offline model. It implements
// [ai.Model] without any network access: it plans tool calls from the
// conversation and the tools' schemas, and writes answers from tool
// results. The zero value is ready to use; [NewModel] is the usual way to
// get one. A Model is safe for concurrent use.
type Model struct {
	latency time.Duration
}

// Option configures a [Model].
type Option func(*Model)

// WithLatency makes every Generate call wait d before answering, to make
// demonstrations feel like a remote model. The wait ends early, with the
// context's error, when the context ends.
func WithLatency(d time.Duration) Option {
	return func(m *Model) { m.latency = d }
}

// NewModel returns the offline model.
func NewModel(opts ...Option) *Model {
	m := &Model{}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	return m
}

var _ ai.Model = (*Model)(nil)

// ModelName implements [ai.Model]; it is always "offline".
func (m *Model) ModelName() string { return Name }

// Ping implements [ai.Model]. The offline model is always reachable; Ping
// only fails when ctx has already ended.
func (m *Model) Ping(ctx context.Context) (*ai.PingResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("offline: ping: %w", err)
	}
	return &ai.PingResult{Provider: Name, Model: Name, Detail: "built-in deterministic model, no network"}, nil
}

// Generate implements [ai.Model]. It answers req with tool calls (finish
// reason "tool_calls") or with text (finish reason "stop"); the same request
// always gets the same response. When req.OnDelta is set the text is also
// streamed to it in word-sized pieces. An empty conversation is a permanent
// *ai.ModelError; an ended ctx gives an error wrapping ctx.Err().
func (m *Model) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	if m != nil && m.latency > 0 {
		t := time.NewTimer(m.latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("offline: %w", ctx.Err())
		case <-t.C:
		}
	}
	if len(req.Messages) == 0 {
		return nil, &ai.ModelError{Provider: Name, Code: "invalid_request", Message: "the request has no messages"}
	}
	msg := respond(req)
	resp := &ai.Response{Message: msg, FinishReason: "stop"}
	if len(msg.ToolCalls) > 0 {
		resp.FinishReason = "tool_calls"
	}
	resp.Usage = ai.Usage{InputTokens: estimateTokens(inputChars(req)), OutputTokens: estimateTokens(outputChars(msg))}
	if req.OnDelta != nil && msg.Content != "" {
		for _, chunk := range chunks(msg.Content) {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("offline: %w", err)
			}
			req.OnDelta(chunk)
		}
	}
	return resp, nil
}

// respond decides the assistant message for req.
func respond(req ai.Request) ai.Message {
	c := readConversation(req.Messages)
	p := newPlanner(c.user, req.Tools)
	var calls []ai.ToolCall
	switch {
	case len(c.calls) == 0 && len(c.orphans) == 0:
		if !c.endsWithText && c.userIdx >= 0 {
			calls = p.firstTurn()
		}
		if len(calls) == 0 {
			return ai.Message{Role: ai.RoleAssistant, Content: c.conversationAnswer(p)}
		}
	default:
		calls = c.followUp(p)
		if len(calls) == 0 {
			return ai.Message{Role: ai.RoleAssistant, Content: c.finalAnswer()}
		}
	}
	return ai.Message{Role: ai.RoleAssistant, ToolCalls: c.assignIDs(calls)}
}

// assignIDs names calls "call_<turn>_<n>", choosing a turn number whose IDs
// are not used anywhere in the conversation.
func (c *conv) assignIDs(calls []ai.ToolCall) []ai.ToolCall {
	for turn := c.assistants + 1; ; turn++ {
		ok := true
		for i := range calls {
			if c.ids[fmt.Sprintf("call_%d_%d", turn, i+1)] {
				ok = false
				break
			}
		}
		if ok {
			for i := range calls {
				calls[i].ID = fmt.Sprintf("call_%d_%d", turn, i+1)
			}
			return calls
		}
	}
}

// chunks splits s into word-sized pieces (a word and the space after it)
// whose concatenation is s.
func chunks(s string) []string {
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		if isSpace(s[i-1]) && !isSpace(s[i]) {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

// estimateTokens is the usual rule of thumb: about four characters a token,
// at least one.
func estimateTokens(chars int) int {
	return max(1, (chars+3)/4)
}

func inputChars(req ai.Request) int {
	n := 0
	for _, m := range req.Messages {
		n += len(m.Role) + len(m.Content) + len(m.Name) + len(m.ToolCallID)
		for _, tc := range m.ToolCalls {
			n += len(tc.ID) + len(tc.Name) + len(tc.Arguments)
		}
	}
	for _, t := range req.Tools {
		n += len(t.Name) + len(t.Description) + schemaChars(t.InputSchema, 0)
	}
	return n
}

func outputChars(m ai.Message) int {
	n := len(m.Content)
	for _, tc := range m.ToolCalls {
		n += len(tc.Name) + len(tc.Arguments)
	}
	return n
}

// schemaChars approximates the JSON size of a schema value without
// encoding it (any shape is accepted).
func schemaChars(v any, depth int) int {
	if depth > 32 {
		return 0
	}
	switch x := v.(type) {
	case nil:
		return 4
	case string:
		return len(x) + 2
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + schemaChars(e, depth+1)
		}
		return n
	case []any:
		n := 2
		for _, e := range x {
			n += 1 + schemaChars(e, depth+1)
		}
		return n
	case []string:
		n := 2
		for _, e := range x {
			n += len(e) + 3
		}
		return n
	default:
		return 8
	}
}
