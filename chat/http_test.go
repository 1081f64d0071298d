package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// wireRequest is what the tests read of a chat completion body.
type wireRequest struct {
	Messages []struct {
		Role       string  `json:"role"`
		Content    *string `json:"content"`
		ToolCallID string  `json:"tool_call_id"`
		Name       string  `json:"name"`
		ToolCalls  []struct {
			ID       string `json:"id"`
			Function struct {
				Name      string `json:"name"`
				Arguments string `json:"arguments"`
			} `json:"function"`
		} `json:"tool_calls"`
	} `json:"messages"`
	Tools []struct {
		Function struct {
			Name        string         `json:"name"`
			Description string         `json:"description"`
			Parameters  map[string]any `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
}

// decodeRequest reads a chat completion body as an ai.Request: what the
// server was sent.
func decodeRequest(t *testing.T, body []byte) ai.Request {
	t.Helper()
	var wr wireRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		t.Fatalf("request body: %v", err)
	}
	var req ai.Request
	for _, m := range wr.Messages {
		msg := ai.Message{Role: ai.Role(m.Role), ToolCallID: m.ToolCallID, Name: m.Name}
		if m.Content != nil {
			msg.Content = *m.Content
		}
		for _, tc := range m.ToolCalls {
			msg.ToolCalls = append(msg.ToolCalls, ai.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
		}
		req.Messages = append(req.Messages, msg)
	}
	for _, tl := range wr.Tools {
		req.Tools = append(req.Tools, ai.Tool{Name: tl.Function.Name, Description: tl.Function.Description, InputSchema: tl.Function.Parameters})
	}
	return req
}

// Over HTTP, a naive model — the first tool offered (tracking_log, with
// order "x"), then "Done." — still fills the window: the compactor clips
// and leaves out, every request the server received fits the room the
// window leaves, and the second process resumes the conversation. What
// the naive model does not do (use the history, quote the log, write a
// summary of what it is given: it answers "Done.") is said, and demo 4
// is not counted as shown.
func TestNaiveModelOverHTTP(t *testing.T) {
	srv, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	dir := t.TempDir()
	out, err := runApp(t, t.Context(), testutil.Getenv(env), "-dir", dir)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Model: naive on the OpenAI-compatible server", `→ tracking_log {"order_id":"x"}`,
		"✓ Stored: 2 turns (", "[5] Agent: Done.",
		"– The answer does not name "+signerOf("x")+", who signed according to that result: this model did not quote it (Done.).",
		naiveSummary, "– Shown: 3 of 4; not shown: 4 (a summary).")
	mustContain(t, out, alwaysShown...)
	mustNotContain(t, out, "\n✗ ")
	room := defaultWindow - reserve(defaultWindow)
	for i, body := range srv.Requests() {
		if n := window.RequestTokens(decodeRequest(t, body)); n > room {
			t.Errorf("request %d reached the server with ≈%d tokens, over the %d the window leaves", i+1, n, room)
		}
	}

	out, err = runApp(t, t.Context(), testutil.Getenv(env), "-dir", dir)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	mustContain(t, out, "✓ Resumed: this run started from the 2 turns an earlier process stored, and the file now holds 3 turns.",
		"– Shown: 3 of 4; not shown: 4 (a summary).")
	mustNotContain(t, out, "✓ Shown")
}

// naiveSummary is demo 4's verdict on the naive model: its summary of
// turns 1–2 is "Done.", which names neither order they asked about.
const naiveSummary = "– It does not carry what it replaces: it names none of the orders turns 1–2 asked about (1042, 1043); this model's summary (Done.) says nothing of them."

// A slow model (latency injected: 1.5 s a response, waited on a fake
// clock) shows the same: the demos do not depend on how fast it answers.
func TestSlowModelOverHTTP(t *testing.T) {
	sleeps := &testutil.Sleeps{}
	model := aitest.NewNaive(aitest.NaiveOptions{Latency: 1500 * 1e6, Sleep: sleeps.Sleep})
	srv := openaitest.NewServer(t, model)
	env := map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "naive"}
	out, err := runApp(t, t.Context(), testutil.Getenv(env), "-dir", t.TempDir())
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, alwaysShown...)
	mustContain(t, out, naiveSummary, "– Shown: 3 of 4; not shown: 4 (a summary).")
	if got := len(sleeps.All()); got != model.Calls() || got < 10 {
		t.Fatalf("%d latencies waited for %d model calls", got, model.Calls())
	}
}

// cancelAt is a model that ends the program's session at its call n (the
// test's cancel), then waits for its request to go away: a user's Ctrl-C
// in the middle of a conversation, at a step the test chooses.
type cancelAt struct {
	inner  ai.Model
	n      int
	cancel context.CancelFunc

	mu    sync.Mutex
	calls int
}

func (m *cancelAt) ModelName() string                                { return m.inner.ModelName() }
func (m *cancelAt) Ping(ctx context.Context) (*ai.PingResult, error) { return m.inner.Ping(ctx) }

func (m *cancelAt) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	m.mu.Lock()
	m.calls++
	n := m.calls
	m.mu.Unlock()
	if n == m.n {
		m.cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return m.inner.Generate(ctx, req)
}

// A session that ends in the middle of the second question keeps what was
// done: the first turn whole, and of the second what leaves no tool call
// unanswered; the file reads back as a conversation a model accepts.
func TestSessionEndsMidConversation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		at       int // the model call the session ends at
		messages int // stored after
	}{
		{"before the second question's tool call", 3, 4},
		{"after the second question's tool result", 4, 4 + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			model := &cancelAt{inner: aitest.NewNaive(aitest.NaiveOptions{}), n: tc.at, cancel: cancel}
			srv := openaitest.NewServer(t, model)
			dir := filepath.Join(t.TempDir(), "c")
			out, err := runApp(t, ctx, testutil.Getenv(map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "naive"}), "-dir", dir)
			if err == nil || !strings.Contains(err.Error(), "the session ended early: context canceled") {
				t.Fatalf("err = %v\n%s", err, out)
			}
			msgs := storedConversation(t, dir, "ana")
			if len(msgs) != tc.messages || msgs[0].Content != DemoFirst[0] {
				t.Fatalf("stored %d messages, want %d: %+v", len(msgs), tc.messages, msgs)
			}
		})
	}
}
