package otelagent_test

import (
	"context"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkAgentRunOTel is BenchmarkAgentRun with OpenTelemetry on: every
// span sampled (ended into a processor that drops it) and every metric
// measured (collected by a manual reader nobody reads). The cost of the
// spans and metrics themselves, without an exporter's.
func BenchmarkAgentRunOTel(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	}()
	agent := benchAgent(newLoopModel(0))
	agent.TracerProvider, agent.MeterProvider = tp, mp
	b.ReportAllocs()
	for b.Loop() {
		out, err := agent.Execute("run the steps")
		if err != nil || out != "done" {
			b.Fatal(out, err)
		}
	}
}
