package aitest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

func TestNaiveArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		schema string
		want   string
	}{
		{"enum first value", `{"type":"object","properties":{"component":{"type":"string","enum":["api","payments"]}},"required":["component"]}`, `{"component":"api"}`},
		{"only required", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b"]}`, `{"b":1}`},
		{"minimum honoured", `{"type":"object","properties":{"id":{"type":"integer","minimum":5}},"required":["id"]}`, `{"id":5}`},
		{"boolean and formats", `{"type":"object","properties":{"ok":{"type":"boolean"},"to":{"type":"string","format":"email"}},"required":["ok","to"]}`, `{"ok":false,"to":"x@example.com"}`},
		{"nested object and array", `{"type":"object","properties":{"o":{"type":"object","properties":{"n":{"type":"number"}},"required":["n"]},"l":{"type":"array","items":{"type":"string"},"minItems":2}},"required":["o","l"]}`, `{"l":["x","x"],"o":{"n":1}}`},
		{"ref into defs", `{"$defs":{"P":{"type":"object","properties":{"s":{"type":["null","string"]}},"required":["s"]}},"type":"object","properties":{"p":{"$ref":"#/$defs/P"}},"required":["p"]}`, `{"p":{"s":"x"}}`},
		{"no schema", `null`, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var schema map[string]any
			if err := json.Unmarshal([]byte(tc.schema), &schema); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(aitest.NaiveArguments(schema))
			var g, w any
			_ = json.Unmarshal(got, &g)
			_ = json.Unmarshal([]byte(tc.want), &w)
			if !reflect.DeepEqual(g, w) {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestNaiveCallsFirstToolThenAnswers(t *testing.T) {
	t.Parallel()
	m := aitest.NewNaive(aitest.NaiveOptions{Answer: "fixed"})
	tools := []ai.Tool{
		{Name: "first", InputSchema: map[string]any{"type": "object", "properties": map[string]any{"k": map[string]any{"enum": []any{"a", "b"}}}, "required": []any{"k"}}},
		{Name: "second"},
	}
	msgs := []ai.Message{{Role: ai.RoleUser, Content: "please use second"}}
	resp, err := m.Generate(context.Background(), ai.Request{Messages: msgs, Tools: tools})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Message.ToolCalls) != 1 || resp.Message.ToolCalls[0].Name != "first" || resp.Message.ToolCalls[0].Arguments != `{"k":"a"}` {
		t.Fatalf("first turn = %+v, want a call of first with {\"k\":\"a\"}", resp.Message)
	}
	msgs = append(msgs, resp.Message, ai.Message{Role: ai.RoleTool, ToolCallID: resp.Message.ToolCalls[0].ID, Content: "boom", IsError: true})
	var streamed string
	resp, err = m.Generate(context.Background(), ai.Request{Messages: msgs, Tools: tools, OnDelta: func(s string) { streamed += s }})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Content != "fixed" || len(resp.Message.ToolCalls) != 0 || streamed != "fixed" {
		t.Fatalf("after a tool result: %+v (streamed %q), want the fixed answer", resp.Message, streamed)
	}
	// A new user message starts over: the first tool again.
	msgs = append(msgs, resp.Message, ai.Message{Role: ai.RoleUser, Content: "again"})
	resp, _ = m.Generate(context.Background(), ai.Request{Messages: msgs, Tools: tools})
	if len(resp.Message.ToolCalls) != 1 {
		t.Fatalf("after a new question: %+v, want a tool call", resp.Message)
	}
	if m.Calls() != 3 {
		t.Errorf("Calls = %d, want 3", m.Calls())
	}
}

func TestNaiveLatencyIsInjectableAndHonoursContext(t *testing.T) {
	t.Parallel()
	var waited []time.Duration
	m := aitest.NewNaive(aitest.NaiveOptions{Latency: 1500 * time.Millisecond, Sleep: func(ctx context.Context, d time.Duration) error {
		waited = append(waited, d)
		return ctx.Err()
	}})
	if _, err := m.Generate(context.Background(), req("hi")); err != nil {
		t.Fatal(err)
	}
	if len(waited) != 1 || waited[0] != 1500*time.Millisecond {
		t.Errorf("waited %v, want [1.5s]", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Generate(ctx, req("hi")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
	// The real timer ends early when the context does.
	real := aitest.NewNaive(aitest.NaiveOptions{Latency: time.Hour})
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := real.Generate(ctx, req("hi")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("real sleep: err = %v, want context.DeadlineExceeded", err)
	}
}

// A naive model calls the first tool it is offered, whatever it is asked,
// with the required arguments its schema asks for.
func ExampleNaive() {
	m := aitest.NewNaive(aitest.NaiveOptions{})
	resp, _ := m.Generate(context.Background(), ai.Request{
		Messages: []ai.Message{{Role: ai.RoleUser, Content: "Is payments healthy?"}},
		Tools: []ai.Tool{{Name: "check_system_status", InputSchema: map[string]any{
			"type":       "object",
			"properties": map[string]any{"component": map[string]any{"type": "string", "enum": []any{"api", "payments"}}},
			"required":   []any{"component"},
		}}},
	})
	fmt.Println(resp.Message.ToolCalls[0].Name, resp.Message.ToolCalls[0].Arguments)
	// Output: check_system_status {"component":"api"}
}
