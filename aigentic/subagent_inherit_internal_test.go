package aigentic

import (
	"context"
	"log/slog"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// A sub-agent takes from its parent each setting it does not set of its
// own, and keeps each it does; the log level is always the parent's.
func TestSubAgentInheritsWhatItDoesNotSet(t *testing.T) {
	parent := Agent{
		Model: aitest.NewScripted(), Trace: &Trace{}, LogLevel: slog.LevelWarn, Logger: slog.New(slog.DiscardHandler),
		RetryPolicy: &RetryPolicy{}, RateLimiter: rate.NewLimiter(1, 1), ApprovalTimeout: 7, Pricing: &Pricing{InputPerMTok: 1},
		TracerProvider: sdktrace.NewTracerProvider(), MeterProvider: sdkmetric.NewMeterProvider(),
		Observers:    []Observer{hook.ObserverFunc(func(ctx context.Context, _ hook.Step) context.Context { return ctx })},
		Interceptors: []Interceptor{hook.Funcs{}},
	}
	own := Agent{
		Model: aitest.NewScripted(), Trace: &Trace{}, LogLevel: slog.LevelDebug, Logger: slog.New(slog.DiscardHandler),
		RetryPolicy: &RetryPolicy{}, RateLimiter: rate.NewLimiter(2, 2), ApprovalTimeout: 9, Pricing: &Pricing{InputPerMTok: 2},
		TracerProvider: sdktrace.NewTracerProvider(), MeterProvider: sdkmetric.NewMeterProvider(),
		Observers: []Observer{}, Interceptors: []Interceptor{},
	}
	var bare Agent
	kept := own
	parent.inherit(&bare)
	parent.inherit(&kept)
	settings := []struct {
		name string
		get  func(*Agent) any
	}{
		{"Model", func(a *Agent) any { return a.Model }},
		{"Trace", func(a *Agent) any { return a.Trace }},
		{"Logger", func(a *Agent) any { return a.Logger }},
		{"RetryPolicy", func(a *Agent) any { return a.RetryPolicy }},
		{"RateLimiter", func(a *Agent) any { return a.RateLimiter }},
		{"ApprovalTimeout", func(a *Agent) any { return a.ApprovalTimeout }},
		{"Pricing", func(a *Agent) any { return a.Pricing }},
		{"TracerProvider", func(a *Agent) any { return a.TracerProvider }},
		{"MeterProvider", func(a *Agent) any { return a.MeterProvider }},
		// An empty slice of its own means none: it is kept, not filled.
		{"len(Observers)", func(a *Agent) any { return len(a.Observers) }},
		{"len(Interceptors)", func(a *Agent) any { return len(a.Interceptors) }},
	}
	for _, s := range settings {
		if got, want := s.get(&bare), s.get(&parent); got != want {
			t.Errorf("%s: a sub-agent that sets none has %v, want the parent's %v", s.name, got, want)
		}
		if got, want := s.get(&kept), s.get(&own); got != want {
			t.Errorf("%s: a sub-agent that sets its own has %v, want its own %v", s.name, got, want)
		}
	}
	for _, sub := range []Agent{bare, kept} {
		if sub.LogLevel != parent.LogLevel {
			t.Errorf("LogLevel: the sub-agent has %v, want the parent's %v, always", sub.LogLevel, parent.LogLevel)
		}
	}
}
