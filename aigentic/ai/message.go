package ai

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
)

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
	// Reasoning is the reasoning text a model returned with this assistant
	// message — DeepSeek's, vLLM's and llama.cpp's reasoning_content,
	// OpenRouter's and Ollama's reasoning, a Responses API reasoning
	// summary — or "". It is not part of the answer. A provider whose
	// server requires it back (DeepSeek's thinking mode answers 400 to a
	// tool-call message without it) sends it with the message on later
	// requests; others drop it.
	Reasoning string `json:"reasoning,omitempty"`
	// Opaque is what the provider returned with this assistant message and
	// needs back, verbatim, on later requests (OpenRouter's
	// reasoning_details, the Responses API's encrypted reasoning items);
	// nil when nothing. See [Opaque].
	Opaque *Opaque `json:"opaque,omitempty"`
}

// Opaque is provider data that came with an assistant message or a tool
// call and must go back with it, unchanged, on the later requests of the
// conversation: Gemini's extra_content (its thought_signature) on each
// tool call, OpenRouter's reasoning_details, the Responses API's reasoning
// items with their encrypted_content. The runtime keeps it with the
// message (transcript, checkpoints) and never reads or edits it; the
// provider that made it decides, by Origin, whether to send it back — a
// conversation moved to another provider or server family (a fallback)
// does not carry fields the other would reject. Treat it as read-only: it
// may be shared between copies of a message.
type Opaque struct {
	// Origin names the provider, API and server family that produced it,
	// e.g. "openai/chat/gemini" or "openai/responses/openai".
	Origin string `json:"origin"`
	// Fields are wire fields by name, each value as received.
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
	// Items are whole wire items, in the order received.
	Items []json.RawMessage `json:"items,omitempty"`
}

// From reports whether o was produced by origin; a nil Opaque is from
// nowhere.
func (o *Opaque) From(origin string) bool { return o != nil && o.Origin == origin }

// ToolCall is a model's request to run one tool.
type ToolCall struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Arguments is the raw JSON object the model produced. It is validated
	// against the tool's schema before the tool runs; it may be malformed.
	Arguments string `json:"arguments"`
	// Opaque is what the provider returned with this call and needs back
	// with it (Gemini's extra_content.google.thought_signature); nil when
	// nothing. It stays with the call when the runtime gives the call a
	// new ID. See [Opaque].
	Opaque *Opaque `json:"opaque,omitempty"`
}

// Tool describes a tool offered to the model.
type Tool struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// InputSchema is the JSON schema (an object schema) of the arguments.
	InputSchema map[string]any `json:"input_schema,omitempty"`
	// Meta holds facts about the tool for observers, never sent to a
	// model: where it runs, in OpenTelemetry's attribute names where they
	// exist ("mcp.method.name", "server.address", "network.transport";
	// "aigentic.mcp.server" names an MCP server). Observers may put them
	// on the tool call's span; keep values short and free of secrets.
	Meta map[string]string `json:"-"`
}

// Usage counts the tokens of one model call.
type Usage struct {
	// InputTokens counts the prompt's tokens, CachedInputTokens among them.
	InputTokens int `json:"input_tokens"`
	// OutputTokens counts the answer's tokens, ReasoningTokens among them.
	OutputTokens int `json:"output_tokens"`
	// ReasoningTokens is the part of OutputTokens a reasoning model spent
	// thinking (OpenAI's completion_tokens_details.reasoning_tokens,
	// output_tokens_details.reasoning_tokens in the Responses API); 0 when
	// the provider did not say.
	ReasoningTokens int `json:"reasoning_tokens,omitempty"`
	// CachedInputTokens is the part of InputTokens the provider served from
	// its prompt cache (OpenAI's prompt_tokens_details.cached_tokens,
	// input_tokens_details.cached_tokens in the Responses API), usually
	// billed at a lower rate; 0 when the provider did not say.
	CachedInputTokens int `json:"cached_input_tokens,omitempty"`
}

// MaxUsageTokens bounds each count of a Usage the runtime adds up (2^40,
// about 1.1 trillion: far beyond any one call): a server that reports
// math.MaxInt64 tokens must not wrap a sum negative and slip past a
// budget.
const MaxUsageTokens = 1 << 40

// Bounded returns u with each count within [0, MaxUsageTokens]: what a
// budget, a meter or a sum may take of a provider's report.
func (u Usage) Bounded() Usage {
	b := func(n int) int { return min(max(n, 0), MaxUsageTokens) }
	return Usage{InputTokens: b(u.InputTokens), OutputTokens: b(u.OutputTokens), ReasoningTokens: b(u.ReasoningTokens), CachedInputTokens: b(u.CachedInputTokens)}
}

// Add returns the sum of two usages, field by field.
func (u Usage) Add(o Usage) Usage {
	return Usage{
		InputTokens:       u.InputTokens + o.InputTokens,
		OutputTokens:      u.OutputTokens + o.OutputTokens,
		ReasoningTokens:   u.ReasoningTokens + o.ReasoningTokens,
		CachedInputTokens: u.CachedInputTokens + o.CachedInputTokens,
	}
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
	// ResponseFormat, when set, asks for an answer that is a JSON value
	// matching a schema (a typed answer): natively where the provider
	// supports it (OpenAI's response_format {type: json_schema}), by
	// instructions where it does not. Tool calls may still come first; the
	// final answer's Content is then the JSON text.
	ResponseFormat *ResponseFormat
}

// ResponseFormat describes the JSON answer a [Request] asks for.
type ResponseFormat struct {
	// Name names the schema, as OpenAI's json_schema.name: 1-64 letters,
	// digits, _ or -.
	Name string
	// Description says what the answer is for; optional.
	Description string
	// Schema is the JSON schema (draft 2020-12) the answer must match: an
	// object schema.
	Schema map[string]any
	// Strict asks the provider to enforce the schema while generating
	// (OpenAI's strict: true). OpenAI's strict mode accepts only schemas
	// whose every property is required and whose objects set
	// additionalProperties to false.
	Strict bool
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
	// Provider names the provider that answered, as gen_ai.provider.name
	// does ("openai", "offline"); "" means the model's own. A model that
	// routes a request among several (a failover list) sets it, with Model,
	// to say which one answered.
	Provider string
}

// PingResult is what a successful health check learned.
type PingResult struct {
	// Provider names the provider, e.g. "openai" or "offline".
	Provider string
	// Model is the model name the provider will use.
	Model string
	// Detail is a short human-readable note.
	Detail string
	// Unverified reports a check that reached the provider but could not
	// verify the model — the server has no route to look a model up, or
	// does not list the model asked for and may answer with another —
	// so a caller must not report the model as checked. Detail says why.
	Unverified bool
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

// IsNil reports whether m is nil, or a nil pointer, map, slice, func or
// channel inside a non-nil interface: a typed nil, such as the
// *openai.Model that openai.New returns beside its error. Calling such a
// model's methods would panic.
func IsNil(m Model) bool {
	if m == nil {
		return true
	}
	switch v := reflect.ValueOf(m); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// ProviderName is gen_ai.provider.name (OpenTelemetry's GenAI semantic
// conventions) for m: its ProviderName() when it has that method, else the
// last element of its package path ("openai" for aigentic/openai,
// "offline" for the built-in model, "aitest" for aitest.Faulty).
func ProviderName(m Model) string {
	if p, ok := m.(interface{ ProviderName() string }); ok {
		return p.ProviderName()
	}
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	path := t.PkgPath()
	return path[strings.LastIndexByte(path, '/')+1:]
}
