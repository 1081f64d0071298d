package replay_test

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/replay"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serverKey is the key the fake server requires.
const serverKey = "sk-test-replay-server-0123456789"

// captureTB is a testing.TB whose failures are kept, not reported: the
// hook that lets a test see how New fails a test. Its cleanups run when
// the test calls finish.
type captureTB struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func capture(t *testing.T) *captureTB { return &captureTB{TB: t} }

func (c *captureTB) Helper()             {}
func (c *captureTB) Logf(string, ...any) {}
func (c *captureTB) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}
func (c *captureTB) Error(args ...any) { c.Errorf("%s", fmt.Sprint(args...)) }
func (c *captureTB) Fatal(args ...any) {
	c.TB.Fatalf("captureTB: unexpected Fatal: %s", fmt.Sprint(args...))
}
func (c *captureTB) Fatalf(format string, args ...any) {
	c.TB.Fatalf("captureTB: unexpected Fatal: "+format, args...)
}
func (c *captureTB) Cleanup(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cleanups = append(c.cleanups, f)
}

// finish runs the cleanups (last first) and returns every failure.
func (c *captureTB) finish() []string {
	c.mu.Lock()
	fs := c.cleanups
	c.cleanups = nil
	c.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// lookup is a typed tool: it answers "<city>: sunny".
type lookupIn struct {
	City string `json:"city" jsonschema:"description=the city"`
}

func lookupTool() aigentic.AgentTool {
	return aigentic.NewTool("weather", "The weather in a city.", func(_ *aigentic.AgentRun, in lookupIn) (string, error) {
		return in.City + ": sunny", nil
	})
}

// script is the model behind the fake server: a tool call, then an answer.
func script() *aitest.Scripted {
	return aitest.NewScripted(
		aitest.CallTools(aitest.Call("weather", `{"city":"Paris"}`)),
		aitest.Reply("It is sunny in Paris."),
	)
}

// agentOn is the agent of these tests on model.
func agentOn(model ai.Model, stream bool) aigentic.Agent {
	return aigentic.Agent{
		Model:        model,
		Name:         "weather",
		Instructions: "You are a precise assistant. Use the weather tool.",
		AgentTools:   []aigentic.AgentTool{lookupTool()},
		MaxLLMCalls:  4,
		Stream:       stream,
		Logger:       slog.New(slog.DiscardHandler),
	}
}

// runOnce runs agent on question, reading every event; it returns the
// answer, the transcript, the number of streamed fragments and the error.
func runOnce(t testing.TB, agent aigentic.Agent, question string) (string, []ai.Message, int, error) {
	t.Helper()
	r, err := agent.Start(question)
	if err != nil {
		t.Fatal(err)
	}
	deltas := 0
	for ev := range r.Next() {
		if c, ok := ev.(*aigentic.ContentEvent); ok && c.Delta {
			deltas++
		}
	}
	answer, err := r.Wait(0)
	return answer, r.Messages(), deltas, err
}

// record runs the agent once against a fake server backed by model,
// recording into dir/name; it returns the file, the answer and the
// streamed fragments.
func record(t *testing.T, model ai.Model, stream bool, question string) (string, string, int) {
	t.Helper()
	srv := openaitest.NewServer(t, model, openaitest.WithAPIKey(serverKey))
	file := filepath.Join(t.TempDir(), "testdata", "weather.yaml")
	rec, err := replay.Open(file, replay.WithMode(replay.ModeRecord))
	if err != nil {
		t.Fatal(err)
	}
	m, err := openai.New("gpt-test", serverKey, openai.WithBaseURL(srv.URL()), openai.WithHTTPClient(rec.Client()))
	if err != nil {
		t.Fatal(err)
	}
	answer, _, deltas, err := runOnce(t, agentOn(m, stream), question)
	if err != nil {
		t.Fatalf("recording run: %v", err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	return file, answer, deltas
}

// mustContain fails unless s holds each of wants.
func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}
