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
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
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

func (o *Observer) runStart(ctx context.Context, s *hook.RunStart) context.Context {
	r := s.Run
	metrics := o.inst.enabled(ctx)
	tracing := false
	var span trace.Span
	if !o.noTrace {
		// The span's name and attributes are set once it is known to
		// record, so a run without a tracer builds neither. No options
		// either: INTERNAL, the kind invoke_agent wants, is the default.
		ctx2, sp := o.tracer.Start(ctx, "invoke_agent")
		if sp.IsRecording() {
			ctx, span, tracing = ctx2, sp, true
		}
	}
	if !tracing && !metrics {
		return ctx
	}
	st := &runState{span: span, tracing: tracing, metrics: metrics,
		attrs: []attribute.KeyValue{semconv.GenAIAgentName(secret.Redact(r.AgentName))}}
	if tracing {
		st.capture = strings.EqualFold(os.Getenv(CaptureContentEnv), "true")
		span.SetName("invoke_agent " + secret.Redact(r.AgentName))
		span.SetAttributes(
			semconv.GenAIOperationNameInvokeAgent,
			semconv.GenAIProviderNameKey.String(r.Provider),
			semconv.GenAIRequestModel(secret.Redact(r.Model)),
			semconv.GenAIAgentName(secret.Redact(r.AgentName)),
			semconv.GenAIAgentID(r.ID),
			semconv.GenAIConversationID(secret.Redact(r.SessionID)),
		)
	}
	return context.WithValue(ctx, stateKey{o}, st)
}

func (o *Observer) runEnd(ctx context.Context, st *runState, s *hook.RunEnd) {
	if st.tracing {
		st.span.SetAttributes(
			semconv.GenAIUsageInputTokens(s.Stats.InputTokens),
			semconv.GenAIUsageOutputTokens(s.Stats.OutputTokens),
		)
		if s.Stats.CachedInputTokens > 0 || s.Stats.ReasoningTokens > 0 {
			st.span.SetAttributes(semconv.GenAIUsageCacheReadInputTokensKey.Int(s.Stats.CachedInputTokens),
				semconv.GenAIUsageReasoningOutputTokensKey.Int(s.Stats.ReasoningTokens))
		}
		if s.Err != nil {
			st.span.SetAttributes(semconv.ErrorTypeKey.String(s.Outcome))
			st.span.SetStatus(codes.Error, secret.Redact(s.Err.Error()))
		}
		st.span.End()
	}
	if st.metrics {
		attrs := metric.WithAttributes(st.attrs[0], outcomeKey.String(s.Outcome))
		o.inst.runs.Add(ctx, 1, attrs)
		o.inst.runDuration.Record(ctx, s.Stats.Duration.Seconds(), attrs)
	}
}

func (o *Observer) modelStart(ctx context.Context, st *runState, s *hook.ModelStart) context.Context {
	if !st.tracing {
		return ctx
	}
	r := s.Run
	model := secret.Redact(r.Model)
	ctx, span := o.tracer.Start(ctx, "chat "+model, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		semconv.GenAIOperationNameChat,
		semconv.GenAIProviderNameKey.String(r.Provider),
		semconv.GenAIRequestModel(model),
		semconv.GenAIConversationID(secret.Redact(r.SessionID)),
		semconv.GenAIAgentName(secret.Redact(r.AgentName)),
	))
	if st.capture {
		msgs := s.Request.Messages
		span.SetAttributes(semconv.GenAIInputMessagesKey.String(inputMessagesJSON(msgs)))
		if len(msgs) > 0 && msgs[0].Role == "system" {
			span.SetAttributes(semconv.GenAISystemInstructionsKey.String(systemInstructionsJSON(msgs[0].Content)))
		}
	}
	return ctx
}

func (o *Observer) modelEnd(ctx context.Context, st *runState, s *hook.ModelEnd) {
	if st.tracing {
		span := trace.SpanFromContext(ctx)
		if s.Err == nil {
			resp := s.Response
			attrs := []attribute.KeyValue{
				semconv.GenAIUsageInputTokens(resp.Usage.InputTokens),
				semconv.GenAIUsageOutputTokens(resp.Usage.OutputTokens),
			}
			if u := resp.Usage; u.CachedInputTokens > 0 || u.ReasoningTokens > 0 {
				attrs = append(attrs, semconv.GenAIUsageCacheReadInputTokensKey.Int(u.CachedInputTokens),
					semconv.GenAIUsageReasoningOutputTokensKey.Int(u.ReasoningTokens))
			}
			if resp.Model != "" {
				attrs = append(attrs, semconv.GenAIResponseModel(secret.Redact(clip(resp.Model))))
			}
			if resp.Provider != "" {
				attrs = append(attrs, semconv.GenAIProviderNameKey.String(secret.Redact(clip(resp.Provider))))
			}
			if resp.ID != "" {
				attrs = append(attrs, semconv.GenAIResponseID(secret.Redact(clip(resp.ID))))
			}
			if resp.FinishReason != "" {
				attrs = append(attrs, semconv.GenAIResponseFinishReasons(clip(resp.FinishReason)))
			}
			if st.capture {
				attrs = append(attrs, semconv.GenAIOutputMessagesKey.String(outputMessagesJSON(resp)))
			}
			span.SetAttributes(attrs...)
		} else {
			failed(span, s.ErrorType, s.Err)
			if s.WillRetry {
				retryEvent(span, s.Attempt, s.RetryIn.Seconds())
			}
		}
		span.End()
	}
	if st.metrics {
		o.inst.recordModel(ctx, st, s)
	}
}

func (o *Observer) toolStart(ctx context.Context, st *runState, s *hook.ToolStart) context.Context {
	if !st.tracing {
		return ctx
	}
	name := secret.Redact(s.Call.Name)
	attrs := []attribute.KeyValue{
		semconv.GenAIOperationNameExecuteTool,
		semconv.GenAIToolName(name),
		semconv.GenAIToolCallID(secret.Redact(s.Call.ID)),
		// The runtime runs every tool itself, in the client: a function.
		semconv.GenAIToolTypeKey.String("function"),
	}
	if s.Tool != nil && s.Tool.Description != "" {
		attrs = append(attrs, semconv.GenAIToolDescription(secret.Redact(s.Tool.Description)))
	}
	if s.Tool != nil {
		attrs = appendMeta(attrs, s.Tool.Meta)
	}
	if st.capture {
		attrs = append(attrs, semconv.GenAIToolCallArgumentsKey.String(secret.Redact(s.Call.Arguments)))
	}
	ctx, _ = o.tracer.Start(ctx, "execute_tool "+name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx
}

func (o *Observer) toolEnd(ctx context.Context, st *runState, s *hook.ToolEnd) {
	if st.tracing {
		span := trace.SpanFromContext(ctx)
		switch {
		case s.Err != nil:
			failed(span, s.ErrorType, s.Err)
		case s.Result.Error && s.ErrorType == "timeout":
			// Past AgentTool.Timeout: an error result the model saw.
			span.SetAttributes(semconv.ErrorTypeKey.String(s.ErrorType))
			span.SetStatus(codes.Error, "the tool ran past its timeout")
		case s.Result.Error:
			span.SetAttributes(semconv.ErrorTypeKey.String(ToolErrorResult))
			span.SetStatus(codes.Error, "the tool returned an error result")
		}
		if st.capture && s.Err == nil {
			span.SetAttributes(semconv.GenAIToolCallResultKey.String(secret.Redact(s.Result.String())))
		}
		if !s.At.IsZero() {
			span.End(trace.WithTimestamp(s.At))
		} else {
			span.End()
		}
	}
	if st.metrics {
		o.inst.recordTool(ctx, s)
	}
}

// failed marks span as failed by err: status Error with the redacted
// message, and error.type.
func failed(span trace.Span, errorType string, err error) {
	span.SetAttributes(semconv.ErrorTypeKey.String(errorType))
	span.SetStatus(codes.Error, secret.Redact(err.Error()))
}

// retryEvent records on span the backoff before attempt+1.
func retryEvent(span trace.Span, attempt int, delay float64) {
	span.AddEvent("aigentic.retry", trace.WithAttributes(retryNextAttemptKey.Int(attempt+1), retryDelayKey.Float64(delay)))
}

// maxAttrLen caps a provider-controlled string put on a span.
const maxAttrLen = 256

// clip cuts s to maxAttrLen bytes, on a UTF-8 boundary.
func clip(s string) string {
	if len(s) <= maxAttrLen {
		return s
	}
	n := maxAttrLen
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
