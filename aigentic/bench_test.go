package aigentic_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// BenchmarkAgentRun is one run of the runtime: 6 model calls, 5 tool calls,
// schema validation, stats, logging at Info into a discarding handler.
func BenchmarkAgentRun(b *testing.B) {
	agent := benchAgent(newLoopModel(0))
	b.ReportAllocs()
	for b.Loop() {
		out, err := agent.Execute("run the steps")
		if err != nil || out != "done" {
			b.Fatal(out, err)
		}
	}
}

// BenchmarkAgentRunWarnLog is BenchmarkAgentRun with the logger at Warn:
// the run's one Info record ("run finished") is not written, so the
// difference between the two is what that record costs in slog's
// TextHandler, and this one is the runtime's own share.
func BenchmarkAgentRunWarnLog(b *testing.B) {
	agent := benchAgent(newLoopModel(0))
	agent.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b.ReportAllocs()
	for b.Loop() {
		out, err := agent.Execute("run the steps")
		if err != nil || out != "done" {
			b.Fatal(out, err)
		}
	}
}

// BenchmarkHandWrittenLoop is the baseline: the same conversation with the
// same model and tool, written as the plain loop one would write without a
// runtime (no validation, limits, retries, stats, logs or events).
func BenchmarkHandWrittenLoop(b *testing.B) {
	m := newLoopModel(0)
	b.ReportAllocs()
	for b.Loop() {
		if err := handWritten(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandWrittenLoopLogged is the hand-written loop that also writes
// one slog record per run, with the fields of the runtime's "run finished"
// record, to the same discarding TextHandler: the baseline for
// BenchmarkAgentRun's logging at Info.
func BenchmarkHandWrittenLoopLogged(b *testing.B) {
	m := newLoopModel(0)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil)).With("agent", "bench", "session", "s_0123456789ab", "run", "r_0123456789ab")
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := handWritten(m); err != nil {
			b.Fatal(err)
		}
		logger.LogAttrs(context.Background(), slog.LevelInfo, "run finished", slog.String("model", "loop"), slog.Duration("duration", time.Since(start)),
			slog.Int("llm_calls", 6), slog.Int("tool_calls", 5), slog.Int("tokens_in", 0), slog.Int("tokens_out", 0))
	}
}

// BenchmarkConcurrentRuns starts 2,000 runs at once on a model with 20 ms of
// latency per call. The floor is 6 × 20 ms = 120 ms per op; wall-ms reports
// the real time of the last op and heap-inuse-MB the heap in use while the
// runs are in flight. BenchmarkConcurrentHandWritten is the same load
// through the hand-written loop, to tell the runtime's share from the
// scheduler's and the timers'.
func BenchmarkConcurrentRuns(b *testing.B) {
	agent := benchAgent(newLoopModel(20 * time.Millisecond))
	concurrent(b, func() error {
		_, err := agent.Execute("run the steps")
		return err
	})
}

func BenchmarkConcurrentHandWritten(b *testing.B) {
	m := newLoopModel(20 * time.Millisecond)
	concurrent(b, func() error { return handWritten(m) })
}

// BenchmarkParallelTools is one turn of three tools that each take 50 ms
// (a sleep that honours the context), with ParallelToolCalls 3: about
// 50 ms per run, not 150. BenchmarkSequentialTools is the same turn one
// call at a time.
func BenchmarkParallelTools(b *testing.B)   { benchThreeTools(b, 3) }
func BenchmarkSequentialTools(b *testing.B) { benchThreeTools(b, 0) }

func benchThreeTools(b *testing.B, parallel int) {
	slow := aigentic.AgentTool{Name: "lookup", Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		t := time.NewTimer(50 * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
			return ai.Text("found"), nil
		case <-run.Context().Done():
			return nil, run.Context().Err()
		}
	}}
	calls := []ai.ToolCall{{ID: "a", Name: "lookup", Arguments: `{}`}, {ID: "b", Name: "lookup", Arguments: `{}`}, {ID: "c", Name: "lookup", Arguments: `{}`}}
	b.ReportAllocs()
	for b.Loop() {
		model := aitest.NewScripted(aitest.CallTools(calls...), aitest.Reply("done"))
		agent := aigentic.Agent{Model: model, Logger: discardLogger(), ParallelToolCalls: parallel, AgentTools: []aigentic.AgentTool{slow}}
		start := time.Now()
		if _, err := agent.Execute("look up three things"); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/turn")
	}
}
