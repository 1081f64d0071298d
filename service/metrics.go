package main

import (
	"context"
	"net/http"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
)

// serviceName is the service.name reported when neither OTEL_SERVICE_NAME
// nor OTEL_RESOURCE_ATTRIBUTES names the service: Prometheus'
// target_info{service_name} and every exported span and metric carry it.
const serviceName = "aigentic-service"

// meterName is the instrumentation scope of the service's own metrics.
const meterName = "github.com/nexxia-ai/aigentic-examples/service"

// newTelemetry builds the process's OpenTelemetry providers from the
// OTEL_* environment (internal/telemetry: OTLP/HTTP export only when
// OTEL_EXPORTER_OTLP_ENDPOINT or a signal's own endpoint is set; a
// malformed variable is an error wrapping telemetry.ErrBadEnv). The
// tenants' agents record into them (tenantAgent), GET /metrics serves them
// (metricsHandler) and serve flushes them at exit (shutdownTelemetry).
//
// Label values: the "tenant" attribute is kept only for the configured
// tenants (an AttributeLimit), and internal/telemetry's default limits
// bound what a model's server chooses (gen_ai.response.model and
// others), so no request and no provider can add series without bound.
func newTelemetry(ctx context.Context, tenants ...string) (*telemetry.Providers, error) {
	return telemetry.New(ctx, telemetry.WithServiceName(serviceName),
		telemetry.WithAttributeLimits(telemetry.AttributeLimit{Key: "tenant", Allowed: tenants}))
}

// serviceMetrics are the service's own instruments:
//
//	aigentic.service.requests.refused  counter {request}  reason, tenant, http.route, http.response.status_code
//	aigentic.service.job.wait.duration histogram s        tenant: how long each job attempt waited in its
//	                                                      queue (River's attempted_at − scheduled_at)
type serviceMetrics struct {
	refused metric.Int64Counter
	jobWait metric.Float64Histogram
}

// newServiceMetrics makes the instruments on mp. An instrument the
// provider refuses is reported to otel.Handle and left a no-op.
func newServiceMetrics(mp metric.MeterProvider) *serviceMetrics {
	m := mp.Meter(meterName)
	var sm serviceMetrics
	var err error
	if sm.refused, err = m.Int64Counter("aigentic.service.requests.refused", metric.WithUnit("{request}"),
		metric.WithDescription("Requests refused (4xx), by reason, tenant and route.")); err != nil {
		otel.Handle(err)
	}
	if sm.jobWait, err = m.Float64Histogram("aigentic.service.job.wait.duration", metric.WithUnit("s"),
		metric.WithDescription("Time a job attempt waited in its tenant's queue before a worker took it.")); err != nil {
		otel.Handle(err)
	}
	return &sm
}

// recordJobWait records one attempt's queue wait.
func (m *serviceMetrics) recordJobWait(ctx context.Context, tenant string, d time.Duration) {
	m.jobWait.Record(ctx, max(0, d.Seconds()), metric.WithAttributes(attribute.String("tenant", tenant)))
}

// metricsHandler serves GET /metrics: the runtime's and the service's
// metrics in the Prometheus text format (names in
// deploy/prometheus/README.md, alert rules in
// deploy/prometheus/aigentic-rules.yml), with the Go runtime and process
// collectors, from p's own registry.
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
