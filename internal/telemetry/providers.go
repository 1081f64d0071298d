package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Providers holds a process's OpenTelemetry providers and its Prometheus
// registry. Build it with [New]; call Shutdown once at exit.
type Providers struct {
	// TracerProvider creates tracers: an SDK provider exporting over
	// OTLP/HTTP when the environment configures it, a no-op otherwise.
	// Hand it to aigentic.Agent.TracerProvider.
	TracerProvider trace.TracerProvider
	// MeterProvider creates meters; its measurements are served on
	// MetricsHandler and, when configured, exported over OTLP/HTTP.
	// Hand it to aigentic.Agent.MeterProvider.
	MeterProvider metric.MeterProvider
	// Registry is the Prometheus registry MetricsHandler serves: the
	// OpenTelemetry metrics plus the Go runtime and process collectors.
	// Register further collectors here, not on the global registry.
	Registry *prometheus.Registry
	// Resource describes the process (service.name and the rest), as
	// exported and shown in Prometheus' target_info.
	Resource *resource.Resource

	// ExportsTraces and ExportsMetrics say whether the environment turned
	// OTLP export on for each signal.
	ExportsTraces, ExportsMetrics bool

	shutdowns []func(context.Context) error
	flushes   []func(context.Context) error
	handler   http.Handler
	once      sync.Once
	shutErr   error
}

// Option adjusts [New].
type Option func(*options)

type options struct {
	serviceName string
	limits      []AttributeLimit
}

// WithServiceName sets the service.name used when neither
// OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES gives one (the
// specification's default is "unknown_service").
func WithServiceName(name string) Option {
	return func(o *options) { o.serviceName = name }
}

// New builds the providers from the OTEL_* environment (see the package
// doc). A malformed variable gives an error wrapping [ErrBadEnv]; an
// exporter or resource that cannot be set up gives a wrapped error too. On
// error nothing is left running.
func New(ctx context.Context, opts ...Option) (*Providers, error) {
	o := options{serviceName: "unknown_service"}
	for _, opt := range opts {
		opt(&o)
	}
	plan, err := planFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", o.serviceName)),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(), // OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME
	)
	if err != nil {
		return nil, fmt.Errorf("%w: OTEL_RESOURCE_ATTRIBUTES or OTEL_SERVICE_NAME: %w", ErrBadEnv, err)
	}

	p := &Providers{Resource: res, Registry: prometheus.NewRegistry(), ExportsTraces: plan.traces, ExportsMetrics: plan.metrics}
	fail := func(err error) (*Providers, error) {
		_ = p.Shutdown(context.WithoutCancel(ctx))
		return nil, err
	}

	if plan.traces {
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return fail(fmt.Errorf("telemetry: OTLP trace exporter: %w", err))
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(exp))
		p.TracerProvider = tp
		p.shutdowns = append(p.shutdowns, tp.Shutdown)
		p.flushes = append(p.flushes, tp.ForceFlush)
	} else {
		p.TracerProvider = noop.NewTracerProvider()
	}

	readers, err := p.metricReaders(ctx, plan)
	if err != nil {
		return fail(err)
	}
	mpOpts := []sdkmetric.Option{sdkmetric.WithResource(res)}
	for _, r := range readers {
		mpOpts = append(mpOpts, sdkmetric.WithReader(r))
	}
	mpOpts = append(mpOpts, sdkmetric.WithView(views(attributeFilter(append(DefaultAttributeLimits(), o.limits...)))))
	mp := sdkmetric.NewMeterProvider(mpOpts...)
	p.MeterProvider = mp
	p.shutdowns = append(p.shutdowns, mp.Shutdown)
	p.flushes = append(p.flushes, mp.ForceFlush)
	return p, nil
}

// metricReaders returns the Prometheus reader (always) and an OTLP periodic
// reader (when planned). The periodic reader takes its interval and
// timeout from OTEL_METRIC_EXPORT_INTERVAL / OTEL_METRIC_EXPORT_TIMEOUT.
func (p *Providers) metricReaders(ctx context.Context, plan exportPlan) ([]sdkmetric.Reader, error) {
	prom, handler, err := newPrometheusReader(p.Registry)
	if err != nil {
		return nil, err
	}
	p.handler = handler
	readers := []sdkmetric.Reader{prom}
	if plan.metrics {
		exp, err := otlpmetrichttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP metric exporter: %w", err)
		}
		readers = append(readers, sdkmetric.NewPeriodicReader(exp))
	}
	return readers, nil
}

// MetricsHandler serves the registry in the Prometheus text exposition
// format (for GET /metrics).
func (p *Providers) MetricsHandler() http.Handler { return p.handler }

// InstallGlobal makes these providers the global OpenTelemetry providers
// (otel.SetTracerProvider, otel.SetMeterProvider), so code that leaves
// aigentic.Agent's provider fields nil uses them, and sets the W3C trace
// context and baggage propagators.
func (p *Providers) InstallGlobal() {
	otel.SetTracerProvider(p.TracerProvider)
	otel.SetMeterProvider(p.MeterProvider)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
}

// ForceFlush exports what is buffered (spans, metrics) without stopping.
func (p *Providers) ForceFlush(ctx context.Context) error {
	var errs []error
	for _, f := range p.flushes {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown flushes and stops every provider and exporter: buffered spans
// and a last collection of metrics are exported before it returns, or
// until ctx ends. Later calls return the first call's result. Recording
// after Shutdown is a no-op.
func (p *Providers) Shutdown(ctx context.Context) error {
	p.once.Do(func() {
		var errs []error
		for _, s := range p.shutdowns {
			if err := s(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			p.shutErr = fmt.Errorf("telemetry: shutdown: %w", errors.Join(errs...))
		}
	})
	return p.shutErr
}
