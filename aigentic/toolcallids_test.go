package aigentic_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// turnsModel answers the n-th request with turns[n] (tool calls exactly as
// given, IDs included or empty), then with "done". It records the
// messages of every request.
type turnsModel struct {
	turns [][]ai.ToolCall
	mu    sync.Mutex
	seen  [][]ai.Message
}

func (m *turnsModel) ModelName() string { return "turns" }

func (m *turnsModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "turns"}, nil
}

func (m *turnsModel) Generate(_ context.Context, req ai.Request) (*ai.Response, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.seen)
	m.seen = append(m.seen, slices.Clone(req.Messages))
	if n < len(m.turns) {
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: m.turns[n]}, FinishReason: "tool_calls"}, nil
	}
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "done"}, FinishReason: "stop"}, nil
}

type echoInput struct {
	N int `json:"n"`
}

// checkTranscriptIDs asserts the rule of issue 8, input 3: every tool call
// in the transcript has an ID unique in it, and each tool message answers
// exactly one call of the assistant message before it — with the result of
// that very call (the echo tool returns its argument).
func checkTranscriptIDs(t *testing.T, msgs []ai.Message) {
	t.Helper()
	seen := map[string]bool{}
	pending := map[string]string{} // id -> arguments, for the last assistant message
	for i, m := range msgs {
		switch m.Role {
		case ai.RoleAssistant:
			if len(pending) != 0 {
				t.Fatalf("message %d: calls %v unanswered", i, pending)
			}
			for _, tc := range m.ToolCalls {
				if tc.ID == "" || seen[tc.ID] {
					t.Fatalf("message %d: tool call ID %q empty or not unique in the transcript", i, tc.ID)
				}
				seen[tc.ID] = true
				pending[tc.ID] = tc.Arguments
			}
		case ai.RoleTool:
			args, ok := pending[m.ToolCallID]
			if !ok {
				t.Fatalf("message %d answers %q, which is no pending call", i, m.ToolCallID)
			}
			if want := "echo " + args; m.Content != want {
				t.Fatalf("message %d answers %q with %q, want %q: results paired with the wrong calls", i, m.ToolCallID, m.Content, want)
			}
			delete(pending, m.ToolCallID)
		}
	}
	if len(pending) != 0 {
		t.Fatalf("calls %v unanswered", pending)
	}
}

var madeUp = regexp.MustCompile(`^[a-zA-Z0-9]{9}$`)

// Issue 8, input 3 and its kind: the run loop makes tool call IDs unique in
// the run's transcript, whatever the model sends.
func TestToolCallIDsAreUniqueInTheTranscript(t *testing.T) {
	call := func(id string, n int) ai.ToolCall {
		return ai.ToolCall{ID: id, Name: "echo", Arguments: fmt.Sprintf(`{"n":%d}`, n)}
	}
	cases := []struct {
		name  string
		turns [][]ai.ToolCall
		keep  []string // IDs that must be kept as sent
	}{
		{"two calls sharing one ID in one response", [][]ai.ToolCall{{call("call_x", 1), call("call_x", 2)}}, []string{"call_x"}},
		{"no IDs at all, across several turns", [][]ai.ToolCall{{call("", 1), call("", 2)}, {call("", 3)}, {call("", 4), call("", 5)}}, nil},
		{"the same ID in every turn", [][]ai.ToolCall{{call("call_0", 1)}, {call("call_0", 2)}, {call("call_0", 3)}}, []string{"call_0"}},
		{"an ID equal to the one a later missing ID would get", [][]ai.ToolCall{{call("call00001", 1)}, {call("", 2)}}, []string{"call00001"}},
		{"unique IDs are kept as sent", [][]ai.ToolCall{{call("a", 1), call("b", 2)}, {call("c", 3)}}, []string{"a", "b", "c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sent := make([][]ai.ToolCall, len(tc.turns))
			for i := range tc.turns {
				sent[i] = slices.Clone(tc.turns[i])
			}
			model := &turnsModel{turns: tc.turns}
			var ran []int
			agent := aigentic.Agent{Model: model, MaxLLMCalls: 10, AgentTools: []aigentic.AgentTool{
				aigentic.NewTool("echo", "Echo n.", func(_ *aigentic.AgentRun, in echoInput) (string, error) {
					ran = append(ran, in.N)
					return fmt.Sprintf(`echo {"n":%d}`, in.N), nil
				}),
			}}
			run, err := agent.Start("go")
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				for range run.Next() {
				}
			}()
			if out, err := run.Wait(0); err != nil || out != "done" {
				t.Fatalf("%q, %v", out, err)
			}
			var calls int
			for _, turn := range tc.turns {
				calls += len(turn)
			}
			if len(ran) != calls {
				t.Fatalf("tool ran %v, want %d runs", ran, calls)
			}
			checkTranscriptIDs(t, run.Messages())
			// Every request the model got was a valid conversation too.
			for _, msgs := range model.seen {
				checkTranscriptIDs(t, msgs)
			}
			ids := map[string]bool{}
			for _, m := range run.Messages() {
				for _, c := range m.ToolCalls {
					ids[c.ID] = true
					// An ID the run made up is one every family accepts
					// (Mistral: exactly 9 letters and digits).
					if !slices.Contains(tc.keep, c.ID) && !madeUp.MatchString(c.ID) {
						t.Errorf("made-up ID %q is not 9 letters and digits", c.ID)
					}
				}
			}
			for _, id := range tc.keep {
				if !ids[id] {
					t.Errorf("ID %q, unique when first sent, was not kept", id)
				}
			}
			for i := range sent {
				if !slices.Equal(sent[i], tc.turns[i]) {
					t.Fatalf("the model's own tool calls were changed: %+v, was %+v", tc.turns[i], sent[i])
				}
			}
		})
	}
}
