package offline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

func TestModelNameAndPing(t *testing.T) {
	var m ai.Model = NewModel()
	if m.ModelName() != "offline" {
		t.Errorf("ModelName = %q", m.ModelName())
	}
	got, err := m.Ping(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &ai.PingResult{Provider: "offline", Model: "offline", Detail: "built-in deterministic model, no network"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Ping = %+v, want %+v", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Ping on a cancelled context: %v", err)
	}
}

func TestContextIsHonoured(t *testing.T) {
	req := ai.Request{Messages: user("", "What is 2 + 2?"), Tools: []ai.Tool{calcTool}}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewModel().Generate(ctx, req); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}
	// Ended while streaming: the answer stops there.
	ctx, cancel = context.WithCancel(context.Background())
	req = ai.Request{Messages: user("", "Tell me a story."), OnDelta: func(string) { cancel() }}
	if _, err := NewModel().Generate(ctx, req); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while streaming: err = %v, want context.Canceled", err)
	}
}

func TestStreamingChunksConcatenateToContent(t *testing.T) {
	cases := []struct {
		name  string
		msgs  []ai.Message
		tools []ai.Tool
	}{
		{"no tools", user("You are a travel planner.", "Plan a weekend in Rome with museums and good food."), nil},
		{"final answer", append(user("", "What is 15 * 23?"),
			ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c1", Name: "calculator", Arguments: `{"expression":"15 * 23"}`}}},
			ai.Message{Role: ai.RoleTool, ToolCallID: "c1", Name: "calculator", Content: "345\n(exact)"}), []ai.Tool{calcTool}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var chunks []string
			resp, err := NewModel().Generate(context.Background(), ai.Request{Messages: tc.msgs, Tools: tc.tools,
				OnDelta: func(s string) { chunks = append(chunks, s) }})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Message.Content == "" || strings.Join(chunks, "") != resp.Message.Content {
				t.Fatalf("chunks %q do not make the content %q", chunks, resp.Message.Content)
			}
			if len(chunks) < 3 {
				t.Errorf("only %d chunks: want word-sized pieces", len(chunks))
			}
			for _, c := range chunks[:len(chunks)-1] {
				if strings.TrimSpace(c) == "" || strings.ContainsAny(strings.TrimSpace(c), " \n") {
					t.Errorf("chunk %q is not one word and its trailing space", c)
				}
			}
		})
	}

	t.Run("tool calls stream nothing", func(t *testing.T) {
		called := 0
		resp, err := NewModel().Generate(context.Background(), ai.Request{Messages: user("", "What is 2 + 2?"),
			Tools: []ai.Tool{calcTool}, OnDelta: func(string) { called++ }})
		if err != nil || len(resp.Message.ToolCalls) == 0 {
			t.Fatalf("%v %+v", err, resp)
		}
		if called != 0 {
			t.Errorf("OnDelta called %d times for a tool-call response", called)
		}
	})
}

// Usage is one token per four characters of the JSON of what is sent
// (messages, tools, response format) and of what is answered (text, calls).
func TestUsageEstimate(t *testing.T) {
	want := func(v ...any) int { b, _ := json.Marshal(v); return (len(b) + 3) / 4 }
	req := ai.Request{Messages: user("", "Hi")}
	small := generate(t, req.Messages)
	if small.Usage.InputTokens != want(req.Messages, req.Tools, req.ResponseFormat) ||
		small.Usage.OutputTokens != want(small.Message.Content, small.Message.ToolCalls) {
		t.Errorf("usage %+v", small.Usage)
	}
	withTools := generate(t, user("", "Hi"), calcTool, clockTool, weatherTool, mailTool)
	if withTools.Usage.InputTokens <= small.Usage.InputTokens+50 {
		t.Errorf("tool schemas should count as input: %d vs %d", withTools.Usage.InputTokens, small.Usage.InputTokens)
	}
	calls := generate(t, user("", "What is 2 + 2?"), calcTool)
	if m := calls.Message; len(m.ToolCalls) != 1 || calls.Usage.OutputTokens != want(m.Content, m.ToolCalls) {
		t.Errorf("output tokens of a tool call = %d", calls.Usage.OutputTokens)
	}
}

func TestDeterministic(t *testing.T) {
	tools := []ai.Tool{calcTool, clockTool, weatherTool, mailTool, storeTool}
	for _, q := range []string{
		"What is 15 * 23 + 100? Also, what time is it in America/New_York?",
		`Store the fact "favourite colour" with the value "blue".`,
		`Send an e-mail to ann@example.com with subject "Hi" saying "See you soon".`,
		"Tell me something interesting about octopuses.",
	} {
		req := ai.Request{Messages: user("You are a helpful assistant.", q), Tools: tools}
		a, err1 := NewModel().Generate(context.Background(), req)
		b, err2 := NewModel().Generate(context.Background(), req)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%q: two identical requests got different responses:\n%+v\n%+v", q, a, b)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	m := NewModel()
	tools := []ai.Tool{calcTool, clockTool, weatherTool}
	req := ai.Request{Messages: user("", "What is 15 * 23 + 100? Also, what time is it in America/New_York?"), Tools: tools}
	want, err := m.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := m.Generate(context.Background(), req)
			if err != nil {
				errs <- err
				return
			}
			if !reflect.DeepEqual(got, want) {
				errs <- fmt.Errorf("concurrent response differs: %+v", got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkGenerateToolChoice(b *testing.B) {
	m := NewModel()
	req := ai.Request{Messages: user("You are helpful.", "What is 15 * 23 + 100? Also, what time is it in America/New_York?"),
		Tools: []ai.Tool{calcTool, clockTool, weatherTool, mailTool, storeTool}}
	for b.Loop() {
		if _, err := m.Generate(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

func largeMessage() string {
	var b strings.Builder
	b.WriteString("What is 1 + 1? ")
	for i := 0; b.Len() < 300_000; i++ {
		fmt.Fprintf(&b, "item %d at 10:%02d costs 3 x %d + 1, mail a%d@example.com in Paris \"q%d\"; ", i, i%60, i, i, i)
	}
	return b.String()
}

// A 300 KB message still gets an answer (its cost is measured by
// BenchmarkLargeInput, not asserted here).
func TestLargeInputAnswers(t *testing.T) {
	msgs := user("You are a clerk.", largeMessage())
	tools := []ai.Tool{calcTool, clockTool, weatherTool, mailTool, storeTool}
	for _, tools := range [][]ai.Tool{tools, nil} {
		resp, err := NewModel().Generate(context.Background(), ai.Request{Messages: msgs, Tools: tools})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Message.Content == "" && len(resp.Message.ToolCalls) == 0 {
			t.Fatal("empty response")
		}
	}
}

func BenchmarkLargeInput(b *testing.B) {
	req := ai.Request{Messages: user("You are a clerk.", largeMessage()), Tools: []ai.Tool{calcTool, clockTool, weatherTool, mailTool, storeTool}}
	for b.Loop() {
		if _, err := NewModel().Generate(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
