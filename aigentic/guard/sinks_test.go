package guard_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// A guard's decisions reach the run's log (Warn for a trip), its trace
// file, its events, an aigentic.decision span event with the guard, the
// step, the action and the reason, and the aigentic.decisions counter by
// action — and none of them quotes the card number.
func TestDecisionsReachLogTraceSpanMetricAndEvents(t *testing.T) {
	var log strings.Builder
	trace := aigentic.NewTrace()
	trace.Directory = t.TempDir()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	}()
	a := agent(aitest.NewScripted(aitest.Reply("ok")), &guard.Guards{Input: []guard.Guard{guard.CreditCards()}}, &decisions{})
	a.Logger, a.Trace, a.TracerProvider, a.MeterProvider = slog.New(slog.NewTextHandler(&log, nil)), trace, tp, mp
	run, err := a.Start("card " + card)
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for ev := range run.Next() {
		if d, ok := ev.(*aigentic.DecisionEvent); ok {
			events = append(events, d.By+" "+d.Action+" "+d.Step)
		}
	}
	_, err = run.Wait(0)
	requireTrip(t, err, "credit_card", "input")
	if strings.Join(events, ",") != "credit_card trip input" {
		t.Fatalf("events %q", events)
	}
	mustContain(t, "log", log.String(), `level=WARN msg="interceptor decision" by=credit_card step=input action=trip`)
	b, err := os.ReadFile(run.TraceFilepath())
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "trace", string(b), "--- credit_card: trip on input: a payment card number")

	var spanText strings.Builder
	found := false
	for _, sp := range spans.Ended() {
		for _, ev := range sp.Events() {
			fmt.Fprintf(&spanText, "%s: %s %v\n", sp.Name(), ev.Name, ev.Attributes)
			set := attribute.NewSet(ev.Attributes...)
			by, _ := set.Value("aigentic.decision.by")
			step, _ := set.Value("aigentic.decision.step")
			action, _ := set.Value("aigentic.decision.action")
			reason, _ := set.Value("aigentic.decision.reason")
			found = found || ev.Name == "aigentic.decision" && by.AsString() == "credit_card" && step.AsString() == "input" &&
				action.AsString() == "trip" && strings.HasPrefix(reason.AsString(), "a payment card number")
		}
	}
	if !found {
		t.Fatalf("no aigentic.decision span event for the trip:\n%s", spanText.String())
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var trips int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "aigentic.decisions" {
				for _, dp := range sum.DataPoints {
					if v, _ := dp.Attributes.Value("aigentic.decision.action"); v.AsString() == "trip" {
						trips += dp.Value
					}
				}
			}
		}
	}
	if trips != 1 {
		t.Fatalf("aigentic.decisions{action=trip} = %d, want 1", trips)
	}
	if strings.Contains(log.String()+string(b)+spanText.String(), "1111 1111") {
		t.Fatal("the card number reached the log, the trace or a span")
	}
}
