package aigentic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// benchSteps is the number of tool steps per run: 5 tool calls, 6 model calls.
const benchSteps = 5

// loopModel calls the "step" tool until the conversation holds benchSteps
// tool results, then answers. It allocates nothing per call beyond the
// response, and waits latency when set.
type loopModel struct {
	latency time.Duration
	calls   []ai.ToolCall
	final   ai.Response
}

func newLoopModel(latency time.Duration) *loopModel {
	m := &loopModel{latency: latency}
	for i := 0; i < benchSteps; i++ {
		m.calls = append(m.calls, ai.ToolCall{ID: "call_" + strconv.Itoa(i), Name: "step", Arguments: `{"n":` + strconv.Itoa(i) + `}`})
	}
	m.final = ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "done"}, Usage: ai.Usage{InputTokens: 10, OutputTokens: 2}, FinishReason: "stop"}
	return m
}

func (m *loopModel) ModelName() string { return "loop" }

func (m *loopModel) Ping(context.Context) (*ai.PingResult, error) { return &ai.PingResult{}, nil }

func (m *loopModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if m.latency > 0 {
		t := time.NewTimer(m.latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	done := 0
	for i := range req.Messages {
		if req.Messages[i].Role == ai.RoleTool {
			done++
		}
	}
	if done >= benchSteps {
		return &m.final, nil
	}
	return &ai.Response{
		Message:      ai.Message{Role: ai.RoleAssistant, ToolCalls: m.calls[done : done+1]},
		Usage:        ai.Usage{InputTokens: 10, OutputTokens: 2},
		FinishReason: "tool_calls",
	}, nil
}

type stepInput struct {
	N int `json:"n" description:"step number"`
}

func stepFunc(_ context.Context, in stepInput) string { return "step " + strconv.Itoa(in.N) + " ok" }

func benchAgent(m ai.Model) aigentic.Agent {
	return aigentic.Agent{
		Model:       m,
		Name:        "bench",
		MaxLLMCalls: 10,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		AgentTools: []aigentic.AgentTool{aigentic.NewTool("step", "runs one step",
			func(run *aigentic.AgentRun, in stepInput) (string, error) { return stepFunc(run.Context(), in), nil })},
	}
}

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

var handTools = []ai.Tool{{Name: "step", Description: "runs one step", InputSchema: map[string]any{"type": "object"}}}

// handWritten is the loop one would write without a runtime: no
// validation, limits, retries, stats, logs or events.
func handWritten(m ai.Model) error {
	ctx := context.Background()
	msgs := []ai.Message{{Role: ai.RoleUser, Content: "run the steps"}}
	for {
		resp, err := m.Generate(ctx, ai.Request{Messages: msgs, Tools: handTools})
		if err != nil {
			return err
		}
		msgs = append(msgs, resp.Message)
		if len(resp.Message.ToolCalls) == 0 {
			if resp.Message.Content != "done" {
				return fmt.Errorf("answer %q", resp.Message.Content)
			}
			return nil
		}
		for _, tc := range resp.Message.ToolCalls {
			var in stepInput
			if err := json.Unmarshal([]byte(tc.Arguments), &in); err != nil {
				return err
			}
			msgs = append(msgs, ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: stepFunc(ctx, in)})
		}
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

func concurrent(b *testing.B, run func() error) {
	const runs = 2000
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, runs)
		for range runs {
			wg.Go(func() {
				if err := run(); err != nil {
					errs <- err
				}
			})
		}
		// Sample the heap while the runs are in flight.
		time.Sleep(60 * time.Millisecond)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "wall-ms")
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-inuse-MB")
}
