package otelagent

import (
	"context"
	"os"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// The spans and metrics of each step of a run.

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
