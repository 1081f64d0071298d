package aigentic

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// A stop waits for a tool that ignores its context exactly Agent.StopGrace
// (DefaultStopGrace when unset) before abandoning it: the grace timer is
// asked for that duration. The timer fires at once here, so the test
// waits for nothing; a tool that honours its context is never abandoned.
func TestStopWaitsExactlyTheGrace(t *testing.T) {
	var asked []time.Duration
	graceTimer = func(d time.Duration) *time.Timer {
		asked = append(asked, d)
		return time.NewTimer(0)
	}
	defer func() { graceTimer = time.NewTimer }()

	for _, tc := range []struct {
		grace, want time.Duration
	}{{0, DefaultStopGrace}, {3 * time.Second, 3 * time.Second}, {time.Hour, time.Hour}} {
		asked = nil
		release := make(chan struct{})
		returned := make(chan struct{})
		stuck := AgentTool{Name: "stuck", Execute: func(*AgentRun, map[string]any) (*ai.ToolResult, error) {
			defer close(returned)
			<-release
			return ai.Text("late"), nil
		}}
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		agent := Agent{Model: aitest.NewScripted(aitest.CallTools(aitest.Call("stuck", `{}`)), aitest.Reply("never")),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), StopGrace: tc.grace,
			AgentTools: []AgentTool{stuck},
			Observers: []Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
				if _, ok := s.(*hook.ToolAttempt); ok {
					close(started)
				}
				return ctx
			})}}
		go func() {
			select {
			case <-started:
				cancel()
			case <-ctx.Done():
			}
		}()
		_, err := agent.ExecuteContext(ctx, "go")
		cancel()
		close(release)
		select {
		case <-started:
			<-returned // the tool ran: it returns once released
		default:
			t.Fatalf("StopGrace %s: the tool never ran: %v", tc.grace, err)
		}
		var se *StoppedError
		ok := errors.As(err, &se)
		if !ok || len(se.Abandoned) != 1 {
			t.Fatalf("StopGrace %s: err = %v, want the stuck call abandoned", tc.grace, err)
		}
		if len(asked) != 1 || asked[0] != tc.want {
			t.Errorf("StopGrace %s: the grace timer was asked for %v, want [%s]", tc.grace, asked, tc.want)
		}
	}
}
