package ai

import "context"

// Role names the author of a [Message].
type Role string

// The roles a conversation is made of.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// Message is one entry of the conversation sent to a model.
//
// An assistant message may carry ToolCalls; each of them must be answered by
// a following RoleTool message whose ToolCallID matches the call's ID.
type Message struct {
	Role    Role   `json:"role"`
	Content string `json:"content,omitempty"`
	// ToolCalls are the calls an assistant message asks for.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// ToolCallID links a RoleTool message to the call it answers.
	ToolCallID string `json:"tool_call_id,omitempty"`
	// Name is the tool's name on a RoleTool message.
	Name string `json:"name,omitempty"`
	// IsError marks a RoleTool message whose tool reported an error.
	IsError bool `json:"is_error,omitempty"`
}

// ToolCall is a model's request to run one tool.
type ToolCall struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Arguments is the raw JSON object the model produced. It is validated
	// against the tool's schema before the tool runs; it may be malformed.
	Arguments string `json:"arguments"`
}

// Tool describes a tool offered to the model.
type Tool struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// InputSchema is the JSON schema (an object schema) of the arguments.
	InputSchema map[string]any `json:"input_schema,omitempty"`
}

// Usage counts the tokens of one model call.
type Usage struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
}

// Add returns the sum of two usages.
func (u Usage) Add(o Usage) Usage {
	return Usage{InputTokens: u.InputTokens + o.InputTokens, OutputTokens: u.OutputTokens + o.OutputTokens}
}

// Total is InputTokens + OutputTokens.
func (u Usage) Total() int { return u.InputTokens + u.OutputTokens }

// Request is one call to a model.
type Request struct {
	Messages []Message
	Tools    []Tool
	// OnDelta, when set, asks the model to stream: it is called with each
	// fragment of assistant text as it arrives, in order, from the
	// goroutine that called Generate. The full response is still returned
	// by Generate. Models that cannot stream call it once with the whole
	// text.
	OnDelta func(text string)
}

// Response is a model's answer to one [Request].
type Response struct {
	// Message is the assistant message: text, tool calls, or both.
	Message Message
	Usage   Usage
	// FinishReason is the provider's reason, e.g. "stop" or "tool_calls".
	FinishReason string
	// ID is the provider's identifier of the response (OpenAI's
	// "chatcmpl-…"); "" when it gave none.
	ID string
	// Model is the model that answered, as the provider names it (it may
	// differ from the one requested, e.g. a dated version); "" when
	// unknown.
	Model string
}

// PingResult is what a successful health check learned.
type PingResult struct {
	// Provider names the provider, e.g. "openai" or "offline".
	Provider string
	// Model is the model name the provider will use.
	Model string
	// Detail is a short human-readable note.
	Detail string
}

// Model is the interface every model provider implements.
//
// Generate must honour ctx: when it ends, return promptly with an error that
// wraps ctx.Err(). Generate must not retry; return a [*ModelError] (or an
// error wrapping one) so the agent's retry layer can decide. Implementations
// must be safe for concurrent use.
type Model interface {
	// ModelName is the model's name, for logs and traces.
	ModelName() string
	// Generate runs one model call.
	Generate(ctx context.Context, req Request) (*Response, error)
	// Ping checks that the model is reachable and usable. It takes a
	// context because a health check of a remote model is a network call.
	Ping(ctx context.Context) (*PingResult, error)
}
