package aigentic_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// pause is how long the test's model and tool take: every duration the
// run reports for them is at least this (a lower bound, which a loaded
// machine only makes longer).
const pause = 2 * time.Millisecond

// slowModel is a scripted model that takes pause per call.
type slowModel struct{ *aitest.Scripted }

func (m slowModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	time.Sleep(pause)
	return m.Scripted.Generate(ctx, req)
}

func slowAgent(parallel int) aigentic.Agent {
	calls := []ai.ToolCall{{ID: "a", Name: "wait", Arguments: `{}`}, {ID: "b", Name: "wait", Arguments: `{}`}}
	return aigentic.Agent{
		Model:             slowModel{aitest.NewScripted(aitest.CallTools(calls...), aitest.Reply("done"))},
		Logger:            discardLogger(),
		ParallelToolCalls: parallel,
		AgentTools: []aigentic.AgentTool{aigentic.NewTool("wait", "waits a moment", func(*aigentic.AgentRun, struct{}) (string, error) {
			time.Sleep(pause)
			return "waited", nil
		})},
	}
}

// TestStepsAreTimedWhenWatched: a run reads the clock per step only when
// someone can see it (aigentic/observe.go: now). With an observer of the
// agent's, every model call, tool attempt and tool call it sees carries
// its real duration, and each tool call its end — in a turn of one call at
// a time and in a parallel turn.
func TestStepsAreTimedWhenWatched(t *testing.T) {
	for _, parallel := range []int{0, 2} {
		var mu sync.Mutex
		var model, attempts, calls []time.Duration
		var ends []time.Time
		agent := slowAgent(parallel)
		agent.Observers = []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
			mu.Lock()
			defer mu.Unlock()
			switch s := s.(type) {
			case *hook.ModelEnd:
				model = append(model, s.Duration)
			case *hook.ToolAttemptEnd:
				attempts = append(attempts, s.Duration)
			case *hook.ToolEnd:
				calls = append(calls, s.Duration)
				ends = append(ends, s.At)
			}
			return ctx
		})}
		started := time.Now()
		if _, err := agent.Execute("wait twice"); err != nil {
			t.Fatal(err)
		}
		if len(model) != 2 || len(attempts) != 2 || len(calls) != 2 {
			t.Fatalf("parallel %d: saw %d model calls, %d attempts, %d tool calls; want 2 of each", parallel, len(model), len(attempts), len(calls))
		}
		for i, d := range append(append(model, attempts...), calls...) {
			if d < pause {
				t.Errorf("parallel %d: duration %d is %s, want at least %s (model calls, attempts, tool calls)", parallel, i, d, pause)
			}
		}
		for _, at := range ends {
			if at.Before(started) {
				t.Errorf("parallel %d: a tool call ended at %v, before the run started (%v)", parallel, at, started)
			}
		}
	}
}

// TestDebugLogIsTimed: with no observer of its own but a log at Debug,
// the run's "model response" and "tool result" records show the real
// durations.
func TestDebugLogIsTimed(t *testing.T) {
	h := &recordHandler{}
	agent := slowAgent(0)
	agent.Logger, agent.LogLevel = slog.New(h), slog.LevelDebug
	if _, err := agent.Execute("wait twice"); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, rec := range h.records() {
		if rec.Message != "model response" && rec.Message != "tool result" {
			continue
		}
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "duration" {
				seen++
				if d := a.Value.Duration(); d < pause {
					t.Errorf("%q record: duration %s, want at least %s", rec.Message, d, pause)
				}
			}
			return true
		})
	}
	if seen != 4 {
		t.Errorf("%d timed records, want 4 (2 model responses, 2 tool results)", seen)
	}
}

// recordHandler keeps every record, at every level.
type recordHandler struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }
func (h *recordHandler) records() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.recs...)
}
