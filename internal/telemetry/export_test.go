package telemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
)

const secretToken = "sk-otlp-secret-0123456789"

// emit records a small agent run's telemetry: an invoke_agent span with a
// failing chat child, and a run counter and a token histogram.
func emit(t *testing.T, p *telemetry.Providers) {
	t.Helper()
	ctx := context.Background()
	tracer := p.TracerProvider.Tracer("github.com/nexxia-ai/aigentic-examples/aigentic")
	ctx, run := tracer.Start(ctx, "invoke_agent support", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "invoke_agent"),
		attribute.String("gen_ai.agent.name", "support"),
	))
	_, chat := tracer.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.Int("gen_ai.usage.input_tokens", 42),
	))
	chat.SetAttributes(attribute.String("error.type", "429"))
	chat.SetStatus(codes.Error, "rate limited")
	chat.End()
	run.End()

	meter := p.MeterProvider.Meter("github.com/nexxia-ai/aigentic-examples/aigentic")
	runs, err := meter.Int64Counter("aigentic.runs", metric.WithUnit("{run}"))
	if err != nil {
		t.Fatal(err)
	}
	runs.Add(ctx, 2, metric.WithAttributes(attribute.String("outcome", "ok")))
	runs.Add(ctx, 1, metric.WithAttributes(attribute.String("outcome", "model_error")))
	tokens, err := meter.Int64Histogram("gen_ai.client.token.usage", metric.WithUnit("{token}"))
	if err != nil {
		t.Fatal(err)
	}
	tokens.Record(ctx, 42, metric.WithAttributes(attribute.String("gen_ai.token.type", "input")))
	tokens.Record(ctx, 8, metric.WithAttributes(attribute.String("gen_ai.token.type", "output")))
}

// TestOTLPExportOverHTTP: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans and
// metrics reach an OTLP/HTTP receiver, with the resource from
// OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES and the headers from
// OTEL_EXPORTER_OTLP_HEADERS, gzip-compressed; Shutdown flushes what the
// batch processor and the periodic reader were still holding (their
// intervals here are an hour).
func TestOTLPExportOverHTTP(t *testing.T) {
	rx := newOTLPReceiver(t)
	p := newProviders(t,
		"OTEL_EXPORTER_OTLP_ENDPOINT", rx.URL,
		"OTEL_SERVICE_NAME", "checkout-agent",
		"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test,service.name=overridden",
		"OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20"+secretToken,
		"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
		"OTEL_METRIC_EXPORT_INTERVAL", "3600000",
		"OTEL_BSP_SCHEDULE_DELAY", "3600000",
	)
	if !p.ExportsTraces || !p.ExportsMetrics {
		t.Fatalf("ExportsTraces=%v ExportsMetrics=%v, want both", p.ExportsTraces, p.ExportsMetrics)
	}
	emit(t, p)
	if n := len(rx.spans()); n != 0 {
		t.Fatalf("%d spans exported before Shutdown; the test needs them held in the batch", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if len(rx.bad) > 0 {
		t.Fatalf("receiver rejected: %v", rx.bad)
	}

	spans := map[string]bool{}
	var chatParent, runID []byte
	for _, s := range rx.spans() {
		spans[s.GetName()] = true
		switch s.GetName() {
		case "invoke_agent support":
			runID = s.GetSpanId()
			if got := attrValue(s.GetAttributes(), "gen_ai.agent.name"); got != "support" {
				t.Errorf("gen_ai.agent.name = %q", got)
			}
		case "chat gpt-4o-mini":
			chatParent = s.GetParentSpanId()
			if got := attrValue(s.GetAttributes(), "gen_ai.usage.input_tokens"); got != "42" {
				t.Errorf("gen_ai.usage.input_tokens = %q", got)
			}
			if got := attrValue(s.GetAttributes(), "error.type"); got != "429" {
				t.Errorf("error.type = %q", got)
			}
			if s.GetStatus().GetCode().String() != "STATUS_CODE_ERROR" || s.GetKind().String() != "SPAN_KIND_CLIENT" {
				t.Errorf("chat span status %v kind %v", s.GetStatus().GetCode(), s.GetKind())
			}
		}
	}
	if !spans["invoke_agent support"] || !spans["chat gpt-4o-mini"] {
		t.Fatalf("spans received: %v", spans)
	}
	if string(chatParent) != string(runID) {
		t.Errorf("chat span's parent %x, want the invoke_agent span %x", chatParent, runID)
	}
	// OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES (spec).
	if got := rx.resourceAttr("service.name"); got != "checkout-agent" {
		t.Errorf("service.name = %q", got)
	}
	if got := rx.resourceAttr("deployment.environment.name"); got != "test" {
		t.Errorf("deployment.environment.name = %q", got)
	}
	for _, h := range rx.headers {
		if h.Get("Authorization") != "Bearer "+secretToken || h.Get("Content-Encoding") != "gzip" {
			t.Errorf("request headers Authorization %q Content-Encoding %q", h.Get("Authorization"), h.Get("Content-Encoding"))
		}
	}

	got := rx.metricsByName()
	runs := got["aigentic.runs"]
	if runs == nil {
		t.Fatalf("metrics received: %v", got)
	}
	byOutcome := map[string]int64{}
	for _, dp := range runs.GetSum().GetDataPoints() {
		byOutcome[attrValue(dp.GetAttributes(), "outcome")] = dp.GetAsInt()
	}
	if byOutcome["ok"] != 2 || byOutcome["model_error"] != 1 || runs.GetUnit() != "{run}" || !runs.GetSum().GetIsMonotonic() {
		t.Errorf("aigentic.runs: %v unit %q", byOutcome, runs.GetUnit())
	}
	tokens := got["gen_ai.client.token.usage"]
	var sum float64
	var count uint64
	for _, dp := range tokens.GetHistogram().GetDataPoints() {
		sum += dp.GetSum()
		count += dp.GetCount()
		if b := dp.GetExplicitBounds(); len(b) != len(telemetry.TokenBuckets) || b[len(b)-1] != 67108864 {
			t.Errorf("token histogram bounds %v, want TokenBuckets", b)
		}
	}
	if sum != 50 || count != 2 {
		t.Errorf("gen_ai.client.token.usage sum %v count %v, want 50 and 2", sum, count)
	}
}

// TestOTLPSignalEndpointsAndSelectors: the per-signal endpoint turns on
// only its signal; OTEL_TRACES_EXPORTER=none turns traces off; with no
// endpoint nothing is exported and the tracer does not record.
func TestOTLPSignalEndpointsAndSelectors(t *testing.T) {
	t.Run("traces endpoint only", func(t *testing.T) {
		rx := newOTLPReceiver(t)
		p := newProviders(t, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", rx.URL+"/v1/traces")
		emit(t, p)
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !p.ExportsTraces || p.ExportsMetrics || len(rx.spans()) != 2 || len(rx.metricsByName()) != 0 {
			t.Errorf("ExportsTraces=%v ExportsMetrics=%v spans=%d metrics=%d",
				p.ExportsTraces, p.ExportsMetrics, len(rx.spans()), len(rx.metricsByName()))
		}
	})
	t.Run("traces exporter none", func(t *testing.T) {
		rx := newOTLPReceiver(t)
		p := newProviders(t, "OTEL_EXPORTER_OTLP_ENDPOINT", rx.URL, "OTEL_TRACES_EXPORTER", "none")
		emit(t, p)
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if p.ExportsTraces || !p.ExportsMetrics || len(rx.spans()) != 0 || rx.metricsByName()["aigentic.runs"] == nil {
			t.Errorf("ExportsTraces=%v ExportsMetrics=%v spans=%d metrics=%v",
				p.ExportsTraces, p.ExportsMetrics, len(rx.spans()), rx.metricsByName())
		}
	})
	t.Run("no endpoint", func(t *testing.T) {
		p := newProviders(t)
		_, span := p.TracerProvider.Tracer("x").Start(context.Background(), "invoke_agent x")
		defer span.End()
		if p.ExportsTraces || p.ExportsMetrics || span.IsRecording() {
			t.Errorf("ExportsTraces=%v ExportsMetrics=%v recording=%v", p.ExportsTraces, p.ExportsMetrics, span.IsRecording())
		}
		emit(t, p)
		if !strings.Contains(scrape(t, p.MetricsHandler()), `aigentic_runs_total{`) {
			t.Error("metrics not on /metrics without OTLP")
		}
	})
}

// TestBadEnvIsAClearError: each malformed variable is an error wrapping
// ErrBadEnv that names the variable and never shows a secret.
func TestBadEnvIsAClearError(t *testing.T) {
	cases := []struct{ name, value string }{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:4318"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector:4318"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:" + secretToken + "@"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://%zz"},
		{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
		{"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json"},
		{"OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"},
		{"OTEL_EXPORTER_OTLP_TIMEOUT", "10s"},
		{"OTEL_EXPORTER_OTLP_INSECURE", "maybe"},
		{"OTEL_EXPORTER_OTLP_HEADERS", "authorization Bearer " + secretToken},
		{"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "authorization=" + secretToken + "%zz"},
		{"OTEL_METRIC_EXPORT_INTERVAL", "-1"},
		{"OTEL_TRACES_EXPORTER", "zipkin"},
		{"OTEL_METRICS_EXPORTER", "otlp,statsd"},
		{"OTEL_RESOURCE_ATTRIBUTES", "team"},
	}
	for _, c := range cases {
		t.Run(c.name+"="+strings.ReplaceAll(c.value, secretToken, "SECRET"), func(t *testing.T) {
			clearOTELEnv(t)
			t.Setenv(c.name, c.value)
			p, err := telemetry.New(context.Background())
			if err == nil {
				_ = p.Shutdown(context.Background())
				t.Fatal("New accepted it")
			}
			if !errors.Is(err, telemetry.ErrBadEnv) {
				t.Errorf("error %v does not wrap ErrBadEnv", err)
			}
			if !strings.Contains(err.Error(), c.name) && c.name != "OTEL_RESOURCE_ATTRIBUTES" {
				t.Errorf("error %q does not name %s", err, c.name)
			}
			if strings.Contains(err.Error(), secretToken) {
				t.Errorf("error shows the secret: %q", err)
			}
		})
	}
}
