package main

import (
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/metric"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

// withBreaker puts m behind a circuit breaker: a failover list of one
// (aigentic/failover, on sony/gobreaker). After failover's default of 5
// consecutive transient failures (429, 5xx, timeouts) the breaker opens:
// for 30 s every call fails at once with a transient error, instead of
// each run and job waiting out the provider's failures and retries; then
// one call probes it. Runs fail fast meanwhile (outcome model_error, 503
// for POST /v1/runs); jobs fail their attempt and River retries them
// later from their checkpoints. A permanent failure (a 400) counts as the
// server answering. The breaker's state is the metric
// aigentic_circuit_breaker_state{gen_ai_provider_name, gen_ai_request_model,
// state} on GET /metrics (and the Grafana dashboard's breaker panel).
func withBreaker(m ai.Model, mp metric.MeterProvider, logger *slog.Logger) (*failover.Model, error) {
	fm, err := failover.New([]ai.Model{m}, failover.WithMeterProvider(mp), failover.WithLogger(logger.With("component", "breaker")))
	if err != nil {
		return nil, fmt.Errorf("circuit breaker for model %q: %w", m.ModelName(), err)
	}
	return fm, nil
}
