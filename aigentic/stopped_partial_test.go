package aigentic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// midStream streams two pieces, says so on streamed, then waits for its
// context to end.
type midStream struct{ streamed chan struct{} }

func (m midStream) ModelName() string { return "mid-stream" }

func (m midStream) Ping(context.Context) (*ai.PingResult, error) { return &ai.PingResult{}, nil }

func (m midStream) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	req.OnDelta("Your refund ")
	req.OnDelta("is on its way")
	close(m.streamed)
	<-ctx.Done()
	return nil, ctx.Err()
}

// A run stopped while the model streams keeps what was streamed in its
// *StoppedError's Partial; one stopped elsewhere keeps the last text the
// model produced.
func TestStoppedErrorKeepsThePartialAnswer(t *testing.T) {
	m := midStream{streamed: make(chan struct{})}
	run, err := aigentic.Agent{Model: m, Logger: discardLogger(), Stream: true}.Start("where is my refund?")
	if err != nil {
		t.Fatal(err)
	}
	<-m.streamed
	run.Cancel()
	_, err = run.Wait(0)
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || se.Partial != "Your refund is on its way" {
		t.Fatalf("err = %v; Partial %q", err, partialOf(se))
	}

	// Not streaming: stopped during a tool, the text the model sent with
	// its tool call is kept.
	started := make(chan struct{})
	slow := aigentic.AgentTool{Name: "lookup", Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		close(started)
		<-run.Context().Done()
		return nil, run.Context().Err()
	}}
	model := aitest.NewScripted(aitest.Step{Response: &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "Let me look that up.",
		ToolCalls: []ai.ToolCall{{ID: "c1", Name: "lookup", Arguments: `{}`}}}}})
	run, err = aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{slow}}.Start("where is my refund?")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	run.Cancel()
	_, err = run.Wait(0)
	if !errors.As(err, &se) || se.Partial != "Let me look that up." {
		t.Fatalf("err = %v; Partial %q", err, partialOf(se))
	}
}

func partialOf(se *aigentic.StoppedError) string {
	if se == nil {
		return "<no StoppedError>"
	}
	return se.Partial
}

// retryStream streams a piece and fails transiently on its first
// attempt; its second streams nothing and waits for its context to end.
type retryStream struct {
	calls   int
	waiting chan struct{}
}

func (m *retryStream) ModelName() string { return "retry-stream" }

func (m *retryStream) Ping(context.Context) (*ai.PingResult, error) { return &ai.PingResult{}, nil }

func (m *retryStream) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if m.calls++; m.calls == 1 {
		req.OnDelta("a first attempt's words")
		return nil, ai.Transient(errors.New("busy"))
	}
	close(m.waiting)
	<-ctx.Done()
	return nil, ctx.Err()
}

// What a failed attempt streamed is not the Partial of a later one.
func TestStoppedErrorPartialIsTheAttemptsOwn(t *testing.T) {
	m := &retryStream{waiting: make(chan struct{})}
	run, err := aigentic.Agent{Model: m, Logger: discardLogger(), Stream: true, Retries: 1,
		RetryPolicy: &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	<-m.waiting
	run.Cancel()
	_, err = run.Wait(0)
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || se.Partial != "" {
		t.Fatalf("err = %v; Partial %q, want none", err, partialOf(se))
	}
}
