package main

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

// breakerMetrics is what the reader saw, by "provider/model".
type breakerMetrics struct {
	state       map[string]failover.State
	transitions map[string]map[failover.State]int64
}

// readMetrics collects the breakers' metrics once.
func readMetrics(ctx context.Context, reader *sdkmetric.ManualReader) (breakerMetrics, error) {
	m := breakerMetrics{state: map[string]failover.State{}, transitions: map[string]map[failover.State]int64{}}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		return m, fmt.Errorf("reading the metrics: %w", err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			switch data := mt.Data.(type) {
			case metricdata.Gauge[int64]:
				if mt.Name != failover.MetricState {
					continue
				}
				for _, p := range data.DataPoints {
					if p.Value == 1 {
						name, st := labels(p.Attributes)
						m.state[name] = st
					}
				}
			case metricdata.Sum[int64]:
				if mt.Name != failover.MetricTransitions {
					continue
				}
				for _, p := range data.DataPoints {
					name, st := labels(p.Attributes)
					if m.transitions[name] == nil {
						m.transitions[name] = map[failover.State]int64{}
					}
					m.transitions[name][st] = p.Value
				}
			}
		}
	}
	return m, nil
}

func labels(s attribute.Set) (string, failover.State) {
	p, _ := s.Value("gen_ai.provider.name")
	mo, _ := s.Value("gen_ai.request.model")
	st, _ := s.Value("state")
	return p.AsString() + "/" + mo.AsString(), failover.State(st.AsString())
}

// transitionsOf is name's transitions as "open 1, half_open 1, closed 1".
func (m breakerMetrics) transitionsOf(name string) string {
	var parts []string
	for _, st := range []failover.State{failover.StateOpen, failover.StateHalfOpen, failover.StateClosed} {
		if v := m.transitions[name][st]; v > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, v))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
