package runtest

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

// The benchmark scenario of the runtime's packages: one run is 6 model
// calls and 5 tool calls on a zero-latency model (or one with latency).

// BenchSteps is the number of tool steps per run: 5 tool calls, 6 model calls.
const BenchSteps = 5

// LoopModel calls the "step" tool until the conversation holds BenchSteps
// tool results, then answers. It allocates nothing per call beyond the
// response, and waits latency when set.
type LoopModel struct {
	latency time.Duration
	calls   []ai.ToolCall
	final   ai.Response
}

// NewLoopModel returns the scenario's model, waiting latency per call.
func NewLoopModel(latency time.Duration) *LoopModel {
	m := &LoopModel{latency: latency}
	for i := 0; i < BenchSteps; i++ {
		m.calls = append(m.calls, ai.ToolCall{ID: "call_" + strconv.Itoa(i), Name: "step", Arguments: `{"n":` + strconv.Itoa(i) + `}`})
	}
	m.final = ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "done"}, Usage: ai.Usage{InputTokens: 10, OutputTokens: 2}, FinishReason: "stop"}
	return m
}

// ModelName implements ai.Model.
func (m *LoopModel) ModelName() string { return "loop" }

// Ping implements ai.Model.
func (m *LoopModel) Ping(context.Context) (*ai.PingResult, error) { return &ai.PingResult{}, nil }

// Generate implements ai.Model.
func (m *LoopModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
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
	if done >= BenchSteps {
		return &m.final, nil
	}
	return &ai.Response{
		Message:      ai.Message{Role: ai.RoleAssistant, ToolCalls: m.calls[done : done+1]},
		Usage:        ai.Usage{InputTokens: 10, OutputTokens: 2},
		FinishReason: "tool_calls",
	}, nil
}

// StepInput is the step tool's input.
type StepInput struct {
	N int `json:"n" description:"step number"`
}

// StepFunc is the step tool.
func StepFunc(_ context.Context, in StepInput) string { return "step " + strconv.Itoa(in.N) + " ok" }

// BenchAgent is the scenario's agent on m: the step tool, Info logs to
// a discarding handler.
func BenchAgent(m ai.Model) aigentic.Agent {
	return aigentic.Agent{
		Model:       m,
		Name:        "bench",
		MaxLLMCalls: 10,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		AgentTools: []aigentic.AgentTool{aigentic.NewTool("step", "runs one step",
			func(run *aigentic.AgentRun, in StepInput) (string, error) { return StepFunc(run.Context(), in), nil })},
	}
}

// HandTools are the tools the hand-written loop offers.
var HandTools = []ai.Tool{{Name: "step", Description: "runs one step", InputSchema: map[string]any{"type": "object"}}}

// HandWritten is the loop one would write without a runtime: no
// validation, limits, retries, stats, logs or events.
func HandWritten(m ai.Model) error {
	ctx := context.Background()
	msgs := []ai.Message{{Role: ai.RoleUser, Content: "run the steps"}}
	for {
		resp, err := m.Generate(ctx, ai.Request{Messages: msgs, Tools: HandTools})
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
			var in StepInput
			if err := json.Unmarshal([]byte(tc.Arguments), &in); err != nil {
				return err
			}
			msgs = append(msgs, ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: StepFunc(ctx, in)})
		}
	}
}

// Concurrent starts 2,000 runs of run at once per b.Loop iteration; it
// reports wall-ms (the real time of the last batch) and heap-inuse-MB (the
// heap in use while the runs are in flight).
func Concurrent(b *testing.B, run func() error) {
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
