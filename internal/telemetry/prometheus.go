package telemetry

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// DurationBuckets are the explicit histogram boundaries, in seconds, for
// every histogram in unit "s": those the OpenTelemetry GenAI semantic
// conventions specify for gen_ai.client.operation.duration (10 ms doubling
// up to 81.92 s).
var DurationBuckets = []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}

// TokenBuckets are the explicit histogram boundaries, in tokens, for every
// histogram in unit "{token}": those the OpenTelemetry GenAI semantic
// conventions specify for gen_ai.client.token.usage (powers of 4 from 1 to
// 4^13).
var TokenBuckets = []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}

// newPrometheusReader registers the OpenTelemetry Prometheus exporter, the
// Go runtime collector and the process collector on reg, and returns the
// exporter (a metric reader) and the handler serving reg.
func newPrometheusReader(reg *prometheus.Registry) (sdkmetric.Reader, http.Handler, error) {
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, fmt.Errorf("telemetry: Prometheus exporter: %w", err)
	}
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, nil, fmt.Errorf("telemetry: Prometheus collector: %w", err)
		}
	}
	handler := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return exp, handler, nil
}
