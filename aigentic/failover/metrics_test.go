package failover_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

// collect reads the metrics of reader as "name{model,state}" → value.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			var points []metricdata.DataPoint[int64]
			switch d := mt.Data.(type) {
			case metricdata.Gauge[int64]:
				points = d.DataPoints
			case metricdata.Sum[int64]:
				if !d.IsMonotonic {
					t.Errorf("%s is not monotonic", mt.Name)
				}
				points = d.DataPoints
			default:
				t.Fatalf("%s: unexpected data %T", mt.Name, mt.Data)
			}
			for _, p := range points {
				keys := slices.Sorted(maps.Keys(attrMap(p.Attributes)))
				if strings.Join(keys, ",") != "gen_ai.provider.name,gen_ai.request.model,state" {
					t.Errorf("%s has the attributes %v: want exactly provider, model and state", mt.Name, keys)
				}
				a := attrMap(p.Attributes)
				out[mt.Name+"{"+a["gen_ai.provider.name"]+"/"+a["gen_ai.request.model"]+","+a["state"]+"}"] = p.Value
			}
		}
	}
	return out
}

func attrMap(s attribute.Set) map[string]string {
	m := map[string]string{}
	for _, kv := range s.ToSlice() {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

// want checks some series of got.
func want(t *testing.T, got map[string]int64, series map[string]int64) {
	t.Helper()
	for k, v := range series {
		if got[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
}

const (
	state       = failover.MetricState
	transitions = failover.MetricTransitions
)

// The state gauge and the transitions counter follow the breaker through
// closed → open → half_open → closed, with bounded labels.
func TestMetricsFollowTheBreaker(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { mp.Shutdown(t.Context()) })
	clock := newClock()
	var rec recorder
	m, _, _ := openPrimary(t, clock, &rec, failover.WithMeterProvider(mp))

	got := collect(t, reader)
	want(t, got, map[string]int64{
		state + "{a/a,open}": 1, state + "{a/a,closed}": 0, state + "{a/a,half_open}": 0,
		state + "{b/b,closed}": 1, state + "{b/b,open}": 0,
		transitions + "{a/a,open}": 1,
	})
	if len(got) != 7 { // 2 models × 3 states + 1 transition
		t.Errorf("%d series, want 7: %v", len(got), got)
	}

	// The open period ends: the gauge shows what the next call meets.
	clock.Advance(time.Minute)
	want(t, collect(t, reader), map[string]int64{
		state + "{a/a,half_open}": 1, state + "{a/a,open}": 0, transitions + "{a/a,half_open}": 1,
	})
	mustAnswer(t, m, "a")
	want(t, collect(t, reader), map[string]int64{
		state + "{a/a,closed}": 1, state + "{a/a,half_open}": 0,
		transitions + "{a/a,open}": 1, transitions + "{a/a,half_open}": 1, transitions + "{a/a,closed}": 1,
	})

	// Close unregisters the gauge; the counter stays.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for k := range collect(t, reader) {
		if strings.HasPrefix(k, state+"{") {
			t.Fatalf("the gauge is still reported after Close: %s", k)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// The names the doc comment promises in Prometheus, through the
// OpenTelemetry Prometheus exporter.
func TestPrometheusNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	t.Cleanup(func() { mp.Shutdown(t.Context()) })
	m := mustNew(t, []ai.Model{newFake("openai", "gpt-4o", status(503)), newFake("b", "b")}, failover.WithMeterProvider(mp),
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Minute, HalfOpenProbes: 1}))
	mustAnswer(t, m, "b")
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, f := range families {
		for _, mt := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range mt.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["gen_ai_request_model"] == "gpt-4o" && labels["state"] == "open" {
				found[f.GetName()] = labels["gen_ai_provider_name"]
			}
		}
	}
	if found["aigentic_circuit_breaker_state"] != "openai" || found["aigentic_circuit_breaker_transitions_total"] != "openai" {
		t.Fatalf("Prometheus families with the open gpt-4o series: %v", found)
	}
}
