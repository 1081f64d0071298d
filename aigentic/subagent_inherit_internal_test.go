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
	var bare Agent
	parent.inherit(&bare)
	same := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s: the sub-agent has %v, want %v", name, got, want)
		}
	}
	same("Model", bare.Model, parent.Model)
	same("Trace", bare.Trace, parent.Trace)
	same("LogLevel", bare.LogLevel, parent.LogLevel)
	same("Logger", bare.Logger, parent.Logger)
	same("RetryPolicy", bare.RetryPolicy, parent.RetryPolicy)
	same("RateLimiter", bare.RateLimiter, parent.RateLimiter)
	same("ApprovalTimeout", bare.ApprovalTimeout, parent.ApprovalTimeout)
	same("Pricing", bare.Pricing, parent.Pricing)
	same("TracerProvider", bare.TracerProvider, parent.TracerProvider)
	same("MeterProvider", bare.MeterProvider, parent.MeterProvider)
	same("Observers", len(bare.Observers), 1)
	same("Interceptors", len(bare.Interceptors), 1)

	own := Agent{
		Model: aitest.NewScripted(), Trace: &Trace{}, LogLevel: slog.LevelDebug, Logger: slog.New(slog.DiscardHandler),
		RetryPolicy: &RetryPolicy{}, RateLimiter: rate.NewLimiter(2, 2), ApprovalTimeout: 9, Pricing: &Pricing{InputPerMTok: 2},
		TracerProvider: sdktrace.NewTracerProvider(), MeterProvider: sdkmetric.NewMeterProvider(),
		Observers: []Observer{}, Interceptors: []Interceptor{},
	}
	kept := own
	parent.inherit(&kept)
	same("own Model", kept.Model, own.Model)
	same("own Trace", kept.Trace, own.Trace)
	same("own LogLevel", kept.LogLevel, parent.LogLevel) // the parent's, always
	same("own Logger", kept.Logger, own.Logger)
	same("own RetryPolicy", kept.RetryPolicy, own.RetryPolicy)
	same("own RateLimiter", kept.RateLimiter, own.RateLimiter)
	same("own ApprovalTimeout", kept.ApprovalTimeout, own.ApprovalTimeout)
	same("own Pricing", kept.Pricing, own.Pricing)
	same("own TracerProvider", kept.TracerProvider, own.TracerProvider)
	same("own MeterProvider", kept.MeterProvider, own.MeterProvider)
	same("own Observers (empty: none)", len(kept.Observers), 0)
	same("own Interceptors (empty: none)", len(kept.Interceptors), 0)
}
