package telemetry_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
)

// A service builds the providers once, mounts /metrics, hands the providers
// to its agents (aigentic.Agent{MeterProvider: p.MeterProvider,
// TracerProvider: p.TracerProvider, ...}) and shuts them down at exit.
// Here a counter stands in for the runtime's aigentic.runs.
func ExampleNew() {
	ctx := context.Background()
	p, err := telemetry.New(ctx, telemetry.WithServiceName("example-service"))
	if err != nil {
		fmt.Println(err) // e.g. telemetry: bad OTEL_* environment variable: OTEL_EXPORTER_OTLP_PROTOCOL="grpc": ...
		return
	}
	defer p.Shutdown(ctx) // flushes the last spans and metrics when OTLP export is on

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", p.MetricsHandler())

	runs, _ := p.MeterProvider.Meter("example").Int64Counter("aigentic.runs", metric.WithUnit("{run}"))
	runs.Add(ctx, 1, metric.WithAttributes(attribute.String("outcome", "ok")))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if strings.HasPrefix(line, "aigentic_runs_total") {
			fmt.Print(line)
		}
	}
	// Output:
	// aigentic_runs_total{otel_scope_name="example",otel_scope_schema_url="",otel_scope_version="",outcome="ok"} 1
}
