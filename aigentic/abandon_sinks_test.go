package aigentic_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// An abandoned call is reported where an operator looks, beyond the error,
// the event and Stats (TestStopNeverWaitsOnAStuckTool): the trace file
// has its line, the execute_tool span an aigentic.tool.abandoned event
// with the reason and the grace, and the aigentic.tool.abandoned counter
// counts it under its reason. The tool is released at the end and goleak
// (TestMain) checks nothing outlives its return.
func TestAbandonedCallReachesTraceSpanAndCounter(t *testing.T) {
	stuck := newStuckTool()
	defer stuck.finish(t)
	trace := newTestTrace(t)
	tp, spans := spanRecorder(t)
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(context.Background()) }()

	model := aitest.NewScripted(aitest.CallTools(aitest.Call("stuck", `{}`)), aitest.Reply("never"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Trace: trace, TracerProvider: tp, MeterProvider: mp,
		StopGrace: 10 * time.Millisecond, AgentTools: []aigentic.AgentTool{stuck.tool("stuck")}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() {
		<-stuck.started
		run.Cancel()
		_, err = run.Wait(0)
	})
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || len(se.Abandoned) != 1 {
		t.Fatalf("err = %v", err)
	}

	b, rerr := os.ReadFile(run.TraceFilepath())
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.Contains(string(b), "--- tool call stuck ("+se.Abandoned[0].ID+") abandoned (stopped): it did not return within 10ms") {
		t.Fatalf("the trace has no abandon line:\n%s", b)
	}

	var event bool
	for _, sp := range spans.Ended() {
		if sp.Name() != "execute_tool stuck" {
			continue
		}
		for _, ev := range sp.Events() {
			set := attribute.NewSet(ev.Attributes...)
			reason, _ := set.Value("aigentic.tool.abandon_reason")
			grace, _ := set.Value("aigentic.tool.stop_grace")
			event = event || ev.Name == "aigentic.tool.abandoned" && reason.AsString() == "stopped" && grace.AsFloat64() == 0.01
		}
	}
	if !event {
		var names []string
		for _, sp := range spans.Ended() {
			names = append(names, sp.Name())
		}
		t.Fatalf("no aigentic.tool.abandoned event on the tool's span; spans %q", names)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var counted int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "aigentic.tool.abandoned" {
				for _, dp := range sum.DataPoints {
					if v, _ := dp.Attributes.Value("aigentic.tool.abandon_reason"); v.AsString() == "stopped" {
						counted += dp.Value
					}
				}
			}
		}
	}
	if counted != 1 {
		t.Fatalf("aigentic.tool.abandoned{reason=stopped} = %d, want 1", counted)
	}
}

// In a parallel turn too, a stop never waits on a tool that ignores its
// context: the run returns while the stuck call still runs, the call that
// honoured its context is not abandoned, the stuck one is, and no result
// of the turn reaches the transcript.
func TestStopInAParallelTurnNeverWaitsOnAStuckTool(t *testing.T) {
	stuck := newStuckTool()
	defer stuck.finish(t)
	polite := aigentic.AgentTool{Name: "polite", Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		<-run.Context().Done()
		return nil, run.Context().Err()
	}}
	quick := aigentic.AgentTool{Name: "quick", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		return ai.Text("done quickly"), nil
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("polite", `{}`), aitest.Call("quick", `{}`), aitest.Call("stuck", `{}`)), aitest.Reply("never"))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), ParallelToolCalls: 3, StopGrace: 10 * time.Millisecond,
		AgentTools: []aigentic.AgentTool{polite, quick, stuck.tool("stuck")}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() {
		<-stuck.started
		run.Cancel()
		_, err = run.Wait(0)
	})
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) || len(se.Abandoned) != 1 || se.Abandoned[0].Name != "stuck" {
		t.Fatalf("err = %v", err)
	}
	// The stop names the calls it cut short, not the one that noticed it
	// first, nor the one that had answered.
	if se.During != `tools "polite", "stuck"` {
		t.Errorf("During = %q, want the two calls the stop cut short", se.During)
	}
	select {
	case <-stuck.returned:
		t.Fatal("the run waited for the stuck tool")
	default:
	}
	if st := run.Stats(); st.ToolsAbandoned != 1 {
		t.Fatalf("stats %+v", st)
	}
	// The call that answered keeps its result, as it would one at a time;
	// the others have none.
	var results []string
	for _, m := range run.Messages() {
		if m.Role == ai.RoleTool {
			results = append(results, m.Name+": "+m.Content)
		}
	}
	if len(results) != 1 || results[0] != "quick: done quickly" {
		t.Fatalf("tool results in the transcript: %q, want only quick's", results)
	}
}
