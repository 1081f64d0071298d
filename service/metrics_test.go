package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
)

// clearOTELEnv leaves the OTLP exporters off whatever the developer's
// environment says.
func clearOTELEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT",
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		t.Setenv(v, "")
	}
}

// TestMetricsHandler: newTelemetry names the service in target_info and
// metricsHandler serves the Prometheus text format; a malformed OTEL_*
// variable is an error, not a service running without its telemetry.
func TestMetricsHandler(t *testing.T) {
	clearOTELEnv(t)
	p, err := newTelemetry(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	rec := httptest.NewRecorder()
	metricsHandler(p).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if body := rec.Body.String(); !strings.Contains(body, `target_info{service_name="aigentic-service"`) {
		t.Errorf("no target_info for the service in:\n%s", body)
	}

	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	if _, err := newTelemetry(context.Background()); !errors.Is(err, telemetry.ErrBadEnv) {
		t.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL=grpc: %v, want ErrBadEnv", err)
	}
}
