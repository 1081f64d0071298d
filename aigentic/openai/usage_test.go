package openai_test

import (
	"context"
	"log/slog"
	"math"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// Reasoning and cached input tokens, read from the wire on either API
// (completion_tokens_details.reasoning_tokens and
// prompt_tokens_details.cached_tokens; output_tokens_details and
// input_tokens_details), reach what a run reports: Stats, the chat spans
// and the agent span (gen_ai.usage.cache_read.input_tokens,
// gen_ai.usage.reasoning.output_tokens), the run's log record
// (tokens_cached, tokens_reasoning), and the cost, cached input priced at
// Pricing.CachedInputPerMTok (Stats.CostUSD and the aigentic.cost metric).
func TestReasoningAndCachedTokensReachTheRunsFigures(t *testing.T) {
	first := ai.Usage{InputTokens: 1200, OutputTokens: 300, ReasoningTokens: 256, CachedInputTokens: 1024}
	second := ai.Usage{InputTokens: 1500, OutputTokens: 20, CachedInputTokens: 1200}
	// (2700-2224) uncached × $2 + 2224 cached × $0.50 + 320 output × $8, per million.
	const wantCost = (476*2.0 + 2224*0.5 + 320*8.0) / 1e6
	forDrivers(t, func(t *testing.T, api openai.API, _ string, stream bool) {
		call := aitest.CallTools(aitest.Call("get_time", `{"city":"oslo"}`))
		call.Response.Usage = first
		reply := aitest.Reply("12:00 in Oslo")
		reply.Response.Usage = second
		srv := openaitest.NewServer(t, aitest.NewScripted(call, reply))

		sr := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
		t.Cleanup(func() { tp.Shutdown(context.Background()) })
		reader := sdkmetric.NewManualReader()
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
		t.Cleanup(func() { mp.Shutdown(context.Background()) })
		var logs testutil.SyncBuffer
		var tools toolLog
		agent := testAgent(t, srv.URL(), &tools, stream, openai.WithAPI(api))
		agent.TracerProvider, agent.MeterProvider = tp, mp
		agent.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		agent.Pricing = &aigentic.Pricing{InputPerMTok: 2, CachedInputPerMTok: 0.5, OutputPerMTok: 8}

		run, err := agent.Start("time in oslo?")
		if err != nil {
			t.Fatal(err)
		}
		if out, err := run.Wait(0); err != nil || out != "12:00 in Oslo" {
			t.Fatalf("%q, %v", out, err)
		}
		st := run.Stats()
		if st.InputTokens != 2700 || st.OutputTokens != 320 || st.CachedInputTokens != 2224 || st.ReasoningTokens != 256 {
			t.Errorf("Stats tokens in %d out %d cached %d reasoning %d; want 2700, 320, 2224, 256",
				st.InputTokens, st.OutputTokens, st.CachedInputTokens, st.ReasoningTokens)
		}
		if math.Abs(st.CostUSD-wantCost) > 1e-12 {
			t.Errorf("Stats.CostUSD %.9f, want %.9f (cached input at its own rate)", st.CostUSD, wantCost)
		}

		var chats []map[attribute.Key]int64
		var agentSpan map[attribute.Key]int64
		for _, s := range sr.Ended() {
			attrs := map[attribute.Key]int64{}
			for _, kv := range s.Attributes() {
				if kv.Value.Type() == attribute.INT64 {
					attrs[kv.Key] = kv.Value.AsInt64()
				}
			}
			switch {
			case strings.HasPrefix(s.Name(), "chat"):
				chats = append(chats, attrs)
			case strings.HasPrefix(s.Name(), "invoke_agent"):
				agentSpan = attrs
			}
		}
		const cached, reasoning = "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.reasoning.output_tokens"
		if len(chats) != 2 || chats[0][cached] != 1024 || chats[0][reasoning] != 256 || chats[1][cached] != 1200 {
			t.Errorf("chat spans' token attributes %v; want cached 1024 and reasoning 256, then cached 1200", chats)
		}
		if agentSpan == nil || agentSpan[cached] != 2224 || agentSpan[reasoning] != 256 {
			t.Errorf("agent span's token attributes %v; want cached 2224, reasoning 256", agentSpan)
		}

		if out := logs.String(); !strings.Contains(out, `msg="run finished"`) || !strings.Contains(out, "tokens_cached=2224") || !strings.Contains(out, "tokens_reasoning=256") {
			t.Errorf("the run's log record lacks tokens_cached=2224 or tokens_reasoning=256:\n%s", out)
		}

		var rm metricdata.ResourceMetrics
		if err := reader.Collect(t.Context(), &rm); err != nil {
			t.Fatal(err)
		}
		cost := math.NaN()
		detail := map[string]int64{}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if s, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "aigentic.token.usage.detail" {
					for _, p := range s.DataPoints {
						v, _ := p.Attributes.Value("aigentic.token.detail")
						detail[v.AsString()] += p.Value
					}
				}
				if s, ok := m.Data.(metricdata.Sum[float64]); ok && m.Name == "aigentic.cost" {
					cost = 0
					for _, p := range s.DataPoints {
						cost += p.Value
					}
				}
			}
		}
		if len(detail) != 2 || detail["cache_read"] != 2224 || detail["reasoning"] != 256 {
			t.Errorf("aigentic.token.usage.detail %v, want cache_read 2224 and reasoning 256", detail)
		}
		if math.Abs(cost-wantCost) > 1e-12 {
			t.Errorf("aigentic.cost %.9f, want %.9f", cost, wantCost)
		}
	})
}
