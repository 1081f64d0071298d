package aigentic

import (
	"context"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/semconv/v1.41.0/genaiconv"
)

// The metrics of the agents' runs (names agreed with the alert rules and
// dashboards that read them; through the OTel Prometheus exporter dots
// become underscores and units become suffixes):
//
//	gen_ai.client.token.usage          histogram {token}  gen_ai.token.type=input|output, gen_ai.operation.name,
//	                                                      gen_ai.provider.name, gen_ai.request.model, gen_ai.response.model
//	gen_ai.client.operation.duration   histogram s        per model attempt; + error.type on failure
//	aigentic.runs                      counter {run}      outcome=ok|tool_error|model_error|limit|timeout|canceled|rate_limited, gen_ai.agent.name
//	aigentic.run.duration              histogram s        outcome, gen_ai.agent.name
//	aigentic.tool.calls                counter {call}     gen_ai.tool.name ("_OTHER" for a name no tool has), outcome=ok|error_result|failed
//	aigentic.retries                   counter {retry}    aigentic.step=model|tool
//	aigentic.retries.exhausted         counter {failure}  aigentic.step: a transient failure with no retry left
//	aigentic.rate_limit.wait.duration  histogram s        each wait for Agent.RateLimiter
//	aigentic.cost                      counter USD        estimated from Agent.Pricing, only when it is set;
//	                                                      gen_ai.request.model, gen_ai.agent.name
//
// The two gen_ai histograms use the bucket boundaries the GenAI semantic
// conventions recommend.

// Outcomes of aigentic.tool.calls.
const (
	toolOutcomeOK     = "ok"
	toolOutcomeFailed = "failed"
)

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

// newInstruments makes the instruments. An instrument the provider refuses
// is reported to otel.Handle and replaced by the no-op one the API returns
// with the error, so metrics never fail a run.
func newInstruments(mp metric.MeterProvider) *instruments {
	m := mp.Meter(instrumentationName, metric.WithSchemaURL(semconv.SchemaURL))
	in := &instruments{mp: mp}
	var errs [9]error
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

func (in *instruments) recordRun(ctx context.Context, o *otelObserver, outcome string, seconds float64) {
	attrs := metric.WithAttributes(o.runAttrs[0], outcomeKey.String(outcome))
	in.runs.Add(ctx, 1, attrs)
	in.runDuration.Record(ctx, seconds, attrs)
}

func (in *instruments) recordRateLimitWait(ctx context.Context, o *otelObserver, seconds float64) {
	in.rateLimitWait.Record(ctx, seconds, metric.WithAttributes(o.runAttrs...))
}

func (in *instruments) recordModel(ctx context.Context, o *otelObserver, s modelEnd) {
	attrs := []attribute.KeyValue{
		semconv.GenAIOperationNameChat,
		semconv.GenAIProviderNameKey.String(o.provider),
		semconv.GenAIRequestModel(o.model),
	}
	if s.err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(s.err)))
	} else if s.resp.Model != "" {
		attrs = append(attrs, semconv.GenAIResponseModel(s.resp.Model))
	}
	in.opDuration.Record(ctx, s.d.Seconds(), metric.WithAttributes(attrs...))
	if s.willRetry {
		in.retries.Add(ctx, 1, metric.WithAttributes(stepModel...))
	}
	if s.exhausted {
		in.exhausted.Add(ctx, 1, metric.WithAttributes(stepModel...))
	}
	if s.err != nil {
		return
	}
	u := s.resp.Usage
	in.tokenUsage.Record(ctx, int64(u.InputTokens), metric.WithAttributes(append(attrs, semconv.GenAITokenTypeInput)...))
	in.tokenUsage.Record(ctx, int64(u.OutputTokens), metric.WithAttributes(append(attrs, semconv.GenAITokenTypeOutput)...))
	if p := o.r.agent.Pricing; p != nil {
		in.cost.Add(ctx, p.Cost(u), metric.WithAttributes(semconv.GenAIRequestModel(o.model), o.runAttrs[0]))
	}
}

func (in *instruments) recordToolAttempt(ctx context.Context, s toolAttemptEnd) {
	if s.willRetry {
		in.retries.Add(ctx, 1, metric.WithAttributes(stepTool...))
	}
	if s.exhausted {
		in.exhausted.Add(ctx, 1, metric.WithAttributes(stepTool...))
	}
}

func (in *instruments) recordTool(ctx context.Context, o *otelObserver, s toolEnd) {
	outcome := toolOutcomeOK
	switch {
	case s.err != nil:
		outcome = toolOutcomeFailed
	case s.res.Error:
		outcome = toolErrorResult
	}
	name := "_OTHER" // a name the model made up: not a label value
	if o.r.toolIndex(s.tc.Name) >= 0 {
		name = s.tc.Name
	}
	in.toolCalls.Add(ctx, 1, metric.WithAttributes(semconv.GenAIToolName(name), outcomeKey.String(outcome)))
}
