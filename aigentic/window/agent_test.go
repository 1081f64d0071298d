package window_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fetchTool returns a page of about size bytes.
func fetchTool(size int) aigentic.AgentTool {
	type in struct {
		URL string `json:"url"`
	}
	return aigentic.NewTool("fetch", "Fetch a page.", func(_ *aigentic.AgentRun, x in) (string, error) {
		return words("page", size/5), nil
	})
}

// decisions is an observer keeping the run's Decisions.
type decisions struct {
	mu   sync.Mutex
	seen []hook.Decision
}

func (d *decisions) Observe(ctx context.Context, step hook.Step) context.Context {
	if s, ok := step.(*hook.Decision); ok {
		d.mu.Lock()
		d.seen = append(d.seen, *s)
		d.mu.Unlock()
	}
	return ctx
}

// In a run, what is sent is compacted while the run's transcript, its
// durable checkpoints and its events keep everything; the compaction is a
// Decision observers and the event stream see; the run's state is dropped
// when it ends.
func TestRunSendsCompactedAndKeepsTheTranscript(t *testing.T) {
	c := mustNew(t, window.Options{Window: 3_000, Reserve: 300})
	var steps []aitest.Step
	for range 6 {
		steps = append(steps, aitest.CallTools(aitest.Call("fetch", `{"url":"u"}`)))
	}
	model := aitest.NewScripted(append(steps, aitest.Reply("done"))...)
	obs := &decisions{}
	var last *aigentic.Checkpoint
	agent := aigentic.Agent{Model: model, Instructions: "Read the pages.", Logger: quiet(),
		AgentTools: []aigentic.AgentTool{fetchTool(4_000)}, Interceptors: []aigentic.Interceptor{c},
		Observers: []aigentic.Observer{obs}}
	run, err := agent.StartDurable("read six pages", aigentic.Durable{Key: "k", Save: func(_ context.Context, cp *aigentic.Checkpoint) error {
		last = cp
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	var events []aigentic.DecisionEvent
	for ev := range run.Next() {
		if d, ok := ev.(*aigentic.DecisionEvent); ok {
			events = append(events, *d)
		}
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	reqs := model.Requests()
	final := reqs[len(reqs)-1].Messages
	transcript := run.Messages()
	checkSent(t, transcript[:len(transcript)-1], final) // all but the answer
	if !strings.Contains(dumpAll(final), "bytes left out") {
		t.Fatalf("the last request was not compacted:\n%s", dump(final))
	}
	for _, msgs := range [][]ai.Message{transcript, last.Messages} {
		if strings.Contains(dumpAll(msgs), "bytes left out") || len(msgs) != 2+6*2+1 {
			t.Fatalf("a kept transcript was compacted (%d messages)", len(msgs))
		}
	}
	if len(obs.seen) == 0 || len(events) != len(obs.seen) || events[0].By != "window" || events[0].Action != "compact" {
		t.Fatalf("observer saw %+v; events %+v", obs.seen, events)
	}
	// Stats count the compactions and what they took off the prompts, the
	// events carrying each one's figures.
	off := 0
	for _, e := range events {
		if e.TokensAfter <= 0 || e.TokensBefore <= e.TokensAfter {
			t.Fatalf("a compaction event without its figures: %+v", e)
		}
		off += e.TokensBefore - e.TokensAfter
	}
	if st := run.Stats(); st.Compactions != len(events) || st.CompactedTokens != off {
		t.Fatalf("stats %+v for %d compactions taking off %d tokens", st, len(events), off)
	}
	waitFor(t, func() bool { return c.Runs() == 0 })
}

func dumpAll(msgs []ai.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Content + "\n")
	}
	return b.String()
}

// A window smaller than the instructions halts the run at its first call,
// before the model is called, with the typed error.
func TestRunWithTooSmallWindowHalts(t *testing.T) {
	c := mustNew(t, window.Options{Window: 100, Reserve: 10})
	model := aitest.NewScripted(aitest.Reply("never"))
	_, err := aigentic.Agent{Model: model, Instructions: words("rule", 200), Logger: quiet(),
		Interceptors: []aigentic.Interceptor{c}}.Execute("hi")
	var he *aigentic.HaltError
	if !errors.Is(err, window.ErrWindowTooSmall) || !errors.As(err, &he) || he.Step != "model call 1" || model.Calls() != 0 {
		t.Fatalf("err = %v; model called %d times", err, model.Calls())
	}
	if len(he.Transcript) != 2 {
		t.Fatalf("transcript %d messages", len(he.Transcript))
	}
}

// strictServer is a model as a llama.cpp server behaves: its own
// tokenizer (a token per 3 bytes, denser than the compactor's estimate),
// a context of ctxSize tokens it refuses to exceed with llama.cpp's error,
// usage reported; it calls "fetch" after a user message and answers after
// a tool result.
type strictServer struct {
	ctxSize int

	mu       sync.Mutex
	refusals int
	served   int
}

func (s *strictServer) ModelName() string { return "tiny-qwen" }

func (s *strictServer) Ping(context.Context) (*ai.PingResult, error) { return &ai.PingResult{}, nil }

func (s *strictServer) count(req ai.Request) int {
	n := 10
	for _, m := range req.Messages {
		n += 6 + (len(m.Content)+2)/3
		for _, tc := range m.ToolCalls {
			n += 6 + (len(tc.Arguments)+len(tc.Name)+2)/3
		}
	}
	return n + window.ToolsTokens(req.Tools)
}

func (s *strictServer) Generate(_ context.Context, req ai.Request) (*ai.Response, error) {
	n := s.count(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > s.ctxSize {
		s.refusals++
		return nil, &ai.ModelError{StatusCode: 400, Code: "exceed_context_size_error",
			Message: fmt.Sprintf("request (%d tokens) exceeds the available context size (%d tokens), try increasing it", n, s.ctxSize)}
	}
	s.served++
	usage := ai.Usage{InputTokens: n, OutputTokens: 40}
	if last := req.Messages[len(req.Messages)-1]; last.Role == ai.RoleUser {
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{
			ID: fmt.Sprintf("call_%d", s.served), Name: "fetch", Arguments: `{"url":"https://example.com"}`}}},
			Usage: usage, FinishReason: "tool_calls"}, nil
	}
	return &ai.Response{Message: say(words("answer", 30)), Usage: usage, FinishReason: "stop"}, nil
}

// Over HTTP, against a server that counts tokens its own way, refuses
// prompts over its context as llama.cpp does and checks every request
// body (openaitest fails the test on a tool result without its call): a
// 30-run conversation goes through, the first refusal teaching the
// compactor the server's size.
func TestConversationAgainstAStrictServer(t *testing.T) {
	server := &strictServer{ctxSize: 2_048}
	srv := openaitest.NewServer(t, server)
	client, err := openai.New("tiny-qwen", "", openai.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	c := mustNew(t, window.Options{}) // tiny-qwen is in no table
	conv, err := conversation.New(conversation.NewMemoryStore(), "alice", conversation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	session := aigentic.NewSession(context.Background())
	session.History = conv
	agent := aigentic.Agent{Model: client, Instructions: "Answer from the pages.", Session: session,
		Logger: quiet(), AgentTools: []aigentic.AgentTool{fetchTool(1_500)}, Interceptors: []aigentic.Interceptor{c}}
	for i := range 30 {
		if _, err := agent.Execute(fmt.Sprintf("question %d: %s", i, words("what", 20))); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if w, ok := c.Learned("tiny-qwen"); !ok || w != 2_048 {
		t.Fatalf("learned %d, %t", w, ok)
	}
	if server.refusals == 0 || server.refusals > 3 {
		t.Fatalf("%d refusals in %d answers", server.refusals, server.served)
	}
	waitFor(t, func() bool { return c.Runs() == 0 })
}

// A model that makes none of the choices a test hopes for (the naive
// model: the first tool, then a fixed answer; usage always 10 tokens) in a
// long conversation with a small window: every run succeeds.
func TestNaiveModelInALongConversation(t *testing.T) {
	c := mustNew(t, window.Options{Window: 1_500})
	conv, err := conversation.New(conversation.NewMemoryStore(), "bob", conversation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	session := aigentic.NewSession(context.Background())
	session.History = conv
	model := aitest.NewNaive(aitest.NaiveOptions{})
	agent := aigentic.Agent{Model: model, Session: session, Logger: quiet(),
		AgentTools: []aigentic.AgentTool{fetchTool(2_000)}, Interceptors: []aigentic.Interceptor{c}}
	for i := range 40 {
		if _, err := agent.Execute(fmt.Sprint("question ", i)); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	msgs, err := conv.Load(context.Background())
	if err != nil || len(msgs) != 40*4 {
		t.Fatalf("history %d messages, %v", len(msgs), err)
	}
}
