package aitest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// DefaultNaiveAnswer is the text a [Naive] model answers with unless
// [NaiveOptions.Answer] sets another.
const DefaultNaiveAnswer = "Done."

// NaiveOptions configure a [Naive] model. The zero value is a model with
// no latency that answers [DefaultNaiveAnswer].
type NaiveOptions struct {
	// Answer is the fixed final text; "" means DefaultNaiveAnswer.
	Answer string
	// Latency is waited before every response (0: none).
	Latency time.Duration
	// Sleep waits d or until ctx ends, returning ctx's error then; nil
	// waits on a real timer. Tests inject one that returns at once, so a
	// 1.5 s latency costs no real time.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Naive is a model that makes the plainest choices an OpenAI-compatible
// server's model can make, and none of the choices an example hopes for:
//
//   - while the conversation since the last user message holds no tool
//     result and tools are offered, it calls the FIRST tool offered, with
//     arguments built from the tool's schema by [NaiveArguments];
//   - otherwise it answers with fixed text, whatever the tool said.
//
// It never looks at the question. Use it (behind openaitest's server) to
// check that an example shows its pattern on a model that does not
// cooperate. It is safe for concurrent use.
type Naive struct {
	opts NaiveOptions

	mu    sync.Mutex
	calls int
}

// NewNaive returns a naive model.
func NewNaive(opts NaiveOptions) *Naive {
	if opts.Answer == "" {
		opts.Answer = DefaultNaiveAnswer
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	return &Naive{opts: opts}
}

// ModelName implements ai.Model.
func (n *Naive) ModelName() string { return "naive" }

// Ping implements ai.Model; it is always reachable.
func (n *Naive) Ping(ctx context.Context) (*ai.PingResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &ai.PingResult{Provider: "aitest", Model: "naive", Detail: "first tool, then a fixed answer"}, nil
}

// Calls is the number of Generate calls received.
func (n *Naive) Calls() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls
}

// Generate implements ai.Model. After the latency (ending early with the
// context's error) it returns a call of the first offered tool, or the
// fixed answer (streamed once through req.OnDelta when set).
func (n *Naive) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	n.mu.Lock()
	n.calls++
	call := n.calls
	n.mu.Unlock()
	if err := n.opts.Sleep(ctx, n.opts.Latency); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	usage := ai.Usage{InputTokens: 10, OutputTokens: 5}
	if len(req.Tools) > 0 && !answeredByTool(req.Messages) {
		args, err := json.Marshal(NaiveArguments(req.Tools[0].InputSchema))
		if err != nil {
			return nil, &ai.ModelError{Provider: "aitest", Message: "naive arguments", Err: err}
		}
		return &ai.Response{
			Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{
				ID: fmt.Sprintf("call_naive_%d", call), Name: req.Tools[0].Name, Arguments: string(args),
			}}},
			Usage:        usage,
			FinishReason: "tool_calls",
		}, nil
	}
	if req.OnDelta != nil {
		req.OnDelta(n.opts.Answer)
	}
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: n.opts.Answer}, Usage: usage, FinishReason: "stop"}, nil
}

// answeredByTool reports whether a tool result follows the last user
// message.
func answeredByTool(msgs []ai.Message) bool {
	for i := len(msgs) - 1; i >= 0; i-- {
		switch msgs[i].Role {
		case ai.RoleTool:
			return true
		case ai.RoleUser:
			return false
		}
	}
	return false
}

// NaiveArguments builds the arguments a naive model sends for an object
// schema: each REQUIRED property only, with the first enum value (or the
// const) when there is one, else by type — a string "x" (or a sample
// string for the formats email, date-time, date and uri), the schema's
// minimum or else 1 for a number or integer, false for a boolean, a nested
// object built the same way, an array of one such item (minItems of them
// when larger). "$ref" into the root's "$defs"/"definitions" is followed.
// A schema it cannot read gives an empty object.
func NaiveArguments(schema map[string]any) map[string]any {
	v, _ := naiveValue(schema, schema, 0).(map[string]any)
	if v == nil {
		v = map[string]any{}
	}
	return v
}

// maxNaiveDepth bounds recursion through self-referencing schemas.
const maxNaiveDepth = 8

func naiveValue(s, root map[string]any, depth int) any {
	if depth > maxNaiveDepth || s == nil {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		return naiveValue(resolveRef(ref, root), root, depth+1)
	}
	if c, ok := s["const"]; ok {
		return c
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	for _, key := range []string{"anyOf", "oneOf", "allOf"} {
		if alts, ok := s[key].([]any); ok && len(alts) > 0 {
			if alt, ok := alts[0].(map[string]any); ok {
				return naiveValue(alt, root, depth+1)
			}
		}
	}
	switch schemaType(s) {
	case "object":
		obj := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for _, name := range requiredNames(s["required"]) {
			p, _ := props[name].(map[string]any)
			obj[name] = naiveValue(p, root, depth+1)
		}
		return obj
	case "array":
		item, _ := s["items"].(map[string]any)
		n := 1
		if m, ok := number(s["minItems"]); ok && m > 1 {
			n = int(m)
		}
		arr := make([]any, n)
		for i := range arr {
			arr[i] = naiveValue(item, root, depth+1)
		}
		return arr
	case "integer", "number":
		// 1, moved into the schema's bounds: a Go integer's schema has
		// its type's range (schema.For), so the minimum alone would be
		// -9223372036854775000 for an int.
		v := 1.0
		if m, ok := number(s["minimum"]); ok && v < m {
			v = m
		}
		if m, ok := number(s["exclusiveMinimum"]); ok && v <= m {
			v = m + 1
		}
		if m, ok := number(s["maximum"]); ok && v > m {
			v = m
		}
		return v
	case "boolean":
		return false
	case "null":
		return nil
	}
	switch s["format"] {
	case "email":
		return "x@example.com"
	case "date-time":
		return "2026-01-02T03:04:05Z"
	case "date":
		return "2026-01-02"
	case "uri":
		return "https://example.com/x"
	}
	return "x"
}

// schemaType is the schema's type: the first non-null one of a list, the
// object type when it has properties, else "string".
func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, v := range t {
			if name, ok := v.(string); ok && name != "null" {
				return name
			}
		}
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	return "string"
}

func requiredNames(v any) []string {
	switch r := v.(type) {
	case []string:
		return r
	case []any:
		names := make([]string, 0, len(r))
		for _, x := range r {
			if s, ok := x.(string); ok {
				names = append(names, s)
			}
		}
		return names
	}
	return nil
}

func resolveRef(ref string, root map[string]any) map[string]any {
	for _, prefix := range []string{"#/$defs/", "#/definitions/"} {
		if name, ok := strings.CutPrefix(ref, prefix); ok {
			defs, _ := root[strings.TrimSuffix(strings.TrimPrefix(prefix, "#/"), "/")].(map[string]any)
			d, _ := defs[name].(map[string]any)
			return d
		}
	}
	return nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
