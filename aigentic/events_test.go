package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

func eventKinds(evs []aigentic.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = strings.TrimPrefix(fmt.Sprintf("%T", e), "*aigentic.")
	}
	return out
}

// withoutLLMCalls drops the *LLMCallEvent announcements.
func withoutLLMCalls(evs []aigentic.Event) []aigentic.Event {
	var out []aigentic.Event
	for _, e := range evs {
		if _, ok := e.(*aigentic.LLMCallEvent); !ok {
			out = append(out, e)
		}
	}
	return out
}

func TestEventsInOrderAndChannelCloses(t *testing.T) {
	s := &sleeper{}
	fatal := aitest.StatusError(400, 0)
	model := aitest.NewScripted(
		replyWith("let me look", aitest.Call("lookup", `{"q":"x"}`)),
		aitest.Fail(aitest.StatusError(503, 0)),
		aitest.Fail(fatal),
	)
	tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.Text("found"), nil }}
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), Retries: 3, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	evs := drain(t, run) // returns only once the channel is closed
	_, runErr := run.Wait(0)

	want := []string{"LLMCallEvent", "ContentEvent", "ToolEvent", "ToolResponseEvent", "LLMCallEvent", "RetryEvent", "LLMCallEvent", "ErrorEvent"}
	if got := eventKinds(evs); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("events = %v, want %v", got, want)
	}
	for _, e := range evs {
		if e.ID() != run.ID() {
			t.Fatalf("event %T has run id %q", e, e.ID())
		}
	}
	// Every attempt is announced: call 2 twice (attempt 1, then its retry).
	for i, w := range []struct{ idx, call, attempt int }{{0, 1, 1}, {4, 2, 1}, {6, 2, 2}} {
		c := evs[w.idx].(*aigentic.LLMCallEvent)
		if c.Call != w.call || c.Attempt != w.attempt || len(c.Tools) != 1 || c.Tools[0].Name != "lookup" {
			t.Errorf("LLMCallEvent %d = call %d attempt %d tools %v, want call %d attempt %d", i, c.Call, c.Attempt, c.Tools, w.call, w.attempt)
		}
		if c.SessionID != run.Session().ID || c.AgentName != "agent" {
			t.Errorf("LLMCallEvent %d info = %+v", i, c.EventInfo)
		}
	}
	if c := evs[0].(*aigentic.LLMCallEvent); c.Message != "go" {
		t.Errorf("first LLMCallEvent message = %q, want the user's message", c.Message)
	}
	evs = withoutLLMCalls(evs)
	if c := evs[0].(*aigentic.ContentEvent); c.Content != "let me look" || c.Delta {
		t.Errorf("content = %+v", c)
	}
	if c := evs[1].(*aigentic.ToolEvent); c.ToolName != "lookup" || c.Arguments != `{"q":"x"}` || c.ToolCallID != "call_0_0" {
		t.Errorf("tool call = %+v", c)
	}
	if r := evs[2].(*aigentic.ToolResponseEvent); r.ToolCallID != "call_0_0" || r.ToolName != "lookup" || r.Error || r.Result.String() != "found" {
		t.Errorf("tool result = %+v", r)
	}
	if r := evs[3].(*aigentic.RetryEvent); r.Step != "model call 2" || r.Attempt != 1 || r.Delay != 5*time.Millisecond || !errors.Is(r.Err, ai.ErrTransient) {
		t.Errorf("retry = %+v", r)
	}
	if e := evs[4].(*aigentic.ErrorEvent); e.Err != runErr || !errors.Is(e.Err, fatal) {
		t.Errorf("error event = %v, run error = %v", e.Err, runErr)
	}
	select {
	case <-run.Done():
	default:
		t.Fatal("events closed before the run ended")
	}
}

func TestEventsSuccessfulRunEndsWithContent(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("hello"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger()}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	evs := withoutLLMCalls(drain(t, run))
	if len(evs) != 1 || evs[0].(*aigentic.ContentEvent).Content != "hello" {
		t.Fatalf("events = %v", eventKinds(evs))
	}
}

// Next() called after the run ended still yields every event.
func TestNextCalledLate(t *testing.T) {
	steps := []aitest.Step{}
	for i := 0; i < 5; i++ {
		steps = append(steps, aitest.CallTools(aitest.Call("t", `{}`)))
	}
	steps = append(steps, aitest.Reply("done"))
	tool := &countingTool{}
	run, err := aigentic.Agent{Model: aitest.NewScripted(steps...), Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool.Tool("t", nil)}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if a, b := run.Next(), run.Next(); a != b {
		t.Fatal("Next returns a different channel each call")
	}
	evs := drain(t, run)
	if len(evs) != 17 { // 6 model calls + 5 × (tool call + result) + final content
		t.Fatalf("late reader got %d events: %v", len(evs), eventKinds(evs))
	}
	if _, ok := evs[16].(*aigentic.ContentEvent); !ok {
		t.Fatalf("last event %T", evs[16])
	}
}

// With nobody reading, a run never blocks on its events.
func TestEventsNeverBlockTheRun(t *testing.T) {
	const n = 300
	steps := make([]aitest.Step, 0, n+1)
	for i := 0; i < n; i++ {
		steps = append(steps, aitest.CallTools(aitest.Call("t", `{}`), aitest.Call("t", `{}`)))
	}
	steps = append(steps, aitest.Reply("done"))
	tool := &countingTool{}
	run, err := aigentic.Agent{
		Model: aitest.NewScripted(steps...), Logger: discardLogger(), MaxLLMCalls: n + 1,
		AgentTools: []aigentic.AgentTool{tool.Tool("t", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	within(t, 3*time.Second, func() { got, err = run.Wait(0) })
	if err != nil || got != "done" || tool.Count() != 2*n {
		t.Fatalf("run = %q, %v, tool ran %d", got, err, tool.Count())
	}
	if evs := drain(t, run); len(evs) != 5*n+2 {
		t.Fatalf("%d events, want %d", len(evs), 5*n+2)
	}
}

// Execute (no events) is never held up either.
func TestExecuteRecordsNoEvents(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("t", `{}`)), aitest.Reply("done"))
	tool := &countingTool{}
	got, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool.Tool("t", nil)}}.Execute("go")
	if err != nil || got != "done" {
		t.Fatalf("Execute = %q, %v", got, err)
	}
}

// A streaming model's fragments arrive as ContentEvent deltas.
func TestStreamingDeltas(t *testing.T) {
	fragments := []string{"Hel", "lo, ", "wor", "ld"}
	var sawOnDelta []bool
	model := &funcModel{Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		sawOnDelta = append(sawOnDelta, req.OnDelta != nil)
		if req.OnDelta != nil {
			for _, f := range fragments {
				req.OnDelta(f)
			}
		}
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: strings.Join(fragments, "")}}, nil
	}}
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Stream: true}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	evs := drain(t, run)
	got, err := run.Wait(0)
	if err != nil || got != "Hello, world" {
		t.Fatalf("run = %q, %v", got, err)
	}
	var joined strings.Builder
	evs = withoutLLMCalls(evs)
	for _, e := range evs {
		c, ok := e.(*aigentic.ContentEvent)
		if !ok || !c.Delta {
			t.Fatalf("event %T %+v: want only delta ContentEvents", e, e)
		}
		joined.WriteString(c.Content)
	}
	if len(evs) != len(fragments) || joined.String() != "Hello, world" {
		t.Fatalf("%d deltas joining to %q", len(evs), joined.String())
	}

	// Without Stream the model is not asked to stream: one whole ContentEvent.
	run, err = aigentic.Agent{Model: model, Logger: discardLogger()}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	evs = withoutLLMCalls(drain(t, run))
	if len(evs) != 1 || evs[0].(*aigentic.ContentEvent).Delta || evs[0].(*aigentic.ContentEvent).Content != "Hello, world" {
		t.Fatalf("events without Stream = %+v", evs)
	}
	if len(sawOnDelta) != 2 || !sawOnDelta[0] || sawOnDelta[1] {
		t.Fatalf("OnDelta set per request = %v, want [true false]", sawOnDelta)
	}
}

// A reader that stops early and calls Cancel after the run has ended leaves
// no goroutine behind: the undelivered events are dropped.
func TestAbandonedReaderReleasedByCancel(t *testing.T) {
	steps := []aitest.Step{}
	for i := 0; i < 5; i++ {
		steps = append(steps, aitest.CallTools(aitest.Call("noop", `{}`)))
	}
	steps = append(steps, aitest.Reply("done"))
	run, err := aigentic.Agent{Model: aitest.NewScripted(steps...), Logger: discardLogger(),
		AgentTools: []aigentic.AgentTool{(&countingTool{}).Tool("noop", nil)}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	events := run.Next()
	<-events // read one, then walk away
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	run.Cancel()
	// Nobody reads any more: without the release, the pump would block on
	// the next send forever.
	goleak.VerifyNone(t)
	n := 0
	for range events { // already closed; at most an event taken in flight
		n++
	}
	if n > 1 {
		t.Fatalf("%d events still delivered after the release", n)
	}
}
