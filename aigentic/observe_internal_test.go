package aigentic

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// stepLog is an observer added to a run after newRun: what a new sink
// sees, with no change to the loop.
type stepLog struct {
	baseObserver
	steps []string
}

func (l *stepLog) add(format string, args ...any) {
	l.steps = append(l.steps, fmt.Sprintf(format, args...))
}

func (l *stepLog) runEnd(_ context.Context, s runEnd) { l.add("runEnd err=%t", s.err != nil) }
func (l *stepLog) modelStart(ctx context.Context, s modelStart) context.Context {
	l.add("modelStart %d.%d", s.call, s.attempt)
	return ctx
}
func (l *stepLog) modelEnd(_ context.Context, s modelEnd) {
	l.add("modelEnd %d.%d err=%t retry=%t", s.call, s.attempt, s.err != nil, s.willRetry)
}
func (l *stepLog) content(_ context.Context, s contentStep) { l.add("content %q", s.text) }
func (l *stepLog) toolStart(ctx context.Context, s toolStart) context.Context {
	l.add("toolStart %s known=%t", s.tc.Name, s.tool != nil)
	return ctx
}
func (l *stepLog) toolAttempt(_ context.Context, s toolAttempt) {
	l.add("toolAttempt %s %d", s.tc.Name, s.attempt)
}
func (l *stepLog) toolAttemptEnd(_ context.Context, s toolAttemptEnd) {
	l.add("toolAttemptEnd %s %d err=%t retry=%t", s.tc.Name, s.attempt, s.err != nil, s.willRetry)
}
func (l *stepLog) toolEnd(_ context.Context, s toolEnd) {
	l.add("toolEnd %s error_result=%t", s.tc.Name, s.err == nil && s.res.Error)
}

// Each step is reported once, in order, to every observer.
func TestObserverSeesEachStepOnce(t *testing.T) {
	flaky := 0
	tool := AgentTool{Name: "flaky", Execute: func(*AgentRun, map[string]any) (*ai.ToolResult, error) {
		if flaky++; flaky == 1 {
			return nil, ai.Transient(fmt.Errorf("busy"))
		}
		return ai.Text("ok"), nil
	}}
	inner := aitest.NewScripted(aitest.CallTools(aitest.Call("flaky", `{}`), aitest.Call("nope", `{}`)), aitest.Reply("done"))
	a := Agent{
		Model: aitest.Inject(inner).FailNext(aitest.StatusError(503, 0)), Retries: 1,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		RetryPolicy: &RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }},
		AgentTools:  []AgentTool{tool},
	}
	r, err := a.newRun("go", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := &stepLog{}
	r.obs = append(r.obs, l)
	r.loop()
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := []string{
		"modelStart 1.1", "modelEnd 1.1 err=true retry=true",
		"modelStart 1.2", "modelEnd 1.2 err=false retry=false",
		"toolStart flaky known=true",
		"toolAttempt flaky 1", "toolAttemptEnd flaky 1 err=true retry=true",
		"toolAttempt flaky 2", "toolAttemptEnd flaky 2 err=false retry=false",
		"toolEnd flaky error_result=false",
		"toolStart nope known=false", "toolEnd nope error_result=true",
		"modelStart 2.1", "modelEnd 2.1 err=false retry=false", `content "done"`,
		"runEnd err=false",
	}
	if got := strings.Join(l.steps, "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("steps:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// The built-in observers saw the same steps: stats agree.
	if st := r.Stats(); st.LLMCalls != 2 || st.Retries != 2 || st.ToolCalls != 2 || st.ToolErrors != 1 || st.InputTokens != 20 {
		t.Fatalf("stats = %+v", st)
	}
}
