// Package otelagent is the OpenTelemetry side of aigentic runs: an
// observer of the run's steps (package aigentic/hook) that makes spans and
// metrics after the GenAI semantic conventions (semconv 1.41.0, the last
// release of the Go semconv package that holds the gen_ai names; the
// conventions' status is Development):
//
//   - "invoke_agent {agent}" (INTERNAL) per run, from the run's starting
//     context, so a sub-agent's run nests under its parent's tool call;
//   - "chat {model}" (CLIENT) per model attempt: a retried call shows each
//     attempt, the failed one with status Error, error.type and an
//     "aigentic.retry" event giving the backoff; its context is the one
//     Model.Generate gets, so an instrumented HTTP client nests under it;
//   - "execute_tool {tool}" (INTERNAL) per tool call, with its retries,
//     approval and error results;
//
// and the metrics listed in metrics.go. Message content
// (gen_ai.input.messages, gen_ai.output.messages,
// gen_ai.system_instructions, gen_ai.tool.call.arguments and .result) is
// recorded only when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is
// "true", each string passed through secret.Redact.
//
// The runtime registers it on every run whose Agent.TracerProvider records
// or whose Agent.MeterProvider measures (the global providers when those
// are nil): see [For].
package otelagent

import (
	"context"
	"reflect"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// CaptureContentEnv is the environment variable that, set to "true", adds
// message content to the spans (redacted). The name is the one the
// OpenTelemetry GenAI instrumentations share.
const CaptureContentEnv = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

// InstrumentationName is the instrumentation scope of the spans and
// metrics: the runtime's import path.
const InstrumentationName = "github.com/nexxia-ai/aigentic-examples/aigentic"

// Attribute keys of this runtime's own, in its namespace.
const (
	retryDelayKey       = attribute.Key("aigentic.retry.delay") // seconds
	retryNextAttemptKey = attribute.Key("aigentic.retry.next_attempt")
	approvalApprovedKey = attribute.Key("aigentic.approval.approved")
	approvalHowKey      = attribute.Key("aigentic.approval.how")
	rateLimitWaitKey    = attribute.Key("aigentic.rate_limit.wait")     // seconds
	abandonReasonKey    = attribute.Key("aigentic.tool.abandon_reason") // stopped|timeout
	abandonGraceKey     = attribute.Key("aigentic.tool.stop_grace")     // seconds
	decisionByKey       = attribute.Key("aigentic.decision.by")
	decisionStepKey     = attribute.Key("aigentic.decision.step")
	decisionActionKey   = attribute.Key("aigentic.decision.action")
	decisionReasonKey   = attribute.Key("aigentic.decision.reason")
)

// minReportedWait is the shortest rate-limit wait put on a span: shorter
// ones are the limiter's bookkeeping.
const minReportedWait = time.Millisecond

// Observer makes the spans and metrics of the runs it observes: a
// hook.Observer. Make one with [New] (or let [For] pick a cached one); one
// Observer serves any number of runs, concurrently.
type Observer struct {
	tp      trace.TracerProvider // resolved: never nil
	tracer  trace.Tracer
	inst    *instruments
	noTrace bool // the tracer surely records nothing
}

// New returns an Observer making spans with tp and metrics with mp; a nil
// provider means the global one (otel.GetTracerProvider,
// otel.GetMeterProvider), read now.
func New(tp trace.TracerProvider, mp metric.MeterProvider) *Observer {
	noTrace := noTracerProvider(tp)
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return &Observer{tp: tp, tracer: tracerFor(tp), inst: instrumentsFor(mp), noTrace: noTrace}
}

// last is the Observer For returned last: a program has one pair of
// providers, and making an Observer takes locks and allocations.
var last atomic.Pointer[Observer]

// For returns the Observer for a run whose agent has tp and mp (nil: the
// global ones, as they are now), or nil when neither can record anything
// for it — no global provider set, or explicit no-op ones — so such a run
// pays for nothing.
func For(ctx context.Context, tp trace.TracerProvider, mp metric.MeterProvider) *Observer {
	noTrace := noTracerProvider(tp)
	inst := instrumentsFor(mp)
	if noTrace && !inst.enabled(ctx) {
		return nil
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if o := last.Load(); o != nil && o.inst == inst && o.noTrace == noTrace && sameProvider(o.tp, tp) {
		return o
	}
	o := &Observer{tp: tp, tracer: tracerFor(tp), inst: inst, noTrace: noTrace}
	last.Store(o)
	return o
}

// tracerFor returns tp's tracer (tp is not nil).
func tracerFor(tp trace.TracerProvider) trace.Tracer {
	if o := last.Load(); o != nil && sameProvider(o.tp, tp) {
		return o.tracer
	}
	return tp.Tracer(InstrumentationName, trace.WithSchemaURL(semconv.SchemaURL))
}

// sameProvider compares two providers without panicking on a type that
// cannot be compared.
func sameProvider(a, b any) bool {
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta != nil && ta.Comparable() && a == b
}

// noTracerProvider reports whether tp records nothing for sure, so a run
// need not even try a span: an explicit no-op provider, or nil while the
// program has set no global one (otel.GetTracerProvider then returns the
// API's own delegating provider, whose tracers make non-recording spans
// until SetTracerProvider is called; once it is, GetTracerProvider returns
// the new provider). Anything else is probed with one span per run.
func noTracerProvider(tp trace.TracerProvider) bool {
	if tp == nil {
		tp = otel.GetTracerProvider()
		t := reflect.TypeOf(tp)
		if t.Kind() == reflect.Pointer && t.Elem().PkgPath() == "go.opentelemetry.io/otel/internal/global" {
			return true
		}
	}
	_, ok := tp.(noop.TracerProvider)
	return ok
}

// runState is what one run's spans and metrics need, kept in the run's
// context from its start.
type runState struct {
	span    trace.Span
	tracing bool // the run's span records: make the others
	metrics bool
	capture bool // record message content
	attrs   []attribute.KeyValue
}

type stateKey struct{ o *Observer }

// Observe implements hook.Observer.
func (o *Observer) Observe(ctx context.Context, step hook.Step) context.Context {
	if s, ok := step.(*hook.RunStart); ok {
		return o.runStart(ctx, s)
	}
	st, _ := ctx.Value(stateKey{o}).(*runState)
	if st == nil {
		return ctx
	}
	switch s := step.(type) {
	case *hook.RunEnd:
		o.runEnd(ctx, st, s)
	case *hook.RateLimitWait:
		if st.tracing && s.Wait >= minReportedWait {
			st.span.AddEvent("aigentic.rate_limit.wait", trace.WithAttributes(rateLimitWaitKey.Float64(s.Wait.Seconds())))
		}
		if st.metrics {
			o.inst.rateLimitWait.Record(ctx, s.Wait.Seconds(), metric.WithAttributes(st.attrs[0]))
		}
	case *hook.ModelStart:
		return o.modelStart(ctx, st, s)
	case *hook.ModelEnd:
		o.modelEnd(ctx, st, s)
	case *hook.ToolStart:
		return o.toolStart(ctx, st, s)
	case *hook.ToolAttemptEnd:
		if st.tracing && s.WillRetry {
			span := trace.SpanFromContext(ctx)
			span.AddEvent("aigentic.tool.attempt_failed", trace.WithAttributes(
				semconv.ErrorTypeKey.String(s.ErrorType), attribute.String("error.message", secret.Redact(s.Err.Error()))))
			retryEvent(span, s.Attempt, s.RetryIn.Seconds())
		}
		if st.metrics {
			o.inst.recordToolAttempt(ctx, s)
		}
	case *hook.ToolEnd:
		o.toolEnd(ctx, st, s)
	case *hook.ToolAbandoned:
		if st.tracing {
			trace.SpanFromContext(ctx).AddEvent("aigentic.tool.abandoned", trace.WithAttributes(
				abandonReasonKey.String(s.Reason), abandonGraceKey.Float64(s.Grace.Seconds())))
		}
		if st.metrics {
			o.inst.abandoned.Add(ctx, 1, metric.WithAttributes(abandonReasonKey.String(s.Reason)))
		}
	case *hook.Decision:
		if st.tracing {
			trace.SpanFromContext(ctx).AddEvent("aigentic.decision", trace.WithAttributes(
				decisionByKey.String(secret.Redact(clip(s.By))), decisionStepKey.String(secret.Redact(clip(s.Step))),
				decisionActionKey.String(clip(s.Action)), decisionReasonKey.String(secret.Redact(clip(s.Reason)))))
		}
		if st.metrics {
			o.inst.decisions.Add(ctx, 1, metric.WithAttributes(decisionActionKey.String(boundedAction(s.Action))))
		}
	case *hook.ApprovalAsked:
		if st.tracing {
			trace.SpanFromContext(ctx).AddEvent("aigentic.approval.requested")
		}
	case *hook.ApprovalAnswered:
		if st.tracing {
			trace.SpanFromContext(ctx).AddEvent("aigentic.approval.answered",
				trace.WithAttributes(approvalApprovedKey.Bool(s.Approved), approvalHowKey.String(s.How.String())))
		}
	}
	return ctx
}
