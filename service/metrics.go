package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
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
//	aigentic.service.tokens            counter {token}    tenant, gen_ai.token.type (input, output): each
//	                                                      model response's usage, runs and jobs alike
//	aigentic.service.cost              counter USD        tenant: each response's estimated cost (0 for a
//	                                                      model without a known price)
//	aigentic.service.approvals.decided counter {approval} tenant, decision (approved, denied, expired)
//	aigentic.service.queue.jobs        gauge {job}        tenant, state (River's unfinished states:
//	                                                      available, scheduled, running, retryable,
//	                                                      pending), read from the database at each scrape
//	aigentic.service.approvals.pending gauge {approval}   tenant: jobs waiting for a person's decision
//	aigentic.service.rows.pruned       counter {row}      table (one of pruneTables, prune.go): the
//	                                                      service's rows deleted past their retention
//	                                                      (Prometheus: aigentic_service_rows_pruned_total)
//
// The gauges are the database's state, so every process reports the same
// values: aggregate them with max, not sum.
type serviceMetrics struct {
	refused  metric.Int64Counter
	jobWait  metric.Float64Histogram
	tokens   metric.Int64Counter
	cost     metric.Float64Counter
	decided  metric.Int64Counter
	pruned   metric.Int64Counter
	meter    metric.Meter
	gaugeReg metric.Registration
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
	if sm.tokens, err = m.Int64Counter("aigentic.service.tokens", metric.WithUnit("{token}"),
		metric.WithDescription("Model tokens used by the tenant's runs and jobs, by token type.")); err != nil {
		otel.Handle(err)
	}
	if sm.cost, err = m.Float64Counter("aigentic.service.cost", metric.WithUnit("USD"),
		metric.WithDescription("Estimated model cost of the tenant's runs and jobs.")); err != nil {
		otel.Handle(err)
	}
	if sm.decided, err = m.Int64Counter("aigentic.service.approvals.decided", metric.WithUnit("{approval}"),
		metric.WithDescription("Approvals of parked jobs decided: approved or denied by a person, or expired (denied).")); err != nil {
		otel.Handle(err)
	}
	if sm.pruned, err = m.Int64Counter("aigentic.service.rows.pruned", metric.WithUnit("{row}"),
		metric.WithDescription("The service's own rows deleted past their retention, by table (prune.go).")); err != nil {
		otel.Handle(err)
	}
	sm.meter = m
	return &sm
}

// tenantUsage is an observer of the tenant's runs: each model response's
// tokens and cost, by tenant (the runtime's own token and cost metrics have
// no tenant).
func (m *serviceMetrics) tenantUsage(tenant string) hook.Observer {
	tenantAttr := attribute.String("tenant", tenant)
	input := metric.WithAttributes(tenantAttr, attribute.String("gen_ai.token.type", "input"))
	output := metric.WithAttributes(tenantAttr, attribute.String("gen_ai.token.type", "output"))
	cost := metric.WithAttributes(tenantAttr)
	return hook.ObserverFunc(func(ctx context.Context, step hook.Step) context.Context {
		if e, ok := step.(*hook.ModelEnd); ok && e.Response != nil {
			m.tokens.Add(ctx, int64(e.Response.Usage.InputTokens), input)
			m.tokens.Add(ctx, int64(e.Response.Usage.OutputTokens), output)
			m.cost.Add(ctx, e.CostUSD, cost)
		}
		return ctx
	})
}

// recordDecision counts one approval decided.
func (m *serviceMetrics) recordDecision(ctx context.Context, tenant, decision string) {
	m.decided.Add(ctx, 1, metric.WithAttributes(attribute.String("tenant", tenant), attribute.String("decision", decision)))
}

// unfinishedStateList are River's states of a job not yet finished.
var unfinishedStateList = []string{"available", "scheduled", "running", "retryable", "pending"}

// registerGauges registers the queue-depth and pending-approval gauges,
// read from the database at each collection (a scrape of /metrics, an
// OTLP export) within 2 s. Every tenant reports every state, 0 included.
func (s *service) registerGauges() error {
	m := s.metrics.meter
	depth, err := m.Int64ObservableGauge("aigentic.service.queue.jobs", metric.WithUnit("{job}"),
		metric.WithDescription("The tenant's unfinished jobs by River state (scheduled includes jobs waiting for approval)."))
	if err != nil {
		return err
	}
	pending, err := m.Int64ObservableGauge("aigentic.service.approvals.pending", metric.WithUnit("{approval}"),
		metric.WithDescription("The tenant's jobs waiting for a person to decide an approval."))
	if err != nil {
		return err
	}
	tenantOf := make(map[string]string, len(s.tenants))
	for id, t := range s.tenants {
		tenantOf[t.queue] = id
	}
	s.metrics.gaugeReg, err = m.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		counts, approvals, err := s.store.queueState(ctx)
		if err != nil {
			return fmt.Errorf("queue gauges: %w", err)
		}
		for id, t := range s.tenants {
			tenantAttr := attribute.String("tenant", id)
			for _, st := range unfinishedStateList {
				o.ObserveInt64(depth, counts[t.queue][st], metric.WithAttributes(tenantAttr, attribute.String("state", st)))
			}
			o.ObserveInt64(pending, approvals[id], metric.WithAttributes(tenantAttr))
		}
		return nil
	}, depth, pending)
	return err
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
