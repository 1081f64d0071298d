package aigentic_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// TestMain fails the package when any test leaves a goroutine behind: a
// run, an event pump or a timer that outlives its run is a leak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// ---------------------------------------------------------------- backoff

// sleeper records the backoff waits a run asks for and returns at once, so
// retry tests neither sleep nor depend on timing.
type sleeper struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) Delays() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

// policy returns a deterministic policy: no jitter (Rand 0), base 10ms,
// recorded sleeps.
func (s *sleeper) policy() *aigentic.RetryPolicy {
	return &aigentic.RetryPolicy{
		BaseDelay: 10 * time.Millisecond,
		MaxDelay:  time.Second,
		Rand:      func() float64 { return 0 },
		Sleep:     s.Sleep,
	}
}

// ---------------------------------------------------------------- logs

// logBuffer is a goroutine-safe buffer for a slog handler.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newJSONLogger returns a logger writing JSON lines at every level (the
// agent's LogLevel does the filtering) and the buffer it writes to.
func newJSONLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// discardLogger keeps test output clean where logs are not asserted.
func discardLogger() *slog.Logger {
	l, _ := newJSONLogger()
	return l
}

// records decodes every JSON log line.
func records(t *testing.T, buf *logBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(buf.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// findRecord returns the first record with msg, or nil.
func findRecord(recs []map[string]any, msg string) map[string]any {
	for _, r := range recs {
		if r["msg"] == msg {
			return r
		}
	}
	return nil
}

// ---------------------------------------------------------------- models

// funcModel is an ai.Model backed by a function; it counts its calls.
type funcModel struct {
	name  string
	calls atomic.Int32
	fn    func(ctx context.Context, req ai.Request) (*ai.Response, error)
}

func (m *funcModel) ModelName() string {
	if m.name == "" {
		return "func"
	}
	return m.name
}

func (m *funcModel) Ping(ctx context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: m.ModelName()}, nil
}

func (m *funcModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	m.calls.Add(1)
	return m.fn(ctx, req)
}

func (m *funcModel) Calls() int { return int(m.calls.Load()) }

// chattyModel always answers with text and usage 7 in / 3 out: the inner
// model of a Faulty that turns every answer into a tool call.
func chattyModel() *funcModel {
	return &funcModel{name: "chatty", fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		return &ai.Response{
			Message: ai.Message{Role: ai.RoleAssistant, Content: "thinking"},
			Usage:   ai.Usage{InputTokens: 7, OutputTokens: 3},
		}, nil
	}}
}

// blockingModel signals started on each call, then blocks until its
// context ends and returns the context's error.
func blockingModel(started chan<- struct{}) *funcModel {
	return &funcModel{name: "blocking", fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		select {
		case started <- struct{}{}:
		default:
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
			return nil, &ai.ModelError{Provider: "test", Message: "blocking model was not cancelled"}
		}
	}}
}

// replyWith is a scripted step answering with text and tool calls at once.
func replyWith(content string, calls ...ai.ToolCall) aitest.Step {
	return aitest.Step{Response: &ai.Response{
		Message:      ai.Message{Role: ai.RoleAssistant, Content: content, ToolCalls: calls},
		Usage:        ai.Usage{InputTokens: 10, OutputTokens: 5},
		FinishReason: "tool_calls",
	}}
}

// ---------------------------------------------------------------- tools

// countingTool is a hand-built tool counting its executions.
type countingTool struct {
	n   atomic.Int32
	res func(args map[string]any) (*ai.ToolResult, error)
}

func (c *countingTool) Count() int { return int(c.n.Load()) }

func (c *countingTool) Tool(name string, schema map[string]any) aigentic.AgentTool {
	return aigentic.AgentTool{
		Name:        name,
		Description: "test tool " + name,
		InputSchema: schema,
		Execute: func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			c.n.Add(1)
			if c.res != nil {
				return c.res(args)
			}
			return ai.Text("ok"), nil
		},
	}
}

// objectSchema builds {"type":"object","properties":props,"required":req,
// "additionalProperties":false}.
func objectSchema(props map[string]any, required ...string) map[string]any {
	req := make([]any, len(required))
	for i, r := range required {
		req[i] = r
	}
	return map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             req,
		"additionalProperties": false,
	}
}

// toolMessages returns the RoleTool messages of a request.
func toolMessages(msgs []ai.Message) []ai.Message {
	var out []ai.Message
	for _, m := range msgs {
		if m.Role == ai.RoleTool {
			out = append(out, m)
		}
	}
	return out
}

// drain collects every event of a run until its channel closes, failing
// the test if that takes too long.
func drain(t *testing.T, run *aigentic.AgentRun) []aigentic.Event {
	t.Helper()
	var evs []aigentic.Event
	timeout := time.After(5 * time.Second)
	ch := run.Next()
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return evs
			}
			evs = append(evs, e)
		case <-timeout:
			t.Fatalf("events did not close within 5s; got %d", len(evs))
			return evs
		}
	}
}

// within runs fn and fails the test when it has not returned after limit.
// The bound is generous: the point is "not the blocking step's duration",
// and a watchdog makes a broken mechanism fail fast instead of hanging.
func within(t *testing.T, limit time.Duration, fn func()) time.Duration {
	t.Helper()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("still running after %s: want well under the blocking step", limit)
	}
	return time.Since(start)
}
