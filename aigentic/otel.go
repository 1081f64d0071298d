package aigentic

import (
	"context"
	"os"
	"reflect"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The OpenTelemetry side of a run, after the GenAI semantic conventions
// (semconv 1.41.0, the last release of the Go semconv package that holds
// the gen_ai names; the conventions' status is Development):
//
//   - "invoke_agent {agent}" (INTERNAL) per run, from the Session's context,
//     so a sub-agent's run nests under its parent's tool call;
//   - "chat {model}" (CLIENT) per model attempt: a retried call shows each
//     attempt, the failed one with status Error, error.type and an
//     "aigentic.retry" event giving the backoff; its context is the one
//     Model.Generate gets, so an instrumented HTTP client nests under it;
//   - "execute_tool {tool}" (INTERNAL) per tool call, with its retries,
//     approval and error results.
//
// Message content (gen_ai.input.messages, gen_ai.output.messages,
// gen_ai.system_instructions, gen_ai.tool.call.arguments and .result) is
// recorded only when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is
// "true", each string passed through Redact.

// CaptureContentEnv is the environment variable that, set to "true", adds
// message content to the spans (redacted). The name is the one the
// OpenTelemetry GenAI instrumentations share.
const CaptureContentEnv = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

// instrumentationName is the instrumentation scope of the spans and
// metrics: the runtime's import path.
const instrumentationName = "github.com/nexxia-ai/aigentic-examples/aigentic"

// Attribute keys of this runtime's own, in its namespace.
const (
	retryDelayKey       = attribute.Key("aigentic.retry.delay") // seconds
	retryNextAttemptKey = attribute.Key("aigentic.retry.next_attempt")
	approvalApprovedKey = attribute.Key("aigentic.approval.approved")
	approvalHowKey      = attribute.Key("aigentic.approval.how")
	rateLimitWaitKey    = attribute.Key("aigentic.rate_limit.wait") // seconds
)

// cachedTracer keeps the tracer of the last provider used, so a run does
// not ask its provider for one (a lock and a lookup) each time.
type cachedTracer struct {
	tp     trace.TracerProvider
	tracer trace.Tracer
}

var lastTracer atomic.Pointer[cachedTracer]

func tracerFor(tp trace.TracerProvider) trace.Tracer {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if c := lastTracer.Load(); c != nil && sameProvider(c.tp, tp) {
		return c.tracer
	}
	t := tp.Tracer(instrumentationName, trace.WithSchemaURL(semconv.SchemaURL))
	lastTracer.Store(&cachedTracer{tp: tp, tracer: t})
	return t
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

// providerName is gen_ai.provider.name for m: its ProviderName() when it
// has that method, else the last element of its package path ("openai"
// for aigentic/openai, "offline" for the built-in model).
func providerName(m ai.Model) string {
	if p, ok := m.(interface{ ProviderName() string }); ok {
		return p.ProviderName()
	}
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	path := t.PkgPath()
	return path[strings.LastIndexByte(path, '/')+1:]
}

// otelObserver makes a run's spans and metrics.
type otelObserver struct {
	baseObserver
	r       *AgentRun
	tracer  trace.Tracer
	inst    *instruments
	tracing bool // the run's span records: make the others
	metrics bool
	capture bool // record message content

	provider, model string
	runSpan         trace.Span
	chatSpan        trace.Span
	toolSpan        trace.Span
	runAttrs        []attribute.KeyValue // agent name, for the run metrics
}

// newOTelObserver returns the run's OpenTelemetry observer, or nil when
// neither its tracer records nor its meter measures — then the run pays
// for one non-recording span and nothing else.
func newOTelObserver(r *AgentRun) *otelObserver {
	inst := instrumentsFor(r.agent.MeterProvider)
	metrics := inst.enabled(r.ctx)
	if !metrics && noTracerProvider(r.agent.TracerProvider) {
		return nil
	}
	tracer := tracerFor(r.agent.TracerProvider)
	// The span's name and attributes are set once it is known to record,
	// so a run without a tracer builds neither. No options either: their
	// slice would cost an allocation per run; INTERNAL, the kind
	// invoke_agent wants, is the default.
	_, span := tracer.Start(r.ctx, "invoke_agent")
	tracing := span.IsRecording()
	if !tracing && !metrics {
		return nil
	}
	o := &otelObserver{r: r, tracer: tracer, inst: inst, tracing: tracing, metrics: metrics,
		provider: providerName(r.agent.Model), model: r.agent.Model.ModelName(), runSpan: span}
	o.runAttrs = []attribute.KeyValue{semconv.GenAIAgentName(r.agent.Name)}
	if tracing {
		o.capture = strings.EqualFold(os.Getenv(CaptureContentEnv), "true")
		span.SetName("invoke_agent " + r.agent.Name)
		span.SetAttributes(
			semconv.GenAIOperationNameInvokeAgent,
			semconv.GenAIProviderNameKey.String(o.provider),
			semconv.GenAIRequestModel(o.model),
			semconv.GenAIAgentName(Redact(r.agent.Name)),
			semconv.GenAIAgentID(r.id),
			semconv.GenAIConversationID(Redact(r.session.ID)),
		)
	}
	return o
}

func (o *otelObserver) runStart(ctx context.Context, _ runStart) context.Context {
	if !o.tracing {
		return ctx
	}
	return trace.ContextWithSpan(ctx, o.runSpan)
}

func (o *otelObserver) runEnd(ctx context.Context, s runEnd) {
	outcome := outcomeOf(s.err)
	if o.tracing {
		o.runSpan.SetAttributes(
			semconv.GenAIUsageInputTokens(s.stats.InputTokens),
			semconv.GenAIUsageOutputTokens(s.stats.OutputTokens),
		)
		if s.err != nil {
			o.runSpan.SetAttributes(semconv.ErrorTypeKey.String(outcome))
			o.runSpan.SetStatus(codes.Error, Redact(s.err.Error()))
		}
		o.runSpan.End()
	}
	if o.metrics {
		o.inst.recordRun(ctx, o, outcome, s.stats.Duration.Seconds())
	}
}

func (o *otelObserver) rateLimitWait(ctx context.Context, s rateLimitWait) {
	if o.tracing && s.d >= minReportedWait {
		o.runSpan.AddEvent("aigentic.rate_limit.wait", trace.WithAttributes(rateLimitWaitKey.Float64(s.d.Seconds())))
	}
	if o.metrics {
		o.inst.recordRateLimitWait(ctx, o, s.d.Seconds())
	}
}

func (o *otelObserver) modelStart(ctx context.Context, s modelStart) context.Context {
	if !o.tracing {
		return ctx
	}
	ctx, span := o.tracer.Start(ctx, "chat "+o.model, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		semconv.GenAIOperationNameChat,
		semconv.GenAIProviderNameKey.String(o.provider),
		semconv.GenAIRequestModel(o.model),
		semconv.GenAIConversationID(Redact(o.r.session.ID)),
		semconv.GenAIAgentName(Redact(o.r.agent.Name)),
	))
	if o.capture {
		span.SetAttributes(semconv.GenAIInputMessagesKey.String(inputMessagesJSON(s.req.Messages)))
		if len(s.req.Messages) > 0 && s.req.Messages[0].Role == ai.RoleSystem {
			span.SetAttributes(semconv.GenAISystemInstructionsKey.String(systemInstructionsJSON(s.req.Messages[0].Content)))
		}
	}
	o.chatSpan = span
	return ctx
}

func (o *otelObserver) modelEnd(ctx context.Context, s modelEnd) {
	if o.tracing && o.chatSpan != nil {
		span := o.chatSpan
		o.chatSpan = nil
		if s.err == nil {
			resp := s.resp
			attrs := []attribute.KeyValue{
				semconv.GenAIUsageInputTokens(resp.Usage.InputTokens),
				semconv.GenAIUsageOutputTokens(resp.Usage.OutputTokens),
			}
			if resp.Model != "" {
				attrs = append(attrs, semconv.GenAIResponseModel(resp.Model))
			}
			if resp.ID != "" {
				attrs = append(attrs, semconv.GenAIResponseID(resp.ID))
			}
			if resp.FinishReason != "" {
				attrs = append(attrs, semconv.GenAIResponseFinishReasons(resp.FinishReason))
			}
			if o.capture {
				attrs = append(attrs, semconv.GenAIOutputMessagesKey.String(outputMessagesJSON(resp)))
			}
			span.SetAttributes(attrs...)
		} else {
			failed(span, s.err)
			if s.willRetry {
				retryEvent(span, s.attempt, s.retryIn.Seconds())
			}
		}
		span.End()
	}
	if o.metrics {
		o.inst.recordModel(ctx, o, s)
	}
}

func (o *otelObserver) toolStart(ctx context.Context, s toolStart) context.Context {
	if !o.tracing {
		return ctx
	}
	name := Redact(s.tc.Name)
	attrs := []attribute.KeyValue{
		semconv.GenAIOperationNameExecuteTool,
		semconv.GenAIToolName(name),
		semconv.GenAIToolCallID(Redact(s.tc.ID)),
		// The runtime runs every tool itself, in the client: a function.
		semconv.GenAIToolTypeKey.String("function"),
	}
	if s.tool != nil && s.tool.Description != "" {
		attrs = append(attrs, semconv.GenAIToolDescription(Redact(s.tool.Description)))
	}
	if o.capture {
		attrs = append(attrs, semconv.GenAIToolCallArgumentsKey.String(Redact(s.tc.Arguments)))
	}
	ctx, o.toolSpan = o.tracer.Start(ctx, "execute_tool "+name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx
}

func (o *otelObserver) toolAttemptEnd(ctx context.Context, s toolAttemptEnd) {
	if o.tracing && o.toolSpan != nil && s.willRetry {
		o.toolSpan.AddEvent("aigentic.tool.attempt_failed", trace.WithAttributes(
			semconv.ErrorTypeKey.String(errorType(s.err)), attribute.String("error.message", Redact(s.err.Error()))))
		retryEvent(o.toolSpan, s.attempt, s.retryIn.Seconds())
	}
	if o.metrics {
		o.inst.recordToolAttempt(ctx, s)
	}
}

func (o *otelObserver) toolEnd(ctx context.Context, s toolEnd) {
	if o.tracing && o.toolSpan != nil {
		span := o.toolSpan
		o.toolSpan = nil
		switch {
		case s.err != nil:
			failed(span, s.err)
		case s.res.Error:
			span.SetAttributes(semconv.ErrorTypeKey.String(toolErrorResult))
			span.SetStatus(codes.Error, "the tool returned an error result")
		}
		if o.capture && s.err == nil {
			span.SetAttributes(semconv.GenAIToolCallResultKey.String(Redact(s.res.String())))
		}
		span.End()
	}
	if o.metrics {
		o.inst.recordTool(ctx, o, s)
	}
}

func (o *otelObserver) approvalAsked(_ context.Context, _ approvalAsked) {
	if o.tracing && o.toolSpan != nil {
		o.toolSpan.AddEvent("aigentic.approval.requested")
	}
}

func (o *otelObserver) approvalAnswered(_ context.Context, s approvalAnswered) {
	if o.tracing && o.toolSpan != nil {
		how := [...]string{approvalAnsweredByUser: "answered", approvalTimedOut: "timed_out", approvalImpossible: "impossible"}[s.how]
		o.toolSpan.AddEvent("aigentic.approval.answered", trace.WithAttributes(approvalApprovedKey.Bool(s.approved), approvalHowKey.String(how)))
	}
}

// failed marks span as failed by err: status Error with the redacted
// message, and error.type.
func failed(span trace.Span, err error) {
	span.SetAttributes(semconv.ErrorTypeKey.String(errorType(err)))
	span.SetStatus(codes.Error, Redact(err.Error()))
}

// retryEvent records on span the backoff before attempt+1.
func retryEvent(span trace.Span, attempt int, delay float64) {
	span.AddEvent("aigentic.retry", trace.WithAttributes(retryNextAttemptKey.Int(attempt+1), retryDelayKey.Float64(delay)))
}
