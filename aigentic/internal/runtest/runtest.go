// Package runtest holds the test helpers the runtime's packages share
// (aigentic, aigentic/tracefile, aigentic/otelagent): a recording sleeper,
// JSON loggers, scripted function models, counting tools and the
// benchmark scenario. It is internal: test support, not API.
package runtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// ---------------------------------------------------------------- backoff

// Sleeper records the backoff waits a run asks for and returns at once, so
// retry tests neither sleep nor depend on timing.
type Sleeper struct {
	mu     sync.Mutex
	delays []time.Duration
}

// Sleep records d and returns ctx's error at once.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

// Delays returns the waits asked for, in order.
func (s *Sleeper) Delays() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

// Policy returns a deterministic policy: no jitter (Rand 0), base 10ms,
// recorded sleeps.
func (s *Sleeper) Policy() *aigentic.RetryPolicy {
	return &aigentic.RetryPolicy{
		BaseDelay: 10 * time.Millisecond,
		MaxDelay:  time.Second,
		Rand:      func() float64 { return 0 },
		Sleep:     s.Sleep,
	}
}

// ---------------------------------------------------------------- logs

// LogBuffer is a goroutine-safe buffer for a slog handler.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// NewJSONLogger returns a logger writing JSON lines at every level (the
// agent's LogLevel does the filtering) and the buffer it writes to.
func NewJSONLogger() (*slog.Logger, *LogBuffer) {
	buf := &LogBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// DiscardLogger keeps test output clean where logs are not asserted.
func DiscardLogger() *slog.Logger {
	l, _ := NewJSONLogger()
	return l
}

// Records decodes every JSON log line.
func Records(t testing.TB, buf *LogBuffer) []map[string]any {
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

// FindRecord returns the first record with msg, or nil.
func FindRecord(recs []map[string]any, msg string) map[string]any {
	for _, r := range recs {
		if r["msg"] == msg {
			return r
		}
	}
	return nil
}

// ---------------------------------------------------------------- models

// FuncModel is an ai.Model backed by a function; it counts its calls.
type FuncModel struct {
	Name  string
	calls atomic.Int32
	Fn    func(ctx context.Context, req ai.Request) (*ai.Response, error)
}

// ModelName implements ai.Model.
func (m *FuncModel) ModelName() string {
	if m.Name == "" {
		return "func"
	}
	return m.Name
}

// Ping implements ai.Model.
func (m *FuncModel) Ping(ctx context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: m.ModelName()}, nil
}

// Generate implements ai.Model: it counts the call and calls Fn.
func (m *FuncModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	m.calls.Add(1)
	return m.Fn(ctx, req)
}

// Calls is how many times Generate was called.
func (m *FuncModel) Calls() int { return int(m.calls.Load()) }

// ChattyModel always answers with text and usage 7 in / 3 out: the inner
// model of a Faulty that turns every answer into a tool call.
func ChattyModel() *FuncModel {
	return &FuncModel{Name: "chatty", Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		return &ai.Response{
			Message: ai.Message{Role: ai.RoleAssistant, Content: "thinking"},
			Usage:   ai.Usage{InputTokens: 7, OutputTokens: 3},
		}, nil
	}}
}

// BlockingModel signals started on each call, then blocks until its
// context ends and returns the context's error.
func BlockingModel(started chan<- struct{}) *FuncModel {
	return &FuncModel{Name: "blocking", Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
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

// ReplyWith is a scripted step answering with text and tool calls at once.
func ReplyWith(content string, calls ...ai.ToolCall) aitest.Step {
	return aitest.Step{Response: &ai.Response{
		Message:      ai.Message{Role: ai.RoleAssistant, Content: content, ToolCalls: calls},
		Usage:        ai.Usage{InputTokens: 10, OutputTokens: 5},
		FinishReason: "tool_calls",
	}}
}

// ---------------------------------------------------------------- tools

// CountingTool is a hand-built tool counting its executions.
type CountingTool struct {
	n   atomic.Int32
	Res func(args map[string]any) (*ai.ToolResult, error)
}

// Count is how many times the tool ran.
func (c *CountingTool) Count() int { return int(c.n.Load()) }

// Tool returns the tool, named name, with schema.
func (c *CountingTool) Tool(name string, schema map[string]any) aigentic.AgentTool {
	return aigentic.AgentTool{
		Name:        name,
		Description: "test tool " + name,
		InputSchema: schema,
		Execute: func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			c.n.Add(1)
			if c.Res != nil {
				return c.Res(args)
			}
			return ai.Text("ok"), nil
		},
	}
}

// ObjectSchema builds {"type":"object","properties":props,"required":req,
// "additionalProperties":false}.
func ObjectSchema(props map[string]any, required ...string) map[string]any {
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

// ToolMessages returns the RoleTool messages of a request.
func ToolMessages(msgs []ai.Message) []ai.Message {
	var out []ai.Message
	for _, m := range msgs {
		if m.Role == ai.RoleTool {
			out = append(out, m)
		}
	}
	return out
}

// Drain collects every event of a run until its channel closes, failing
// the test if that takes too long.
func Drain(t testing.TB, run *aigentic.AgentRun) []aigentic.Event {
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

// Within runs fn and fails the test when it has not returned after limit.
// The bound is generous: the point is "not the blocking step's duration",
// and a watchdog makes a broken mechanism fail fast instead of hanging.
func Within(t testing.TB, limit time.Duration, fn func()) time.Duration {
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

// CountingLimiter is an aigentic.RateLimiter that counts its waits and
// answers with Err, or blocks until ctx ends when Block is set.
type CountingLimiter struct {
	waits atomic.Int32
	Err   error
	Block bool
}

// Wait implements aigentic.RateLimiter.
func (l *CountingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	if l.Block {
		<-ctx.Done()
		return ctx.Err()
	}
	return l.Err
}

// Waits is how many times Wait was called.
func (l *CountingLimiter) Waits() int { return int(l.waits.Load()) }

// EmailInput is the send_email tool's input.
type EmailInput struct {
	To      string `json:"to" description:"recipient"`
	Subject string `json:"subject"`
}

// ApprovalAgent is an agent on model with a send_email tool that requires
// approval (timeout: its approval timeout) and appends what it sends to
// sent (under a lock: the calls of a parallel turn run at once; read sent
// once the run has ended).
func ApprovalAgent(model ai.Model, sent *[]EmailInput, timeout time.Duration) aigentic.Agent {
	var mu sync.Mutex
	tool := aigentic.NewTool("send_email", "Send an email.", func(run *aigentic.AgentRun, in EmailInput) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		*sent = append(*sent, in)
		return "sent to " + in.To, nil
	})
	tool.RequireApproval = true
	tool.Validate = func(run *aigentic.AgentRun, args map[string]any) (aigentic.ValidationResult, error) {
		return aigentic.ValidationResult{Message: fmt.Sprintf("will email %v", args["to"])}, nil
	}
	return aigentic.Agent{Model: model, Logger: DiscardLogger(), ApprovalTimeout: timeout, AgentTools: []aigentic.AgentTool{tool}}
}

// AnswerApprovals drains the run's events, answering each approval with
// answer; it returns the approval events seen.
func AnswerApprovals(t testing.TB, run *aigentic.AgentRun, answer func(ev *aigentic.ApprovalEvent)) []*aigentic.ApprovalEvent {
	t.Helper()
	var seen []*aigentic.ApprovalEvent
	DrainWith(t, run, func(ev aigentic.Event) {
		if ae, ok := ev.(*aigentic.ApprovalEvent); ok {
			seen = append(seen, ae)
			answer(ae)
		}
	})
	return seen
}

// DrainWith is Drain calling fn on each event as it arrives.
func DrainWith(t testing.TB, run *aigentic.AgentRun, fn func(aigentic.Event)) []aigentic.Event {
	t.Helper()
	var evs []aigentic.Event
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-run.Next():
			if !ok {
				return evs
			}
			evs = append(evs, e)
			fn(e)
		case <-timeout:
			t.Fatal("events did not close within 5s")
		}
	}
}

// Deadline is a context whose deadline passes when the test says so
// (Expire): a session timeout that fires at a known step, whatever the
// machine's load — where a real 20ms timeout may fire before the run has
// even reached the step under test.
type Deadline struct {
	context.Context
	done chan struct{}
	once sync.Once
}

// NewDeadline returns a Deadline that has not passed.
func NewDeadline() *Deadline {
	return &Deadline{Context: context.Background(), done: make(chan struct{})}
}

// Deadline reports a deadline an hour away: the context has one.
func (d *Deadline) Deadline() (time.Time, bool) { return time.Now().Add(time.Hour), true }

// Done is closed by Expire.
func (d *Deadline) Done() <-chan struct{} { return d.done }

// Err is context.DeadlineExceeded once Expire was called, nil before.
func (d *Deadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// Expire makes the deadline pass.
func (d *Deadline) Expire() { d.once.Do(func() { close(d.done) }) }
