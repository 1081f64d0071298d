package telemetry_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
)

// labelValues scrapes h and returns, for the metric family named family,
// the distinct values of label (a missing label counts as "").
func labelValues(t *testing.T, body, family, label string) map[string]bool {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	f, ok := fams[family]
	if !ok {
		t.Fatalf("no %s in /metrics", family)
	}
	out := map[string]bool{}
	for _, m := range f.GetMetric() {
		v := ""
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				v = l.GetValue()
			}
		}
		out[v] = true
	}
	return out
}

// TestAttributeLimitsBoundSeries: a provider naming a new model in every
// response, and requests naming tenants that do not exist, add at most
// the limits' series to the real /metrics output; allowed values always
// keep their own series, and the SDK's buckets still apply.
func TestAttributeLimitsBoundSeries(t *testing.T) {
	clearOTELEnv(t)
	p, err := telemetry.New(context.Background(), telemetry.WithServiceName("limits-test"),
		telemetry.WithAttributeLimits(telemetry.AttributeLimit{Key: "tenant", Allowed: []string{"acme", "globex"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	meter := p.MeterProvider.Meter("limits-test")
	tokens, err := meter.Int64Histogram("gen_ai.client.token.usage", metric.WithUnit("{token}"))
	if err != nil {
		t.Fatal(err)
	}
	refused, err := meter.Int64Counter("requests.refused", metric.WithUnit("{request}"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 200 {
		tokens.Record(ctx, 10, metric.WithAttributes(
			attribute.String("gen_ai.request.model", "gpt-test"),
			attribute.String("gen_ai.response.model", fmt.Sprintf("gpt-test-%04d", i))))
		refused.Add(ctx, 1, metric.WithAttributes(attribute.String("tenant", fmt.Sprintf("mallory-%d", i))))
	}
	tokens.Record(ctx, 10, metric.WithAttributes(attribute.String("gen_ai.response.model", strings.Repeat("x", telemetry.MaxLearnedValueLen+1))))
	refused.Add(ctx, 1, metric.WithAttributes(attribute.String("tenant", "acme")))
	refused.Add(ctx, 1, metric.WithAttributes(attribute.String("tenant", "globex")))

	body := scrape(t, p.MetricsHandler())
	models := labelValues(t, body, "gen_ai_client_token_usage", "gen_ai_response_model")
	if len(models) != 16+1 || !models["gpt-test-0000"] || !models["gpt-test-0015"] || models["gpt-test-0016"] || !models[""] {
		t.Errorf("gen_ai_response_model values %v: want the first 16 learned and the rest folded into the series without the label", keys(models))
	}
	tenants := labelValues(t, body, "requests_refused_total", "tenant")
	if len(tenants) != 3 || !tenants["acme"] || !tenants["globex"] || !tenants[""] {
		t.Errorf("tenant values %v: want acme, globex and the unlabelled rest", keys(tenants))
	}
	if !strings.Contains(body, `requests_refused_total{otel_scope_name="limits-test",otel_scope_schema_url="",otel_scope_version=""} 200`) {
		t.Errorf("the 200 unknown tenants are not one series of 200:\n%s", grep(body, "requests_refused_total"))
	}
	if !strings.Contains(body, `gen_ai_client_token_usage_bucket{gen_ai_request_model="gpt-test",gen_ai_response_model="gpt-test-0000",otel_scope_name="limits-test",otel_scope_schema_url="",otel_scope_version="",le="16"}`) {
		t.Errorf("token buckets lost:\n%s", grep(body, "gen_ai_client_token_usage_bucket"))
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func grep(body, s string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
