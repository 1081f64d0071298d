package aigentic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
)

// deafModel ignores its context: it signals started, then answers only
// when release is closed.
func deafModel(started chan<- struct{}, release <-chan struct{}) *runtest.FuncModel {
	return &runtest.FuncModel{Name: "deaf", Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		close(started)
		<-release
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "late answer"}}, nil
	}}
}

// An answer that comes after the run was stopped does not make the run a
// success: the model answered once its context had ended.
func TestAnswerAfterTheStopIsAStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	model := &runtest.FuncModel{Name: "late", Fn: func(mctx context.Context, req ai.Request) (*ai.Response, error) {
		cancel()
		<-mctx.Done() // the run's stop has reached the call
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "late answer"}}, nil
	}}
	answer, err := aigentic.Agent{Model: model, Logger: discardLogger()}.ExecuteContext(ctx, "hi")
	if se, ok := errors.AsType[*aigentic.StoppedError](err); !ok || se.During != "model call 1" || answer != "" {
		t.Fatalf("ExecuteContext = %q, %v; want a *StoppedError during model call 1", answer, err)
	}
}

// A stop never waits on a model that ignores its context: after
// Agent.StopGrace the call is abandoned and the run ends stopped.
func TestStopAbandonsAModelThatIgnoresItsContext(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release) // the abandoned call ends with the test (goleak)
	run, err := aigentic.Agent{Model: deafModel(started, release), Logger: discardLogger(), StopGrace: time.Millisecond}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	awaitStart(t, started)
	run.Cancel()
	var answer string
	within(t, 10*time.Second, func() { answer, err = run.Wait(0) })
	if !errors.Is(err, context.Canceled) || answer != "" {
		t.Fatalf("Wait = %q, %v; want the run stopped", answer, err)
	}
	if _, ok := errors.AsType[*aigentic.StoppedError](err); !ok {
		t.Fatalf("err = %v, want a *StoppedError", err)
	}
}
