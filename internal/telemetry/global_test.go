package telemetry_test

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// TestInstallGlobal: after InstallGlobal, instruments made from the global
// meter provider (what aigentic uses when Agent.MeterProvider is nil)
// reach /metrics, and the W3C propagators are set.
func TestInstallGlobal(t *testing.T) {
	p := newProviders(t)
	p.InstallGlobal()
	c, err := otel.GetMeterProvider().Meter("global-test").Int64Counter("aigentic.runs", metric.WithUnit("{run}"))
	if err != nil {
		t.Fatal(err)
	}
	c.Add(context.Background(), 1)
	if !strings.Contains(scrape(t, p.MetricsHandler()), `aigentic_runs_total{otel_scope_name="global-test"`) {
		t.Error("a counter of the global meter provider is not on /metrics")
	}
	fields := otel.GetTextMapPropagator().Fields()
	if !strings.Contains(strings.Join(fields, ","), "traceparent") || !strings.Contains(strings.Join(fields, ","), "baggage") {
		t.Errorf("propagator fields %v, want traceparent and baggage", fields)
	}
}

// TestForceFlushExportsWithoutStopping: ForceFlush sends what the batch
// processor and the periodic reader hold (intervals of an hour here), and
// the providers keep working after it.
func TestForceFlushExportsWithoutStopping(t *testing.T) {
	rx := newOTLPReceiver(t)
	p := newProviders(t,
		"OTEL_EXPORTER_OTLP_ENDPOINT", rx.URL,
		"OTEL_METRIC_EXPORT_INTERVAL", "3600000",
		"OTEL_BSP_SCHEDULE_DELAY", "3600000",
	)
	emit(t, p)
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rx.spans()); n != 2 || rx.metricsByName()["aigentic.runs"] == nil {
		t.Fatalf("after ForceFlush: %d spans, metrics %v", n, rx.metricsByName())
	}
	_, span := p.TracerProvider.Tracer("x").Start(context.Background(), "after flush")
	if !span.IsRecording() {
		t.Error("tracer stopped recording after ForceFlush")
	}
	span.End()
}
