package otelagent

import (
	"context"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/semconv/v1.41.0/genaiconv"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// The metrics of the agents' runs (names agreed with the alert rules and
// dashboards that read them; through the OTel Prometheus exporter dots
// become underscores and units become suffixes):
//
//	gen_ai.client.token.usage          histogram {token}  gen_ai.token.type=input|output, gen_ai.operation.name,
//	                                                      gen_ai.provider.name, gen_ai.request.model, gen_ai.response.model
//	aigentic.token.usage.detail        counter {token}    aigentic.token.detail=cache_read|reasoning, + the attributes above:
//	                                                      the input read from a prompt cache, the output spent reasoning
//	gen_ai.client.operation.duration   histogram s        per model attempt; + error.type on failure
//	aigentic.runs                      counter {run}      outcome=ok|tool_error|model_error|limit|timeout|canceled|rate_limited|halted|invalid_output|checkpoint_error|approval_pending,
//	                                                      gen_ai.agent.name
//	aigentic.run.duration              histogram s        outcome, gen_ai.agent.name
//	aigentic.tool.calls                counter {call}     gen_ai.tool.name ("_OTHER" for a name no tool has), outcome=ok|error_result|failed
//	aigentic.retries                   counter {retry}    aigentic.step=model|tool
//	aigentic.retries.exhausted         counter {failure}  aigentic.step: a transient failure with no retry left
//	aigentic.rate_limit.wait.duration  histogram s        each wait for Agent.RateLimiter
//	aigentic.tool.abandoned            counter {call}     aigentic.tool.abandon_reason=stopped|timeout: tool calls the run
//	                                                      stopped waiting for (hook.ToolAbandoned)
//	aigentic.decisions                 counter {decision} aigentic.decision.action (pass|rewrite|trip|retry|compact|fallback, else _OTHER):
//	                                                      what interceptors decided (hook.Decision)
//	aigentic.cost                      counter USD        estimated from Agent.Pricing, only when it is set;
//	                                                      gen_ai.request.model, gen_ai.agent.name
//
// The two gen_ai histograms use the bucket boundaries the GenAI semantic
// conventions recommend.
//
// Every label value is bounded: outcomes, steps and token types are closed
// sets; gen_ai.request.model and gen_ai.agent.name come from the program's
// own configuration; gen_ai.tool.name is a tool the agent offers, or
// "_OTHER"; gen_ai.response.model — a value the provider sends — is kept
// only when it is the model asked for or a dated version of it
// ("gpt-4o-mini-2024-07-18" for "gpt-4o-mini"; the first MaxDatedVersions
// a process sees), or one of the names the
// program allows (AllowResponseModels), and is "_OTHER" otherwise; the
// provider name is the model's own, or "_OTHER" when a response names
// another one the program did not allow.

// Outcomes of aigentic.tool.calls.
const (
	toolOutcomeOK     = "ok"
	toolOutcomeFailed = "failed"
	// ToolErrorResult is error.type of a tool call whose result was an
	// error result, and outcome "error_result" of aigentic.tool.calls.
	ToolErrorResult = "error_result"
)

// Other is the label value that stands for any value outside a bounded
// set (OpenTelemetry's own convention for an unknown enum value).
const Other = "_OTHER"

var (
	outcomeKey = attribute.Key("outcome")
	stepKey    = attribute.Key("aigentic.step")

	stepModel = []attribute.KeyValue{stepKey.String("model")}
	stepTool  = []attribute.KeyValue{stepKey.String("tool")}
)

// instruments are the metric instruments of one MeterProvider.
type instruments struct {
	mp            metric.MeterProvider
	tokenUsage    metric.Int64Histogram
	opDuration    metric.Float64Histogram
	runs          metric.Int64Counter
	runDuration   metric.Float64Histogram
	toolCalls     metric.Int64Counter
	retries       metric.Int64Counter
	exhausted     metric.Int64Counter
	rateLimitWait metric.Float64Histogram
	cost          metric.Float64Counter
	decisions     metric.Int64Counter
	abandoned     metric.Int64Counter
	tokenDetail   metric.Int64Counter
}

// lastInstruments caches the instruments of the last provider used: a
// program has one, and making them takes locks and allocations.
var lastInstruments atomic.Pointer[instruments]

func instrumentsFor(mp metric.MeterProvider) *instruments {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if c := lastInstruments.Load(); c != nil && sameProvider(c.mp, mp) {
		return c
	}
	in := newInstruments(mp)
	lastInstruments.Store(in)
	return in
}

// The values of aigentic.token.detail, the one attribute
// aigentic.token.usage.detail adds to gen_ai.client.token.usage's.
var (
	tokenDetailCacheRead = attribute.String("aigentic.token.detail", "cache_read")
	tokenDetailReasoning = attribute.String("aigentic.token.detail", "reasoning")
)

// newInstruments makes the instruments. An instrument the provider refuses
// is reported to otel.Handle and replaced by the no-op one the API returns
// with the error, so metrics never fail a run.
func newInstruments(mp metric.MeterProvider) *instruments {
	m := mp.Meter(InstrumentationName, metric.WithSchemaURL(semconv.SchemaURL))
	in := &instruments{mp: mp}
	var errs [12]error
	var tu genaiconv.ClientTokenUsage
	tu, errs[0] = genaiconv.NewClientTokenUsage(m, metric.WithExplicitBucketBoundaries(
		1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864))
	in.tokenUsage = tu.Inst()
	var od genaiconv.ClientOperationDuration
	od, errs[1] = genaiconv.NewClientOperationDuration(m, metric.WithExplicitBucketBoundaries(
		0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92))
	in.opDuration = od.Inst()
	in.runs, errs[2] = m.Int64Counter("aigentic.runs", metric.WithUnit("{run}"),
		metric.WithDescription("Agent runs, by outcome."))
	in.runDuration, errs[3] = m.Float64Histogram("aigentic.run.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of agent runs, by outcome."))
	in.toolCalls, errs[4] = m.Int64Counter("aigentic.tool.calls", metric.WithUnit("{call}"),
		metric.WithDescription("Tool calls answered, by tool and outcome."))
	in.retries, errs[5] = m.Int64Counter("aigentic.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Retries of failed model calls and tool calls."))
	in.exhausted, errs[6] = m.Int64Counter("aigentic.retries.exhausted", metric.WithUnit("{failure}"),
		metric.WithDescription("Transient failures that had no retry left."))
	in.rateLimitWait, errs[7] = m.Float64Histogram("aigentic.rate_limit.wait.duration", metric.WithUnit("s"),
		metric.WithDescription("Time model requests waited for the agent's rate limiter."))
	in.cost, errs[8] = m.Float64Counter("aigentic.cost", metric.WithUnit("USD"),
		metric.WithDescription("Estimated cost of the model's tokens, from Agent.Pricing."))
	in.decisions, errs[9] = m.Int64Counter("aigentic.decisions", metric.WithUnit("{decision}"),
		metric.WithDescription("Decisions interceptors reported (guardrails, typed answers, compaction), by action."))
	in.abandoned, errs[10] = m.Int64Counter("aigentic.tool.abandoned", metric.WithUnit("{call}"),
		metric.WithDescription("Tool calls a run stopped waiting for: the tool ignored its context past the stop grace."))
	in.tokenDetail, errs[11] = m.Int64Counter("aigentic.token.usage.detail", metric.WithUnit("{token}"),
		metric.WithDescription("The part of gen_ai.client.token.usage a provider reported as read from its prompt cache (aigentic.token.detail=cache_read, of the input) or spent reasoning (reasoning, of the output): what the spans carry as gen_ai.usage.cache_read.input_tokens and gen_ai.usage.reasoning.output_tokens, which have no token type of their own in gen_ai.client.token.usage."))
	for _, err := range errs {
		if err != nil {
			otel.Handle(err)
		}
	}
	return in
}

// enabled reports whether the provider measures anything; the global
// provider does not until the program sets one.
func (in *instruments) enabled(ctx context.Context) bool {
	return in.runs.Enabled(ctx) || in.opDuration.Enabled(ctx) || in.tokenUsage.Enabled(ctx)
}

func (in *instruments) recordModel(ctx context.Context, st *runState, s *hook.ModelEnd) {
	r := s.Run
	attrs := make([]attribute.KeyValue, 3, 6)
	attrs[0] = semconv.GenAIOperationNameChat
	attrs[1] = semconv.GenAIProviderNameKey.String(r.Provider)
	attrs[2] = semconv.GenAIRequestModel(r.Model)
	if s.Err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(s.ErrorType))
	} else {
		if p := s.Response.Provider; p != "" && p != r.Provider {
			attrs[1] = semconv.GenAIProviderNameKey.String(boundedName(p, "", &allowedProviders))
		}
		if m := s.Response.Model; m != "" {
			attrs = append(attrs, semconv.GenAIResponseModel(boundedName(m, r.Model, &allowedModels)))
		}
	}
	in.opDuration.Record(ctx, s.Duration.Seconds(), metric.WithAttributes(attrs...))
	if s.WillRetry {
		in.retries.Add(ctx, 1, metric.WithAttributes(stepModel...))
	}
	if s.Exhausted {
		in.exhausted.Add(ctx, 1, metric.WithAttributes(stepModel...))
	}
	if s.Err != nil {
		return
	}
	u := s.Response.Usage
	in.tokenUsage.Record(ctx, int64(u.InputTokens), metric.WithAttributes(append(attrs, semconv.GenAITokenTypeInput)...))
	in.tokenUsage.Record(ctx, int64(u.OutputTokens), metric.WithAttributes(append(attrs, semconv.GenAITokenTypeOutput)...))
	if u.CachedInputTokens > 0 {
		in.tokenDetail.Add(ctx, int64(u.CachedInputTokens), metric.WithAttributes(append(attrs, tokenDetailCacheRead)...))
	}
	if u.ReasoningTokens > 0 {
		in.tokenDetail.Add(ctx, int64(u.ReasoningTokens), metric.WithAttributes(append(attrs, tokenDetailReasoning)...))
	}
	if r.Priced {
		in.cost.Add(ctx, s.CostUSD, metric.WithAttributes(semconv.GenAIRequestModel(r.Model), st.attrs[0]))
	}
}

func (in *instruments) recordToolAttempt(ctx context.Context, s *hook.ToolAttemptEnd) {
	if s.WillRetry {
		in.retries.Add(ctx, 1, metric.WithAttributes(stepTool...))
	}
	if s.Exhausted {
		in.exhausted.Add(ctx, 1, metric.WithAttributes(stepTool...))
	}
}

func (in *instruments) recordTool(ctx context.Context, s *hook.ToolEnd) {
	outcome := toolOutcomeOK
	switch {
	case s.Err != nil:
		outcome = toolOutcomeFailed
	case s.Result.Error:
		outcome = ToolErrorResult
	}
	name := Other // a name the model made up: not a label value
	if s.Tool != nil {
		name = s.Tool.Name
	}
	in.toolCalls.Add(ctx, 1, metric.WithAttributes(semconv.GenAIToolName(name), outcomeKey.String(outcome)))
}
