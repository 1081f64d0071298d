package main

import (
	"context"
	"net/http"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
)

// serviceName is the service.name reported when neither OTEL_SERVICE_NAME
// nor OTEL_RESOURCE_ATTRIBUTES names the service: Prometheus'
// target_info{service_name} and every exported span and metric carry it.
const serviceName = "aigentic-service"

// newTelemetry builds the process's OpenTelemetry providers from the
// OTEL_* environment (internal/telemetry: OTLP/HTTP export only when
// OTEL_EXPORTER_OTLP_ENDPOINT or a signal's own endpoint is set; a
// malformed variable is an error wrapping telemetry.ErrBadEnv). The
// tenants' agents record into them (tenantAgent), GET /metrics serves them
// (metricsHandler) and serve flushes them at exit (shutdownTelemetry).
func newTelemetry(ctx context.Context) (*telemetry.Providers, error) {
	return telemetry.New(ctx, telemetry.WithServiceName(serviceName))
}

// metricsHandler serves GET /metrics: the runtime's metrics in the
// Prometheus text format (names in deploy/prometheus/README.md, alert
// rules in deploy/prometheus/aigentic-rules.yml), with the Go runtime and
// process collectors, from p's own registry.
func metricsHandler(p *telemetry.Providers) http.Handler {
	return p.MetricsHandler()
}

// shutdownTelemetry flushes and stops the providers (the last spans and
// metrics go out when OTLP export is on), waiting at most 10 s.
func (s *service) shutdownTelemetry() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.telemetry.Shutdown(ctx); err != nil {
		s.logger.Warn("telemetry shutdown incomplete", "error", err)
	}
}
