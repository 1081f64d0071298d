package failover_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// Which model answered, through an agent run: the fallback is named in
// the trace file, on the chat span (gen_ai.response.model and
// gen_ai.provider.name), in the runtime's gen_ai.client.operation.duration
// metric, and the moves to it are counted in Stats.Fallbacks and the
// aigentic.decisions metric (action "fallback") — a move past an open
// breaker included. The primary's breaker opens on its first 503.
func TestWhichModelAnsweredIsInTheRunsRecords(t *testing.T) {
	primary := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0))
	// The fallback's responses name no model or provider: the list fills
	// them in from its configuration (and allows them as metric labels).
	fallback := newFake("backup", "small")
	m := mustNew(t, []ai.Model{primary, fallback},
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Hour, HalfOpenProbes: 1}))

	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	t.Cleanup(func() { tp.Shutdown(context.Background()) })
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { mp.Shutdown(context.Background()) })
	tr := aigentic.NewTrace()
	tr.Directory = t.TempDir()
	session := aigentic.NewSession(t.Context())
	defer session.Cancel()
	agent := aigentic.Agent{Model: m, Session: session, Trace: tr, TracerProvider: tp, MeterProvider: mp,
		Logger: slog.New(slog.DiscardHandler)}

	// Run 1: the primary fails (its breaker opens), the fallback answers.
	// Run 2: the primary is skipped, the fallback answers.
	for run := 1; run <= 2; run++ {
		r, err := agent.Start("hello")
		if err != nil {
			t.Fatal(err)
		}
		if answer, err := r.Wait(0); err != nil || answer != "from small" {
			t.Fatalf("run %d: %q, %v", run, answer, err)
		}
		if st := r.Stats(); st.Fallbacks != 1 || st.LLMCalls != 1 || st.Retries != 0 || st.ResponseModel != "small" || st.ResponseProvider != "backup" {
			t.Fatalf("run %d: stats %+v, want one fallback in one model call, no retry, answered by backup/small", run, st)
		}
		body, err := os.ReadFile(r.TraceFilepath())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), "answered by backup/small") {
			t.Errorf("run %d: the trace file does not name the fallback:\n%s", run, body)
		}
	}
	if s := m.Breakers()[0]; s.State != failover.StateOpen || primary.Calls() != 1 {
		t.Fatalf("the primary's breaker %+v, %d calls: want open after one call", s, primary.Calls())
	}

	chats := 0
	for _, s := range sr.Ended() {
		if !strings.HasPrefix(s.Name(), "chat") {
			continue
		}
		chats++
		attrs := map[attribute.Key]string{}
		for _, kv := range s.Attributes() {
			attrs[kv.Key] = kv.Value.String()
		}
		if attrs["gen_ai.response.model"] != "small" || attrs["gen_ai.provider.name"] != "backup" || attrs["gen_ai.request.model"] != "offline" {
			t.Errorf("span %s: response model %q, provider %q, request model %q; want the fallback (backup/small) answering for offline",
				s.Name(), attrs["gen_ai.response.model"], attrs["gen_ai.provider.name"], attrs["gen_ai.request.model"])
		}
	}
	if chats != 2 {
		t.Fatalf("%d chat spans, want 2", chats)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	var answered uint64
	var fallbacks int64
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			switch d := mt.Data.(type) {
			case metricdata.Histogram[float64]:
				if mt.Name != "gen_ai.client.operation.duration" {
					continue
				}
				for _, p := range d.DataPoints {
					model, _ := p.Attributes.Value("gen_ai.response.model")
					provider, _ := p.Attributes.Value("gen_ai.provider.name")
					if model.AsString() == "small" && provider.AsString() == "backup" {
						answered += p.Count
					}
				}
			case metricdata.Sum[int64]:
				if mt.Name != "aigentic.decisions" {
					continue
				}
				for _, p := range d.DataPoints {
					if action, _ := p.Attributes.Value("aigentic.decision.action"); action.AsString() == "fallback" {
						fallbacks += p.Value
					}
				}
			}
		}
	}
	if answered != 2 {
		t.Errorf("gen_ai.client.operation.duration counts %d calls answered by backup/small, want 2: %+v", answered, rm)
	}
	if fallbacks != 2 {
		t.Errorf("aigentic.decisions{aigentic.decision.action=fallback} = %d, want 2 (a failure, then a skip)", fallbacks)
	}
}
