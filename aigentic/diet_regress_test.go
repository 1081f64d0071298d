package aigentic_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

type debugKey struct{}

// debugByContext writes Debug records only for a context carrying
// debugKey: a per-request debug switch.
type debugByContext struct{ h *recordHandler }

func (d debugByContext) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || ctx.Value(debugKey{}) != nil
}
func (d debugByContext) Handle(ctx context.Context, r slog.Record) error { return d.h.Handle(ctx, r) }
func (d debugByContext) WithAttrs([]slog.Attr) slog.Handler              { return d }
func (d debugByContext) WithGroup(string) slog.Handler                   { return d }

// TestDebugByTheCallersContext: a handler whose Debug depends on the
// context (log/slog's Handler.Enabled takes one) gets ExecuteContext's:
// the run's Debug records are written for a request that asked for them.
func TestDebugByTheCallersContext(t *testing.T) {
	h := &recordHandler{}
	agent := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("hi")), Logger: slog.New(debugByContext{h}), LogLevel: slog.LevelDebug}
	if _, err := agent.ExecuteContext(context.WithValue(context.Background(), debugKey{}, true), "x"); err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, r := range h.records() {
		seen = seen || r.Message == "model request"
	}
	if !seen {
		t.Error(`no "model request" record: the handler's Enabled did not get the caller's context`)
	}
}

// TestRunKeepsTheToolsItStartedWith: a run copies the Agent, tools
// included: the caller reusing its AgentTools slice after Start returned
// does not change what the run executes.
func TestRunKeepsTheToolsItStartedWith(t *testing.T) {
	var ranA, ranB atomic.Bool
	tools := []aigentic.AgentTool{aigentic.NewTool("t", "a", func(*aigentic.AgentRun, struct{}) (string, error) { ranA.Store(true); return "A", nil })}
	gate := make(chan struct{})
	agent := aigentic.Agent{Model: gated{aitest.NewScripted(aitest.CallTools(aitest.Call("t", `{}`)), aitest.Reply("ok")), gate},
		AgentTools: tools, Logger: discardLogger()}
	run, err := agent.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	tools[0] = aigentic.NewTool("t", "b", func(*aigentic.AgentRun, struct{}) (string, error) { ranB.Store(true); return "B", nil })
	close(gate)
	for range run.Next() {
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if ranB.Load() || !ranA.Load() {
		t.Errorf("ran A: %v, ran B: %v; want the tool the run started with (A)", ranA.Load(), ranB.Load())
	}
}

type gated struct {
	*aitest.Scripted
	gate chan struct{}
}

func (g gated) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	<-g.gate
	return g.Scripted.Generate(ctx, req)
}
