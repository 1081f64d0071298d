package failover

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// instrumentationName is the instrumentation scope of the metrics and
// span events: this package's import path.
const instrumentationName = "github.com/nexxia-ai/aigentic-examples/aigentic/failover"

// The metric names (OpenTelemetry naming: lower case, dot-separated, in
// the runtime's aigentic namespace; units in UCUM braces). Through the
// OpenTelemetry Prometheus exporter they become
// aigentic_circuit_breaker_state and
// aigentic_circuit_breaker_transitions_total (dots become underscores, a
// counter gains _total, a unit in braces adds no suffix); the labels
// become gen_ai_provider_name, gen_ai_request_model and state.
const (
	// MetricState is an Int64ObservableGauge, unit {state}: for each model
	// of the list and each state, 1 for the breaker's current state and 0
	// for the two others (a state set), with the attributes
	// gen_ai.provider.name, gen_ai.request.model and state
	// (closed|open|half_open).
	MetricState = "aigentic.circuit_breaker.state"
	// MetricTransitions is an Int64Counter, unit {transition}: the
	// breakers' transitions, with the attributes gen_ai.provider.name,
	// gen_ai.request.model and state (the state entered).
	MetricTransitions = "aigentic.circuit_breaker.transitions"
)

// stateKey is the attribute naming a breaker state: a closed set, with
// the model's provider and name from the configured list only, so the
// series are bounded by three per model.
var stateKey = attribute.Key("state")

// meters are one Model's instruments.
type meters struct {
	transitions metric.Int64Counter
	reg         metric.Registration
	// attrs[i][s] is the attribute set of target i in state s.
	attrs [][len(states)]attribute.Set
}

// newMeters makes the instruments and registers the state gauge's
// callback. An instrument the provider refuses is reported to otel.Handle
// and replaced by a no-op one: metrics never fail a model.
func newMeters(m *Model, mp metric.MeterProvider) *meters {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter(instrumentationName, metric.WithSchemaURL(semconv.SchemaURL))
	ms := &meters{attrs: make([][len(states)]attribute.Set, len(m.targets))}
	for i, t := range m.targets {
		for j, s := range states {
			ms.attrs[i][j] = attribute.NewSet(semconv.GenAIProviderNameKey.String(t.provider),
				semconv.GenAIRequestModel(t.name), stateKey.String(string(s)))
		}
	}
	var err error
	ms.transitions, err = meter.Int64Counter(MetricTransitions, metric.WithUnit("{transition}"),
		metric.WithDescription("Circuit breaker transitions of the models of a failover list, by the state entered."))
	if err != nil {
		otel.Handle(err)
		ms.transitions = noop.Int64Counter{}
	}
	gauge, err := meter.Int64ObservableGauge(MetricState, metric.WithUnit("{state}"),
		metric.WithDescription("Circuit breaker state of each model of a failover list: 1 for the current state, 0 for the others."))
	if err != nil {
		otel.Handle(err)
		return ms
	}
	ms.reg, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for i, t := range m.targets {
			cur := t.status().State
			for j, s := range states {
				v := int64(0)
				if s == cur {
					v = 1
				}
				o.ObserveInt64(gauge, v, metric.WithAttributeSet(ms.attrs[i][j]))
			}
		}
		return nil
	}, gauge)
	if err != nil {
		otel.Handle(err)
	}
	return ms
}

// transition counts c.
func (ms *meters) transition(c StateChange) {
	for j, s := range states {
		if s == c.To {
			ms.transitions.Add(context.Background(), 1, metric.WithAttributeSet(ms.attrs[c.Index][j]))
		}
	}
}

// close unregisters the gauge's callback.
func (ms *meters) close() error {
	if ms.reg == nil {
		return nil
	}
	return ms.reg.Unregister()
}
