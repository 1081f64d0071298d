package otelagent_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// meterReader returns a meter provider and the manual reader collecting
// what it measures.
func meterReader(t *testing.T) (*sdkmetric.MeterProvider, *sdkmetric.ManualReader) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	return mp, reader
}

// collected is one collection, by instrument name.
type collected map[string]metricdata.Metrics

func collect(t *testing.T, reader *sdkmetric.ManualReader) collected {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := collected{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// match reports whether set holds every key=value of want.
func match(set attribute.Set, want map[string]string) bool {
	for k, v := range want {
		got, ok := set.Value(attribute.Key(k))
		if !ok || got.String() != v {
			return false
		}
	}
	return true
}

// count is a counter's total over the points matching want (int64 sums,
// or float64 sums rounded), and a histogram's number of observations.
func (c collected) count(t *testing.T, name string, want map[string]string) float64 {
	t.Helper()
	m, ok := c[name]
	if !ok {
		return 0
	}
	var n float64
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes, want) {
				n += float64(p.Value)
			}
		}
	case metricdata.Sum[float64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes, want) {
				n += p.Value
			}
		}
	case metricdata.Histogram[int64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes, want) {
				n += float64(p.Count)
			}
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes, want) {
				n += float64(p.Count)
			}
		}
	default:
		t.Fatalf("%s: unexpected data %T", name, m.Data)
	}
	return n
}

// sum is an int64 histogram's sum over the points matching want.
func (c collected) sum(name string, want map[string]string) int64 {
	var n int64
	if d, ok := c[name].Data.(metricdata.Histogram[int64]); ok {
		for _, p := range d.DataPoints {
			if match(p.Attributes, want) {
				n += p.Sum
			}
		}
	}
	return n
}

type okLimiter struct{}

func (okLimiter) Wait(context.Context) error { return nil }

// Runs of every outcome, with retries, a tool's error result, and
// rate-limit waits, measured through a manual reader.
func TestOTelMetrics(t *testing.T) {
	mp, reader := meterReader(t)
	s := &sleeper{}
	base := aigentic.Agent{Name: "metered", Logger: discardLogger(), MeterProvider: mp, RetryPolicy: s.Policy(), RateLimiter: okLimiter{}}

	// ok: one model retry, a tool retried once, a tool with an error result.
	flaky := 0
	flakyTool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		if flaky++; flaky == 1 {
			return nil, ai.Transient(errors.New("busy"))
		}
		return ai.Text("ok"), nil
	}}
	broken := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.ErrorText("nothing"), nil }}
	ok := base
	ok.Retries = 1
	ok.Model = aitest.Inject(aitest.NewScripted(
		aitest.CallTools(aitest.Call("flaky", `{}`), aitest.Call("broken", `{}`), aitest.Call("made_up", `{}`)),
		aitest.Reply("done"),
	)).FailNext(aitest.StatusError(503, 0))
	ok.AgentTools = []aigentic.AgentTool{flakyTool.Tool("flaky", nil), broken.Tool("broken", nil)}
	if _, err := ok.Execute("go"); err != nil {
		t.Fatal(err)
	}

	// tool_error, model_error (retries exhausted), limit, timeout, canceled.
	toolErr := base
	toolErr.Model = aitest.NewScripted(aitest.CallTools(aitest.Call("crash", `{}`)))
	toolErr.AgentTools = []aigentic.AgentTool{(&countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return nil, errors.New("bug") }}).Tool("crash", nil)}
	modelErr := base
	modelErr.Retries = 1
	modelErr.Model = aitest.Inject(aitest.NewScripted()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
	limit := base
	limit.MaxLLMCalls = 1
	limit.Model = aitest.NewScripted(aitest.CallTools(aitest.Call("broken", `{}`)))
	limit.AgentTools = ok.AgentTools
	timeout := base
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	timeout.Session = aigentic.NewSession(expired)
	timeout.Model = aitest.NewScripted()
	canceled := base
	canceled.Session = aigentic.NewSession(context.Background())
	canceled.Session.Cancel()
	canceled.Model = aitest.NewScripted()
	rateLimited := base
	rateLimited.RateLimiter = &countingLimiter{Err: errors.New("rate: Wait(n=1) would exceed context deadline")}
	rateLimited.Model = aitest.NewScripted()
	for _, a := range []aigentic.Agent{toolErr, modelErr, limit, timeout, canceled, rateLimited} {
		if _, err := a.Execute("go"); err == nil {
			t.Fatal("run succeeded")
		}
	}

	c := collect(t, reader)
	for _, outcome := range []string{"ok", "tool_error", "model_error", "limit", "timeout", "canceled", "rate_limited"} {
		want := map[string]string{"outcome": outcome, "gen_ai.agent.name": "metered"}
		if n := c.count(t, "aigentic.runs", want); n != 1 {
			t.Errorf("aigentic.runs{outcome=%s} = %v, want 1", outcome, n)
		}
		if n := c.count(t, "aigentic.run.duration", want); n != 1 {
			t.Errorf("aigentic.run.duration{outcome=%s} count = %v, want 1", outcome, n)
		}
	}
	// Tokens of successful attempts: ok 2 calls, tool_error 1, limit 1;
	// aitest.Scripted reports 10 in / 5 out per response.
	chat := map[string]string{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "aitest", "gen_ai.request.model": "scripted"}
	in, out := with(chat, "gen_ai.token.type", "input"), with(chat, "gen_ai.token.type", "output")
	if n, sum := c.count(t, "gen_ai.client.token.usage", in), c.sum("gen_ai.client.token.usage", in); n != 4 || sum != 40 {
		t.Errorf("input token usage: %v observations summing %d, want 4 summing 40", n, sum)
	}
	if sum := c.sum("gen_ai.client.token.usage", out); sum != 20 {
		t.Errorf("output token usage sum %d, want 20", sum)
	}
	// Every attempt's duration; the failed ones with error.type.
	if n := c.count(t, "gen_ai.client.operation.duration", chat); n != 7 {
		t.Errorf("operation.duration count = %v, want 7 attempts", n)
	}
	if n := c.count(t, "gen_ai.client.operation.duration", with(chat, "error.type", "503")); n != 3 {
		t.Errorf("operation.duration{error.type=503} = %v, want 3", n)
	}
	for step, want := range map[string]float64{"model": 2, "tool": 1} {
		if n := c.count(t, "aigentic.retries", map[string]string{"aigentic.step": step}); n != want {
			t.Errorf("aigentic.retries{step=%s} = %v, want %v", step, n, want)
		}
	}
	if n := c.count(t, "aigentic.retries.exhausted", map[string]string{"aigentic.step": "model"}); n != 1 {
		t.Errorf("retries.exhausted{model} = %v, want 1", n)
	}
	for _, tc := range []struct {
		tool, outcome string
		want          float64
	}{{"flaky", "ok", 1}, {"broken", "error_result", 1}, {"_OTHER", "error_result", 1}, {"crash", "failed", 1}} {
		if n := c.count(t, "aigentic.tool.calls", map[string]string{"gen_ai.tool.name": tc.tool, "outcome": tc.outcome}); n != tc.want {
			t.Errorf("tool.calls{%s,%s} = %v, want %v", tc.tool, tc.outcome, n, tc.want)
		}
	}
	// One wait per attempt that got past the start: 3 + 1 + 2 + 1, and the
	// refused one.
	if n := c.count(t, "aigentic.rate_limit.wait.duration", nil); n != 8 {
		t.Errorf("rate-limit waits = %v, want 8", n)
	}
	if _, ok := c["aigentic.cost"]; ok {
		t.Error("aigentic.cost recorded without Pricing")
	}
	if m := c["gen_ai.client.token.usage"]; m.Unit != "{token}" || c["gen_ai.client.operation.duration"].Unit != "s" || c["aigentic.runs"].Unit != "{run}" {
		t.Errorf("units: %q %q %q", m.Unit, c["gen_ai.client.operation.duration"].Unit, c["aigentic.runs"].Unit)
	}
}

func with(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}

// aigentic.cost is the Pricing estimate of each response's tokens.
func TestOTelCostWithPricing(t *testing.T) {
	mp, reader := meterReader(t)
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("t", `{}`)), aitest.Reply("done"))
	a := aigentic.Agent{Model: model, Logger: discardLogger(), MeterProvider: mp,
		Pricing:    &aigentic.Pricing{InputPerMTok: 2.5, OutputPerMTok: 10},
		AgentTools: []aigentic.AgentTool{(&countingTool{}).Tool("t", nil)}}
	if _, err := a.Execute("go"); err != nil {
		t.Fatal(err)
	}
	c := collect(t, reader)
	m, ok := c["aigentic.cost"]
	if !ok || m.Unit != "USD" {
		t.Fatalf("aigentic.cost = %+v", m)
	}
	// 2 responses × (10 in × 2.5 + 5 out × 10) / 1e6.
	if got, want := c.count(t, "aigentic.cost", map[string]string{"gen_ai.request.model": "scripted"}), 2*(10*2.5+5*10)/1e6; math.Abs(got-want) > 1e-12 {
		t.Fatalf("cost = %v, want %v", got, want)
	}
}
