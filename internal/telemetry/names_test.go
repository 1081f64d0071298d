package telemetry_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// agreedInstrument is one of the aigentic runtime's instruments (the names
// agreed in issue 10) and what the OpenTelemetry Prometheus exporter must
// make of it.
type agreedInstrument struct {
	name, unit string
	histogram  bool
	attrs      []attribute.KeyValue
	// samples are the exact sample names in the exposition.
	samples []string
	// labels are the exact label names of a sample (le excluded).
	labels []string
}

var (
	scopeLabels = []string{"otel_scope_name", "otel_scope_schema_url", "otel_scope_version"}
	genAIAttrs  = []attribute.KeyValue{
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.String("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
	}
	genAILabels = []string{"gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model"}
)

func histogramSamples(base string) []string {
	return []string{base + "_bucket", base + "_count", base + "_sum"}
}

// agreedInstruments lists every instrument of the aigentic runtime (the
// names agreed for issue 10, with the attributes aigentic/otel_metrics.go
// records) and the Prometheus names the alert rules in deploy/prometheus
// rely on.
var agreedInstruments = []agreedInstrument{
	{
		name: "gen_ai.client.token.usage", unit: "{token}", histogram: true,
		attrs:   append([]attribute.KeyValue{attribute.String("gen_ai.token.type", "input")}, genAIAttrs...),
		samples: histogramSamples("gen_ai_client_token_usage"),
		labels:  append([]string{"gen_ai_token_type"}, genAILabels...),
	},
	{
		name: "gen_ai.client.operation.duration", unit: "s", histogram: true,
		attrs:   append([]attribute.KeyValue{attribute.String("error.type", "429")}, genAIAttrs...),
		samples: histogramSamples("gen_ai_client_operation_duration_seconds"),
		labels:  append([]string{"error_type"}, genAILabels...),
	},
	{
		name: "aigentic.runs", unit: "{run}",
		attrs:   []attribute.KeyValue{attribute.String("outcome", "ok"), attribute.String("gen_ai.agent.name", "support")},
		samples: []string{"aigentic_runs_total"},
		labels:  []string{"gen_ai_agent_name", "outcome"},
	},
	{
		name: "aigentic.run.duration", unit: "s", histogram: true,
		attrs:   []attribute.KeyValue{attribute.String("outcome", "model_error"), attribute.String("gen_ai.agent.name", "support")},
		samples: histogramSamples("aigentic_run_duration_seconds"),
		labels:  []string{"gen_ai_agent_name", "outcome"},
	},
	{
		name: "aigentic.tool.calls", unit: "{call}",
		attrs:   []attribute.KeyValue{attribute.String("gen_ai.tool.name", "lookup"), attribute.String("outcome", "error_result")},
		samples: []string{"aigentic_tool_calls_total"},
		labels:  []string{"gen_ai_tool_name", "outcome"},
	},
	{
		name: "aigentic.retries", unit: "{retry}",
		attrs:   []attribute.KeyValue{attribute.String("aigentic.step", "model")},
		samples: []string{"aigentic_retries_total"},
		labels:  []string{"aigentic_step"},
	},
	{
		name: "aigentic.retries.exhausted", unit: "{failure}",
		attrs:   []attribute.KeyValue{attribute.String("aigentic.step", "tool")},
		samples: []string{"aigentic_retries_exhausted_total"},
		labels:  []string{"aigentic_step"},
	},
	{
		name: "aigentic.rate_limit.wait.duration", unit: "s", histogram: true,
		attrs:   []attribute.KeyValue{attribute.String("gen_ai.agent.name", "support")},
		samples: histogramSamples("aigentic_rate_limit_wait_duration_seconds"),
		labels:  []string{"gen_ai_agent_name"},
	},
	{
		name: "aigentic.cost", unit: "USD",
		attrs:   []attribute.KeyValue{attribute.String("gen_ai.request.model", "gpt-4o-mini"), attribute.String("gen_ai.agent.name", "support")},
		samples: []string{"aigentic_cost_USD_total"},
		labels:  []string{"gen_ai_agent_name", "gen_ai_request_model"},
	},
}

// recordAgreed records one measurement on every agreed instrument through
// a meter of mp.
func recordAgreed(t *testing.T, mp metric.MeterProvider) {
	t.Helper()
	ctx := context.Background()
	meter := mp.Meter("github.com/nexxia-ai/aigentic-examples/aigentic", metric.WithInstrumentationVersion("test"))
	for _, in := range agreedInstruments {
		set := metric.WithAttributes(in.attrs...)
		if in.histogram {
			h, err := meter.Float64Histogram(in.name, metric.WithUnit(in.unit))
			if err != nil {
				t.Fatalf("histogram %s: %v", in.name, err)
			}
			h.Record(ctx, 0.5, set)
			continue
		}
		c, err := meter.Float64Counter(in.name, metric.WithUnit(in.unit))
		if err != nil {
			t.Fatalf("counter %s: %v", in.name, err)
		}
		c.Add(ctx, 2, set)
	}
}

// TestPrometheusNamesOfAgreedInstruments pins the OpenTelemetry → Prometheus
// name translation for every agreed instrument: if a name, unit or
// attribute changes on either side, this fails before the alert rules
// silently stop matching.
func TestPrometheusNamesOfAgreedInstruments(t *testing.T) {
	p := newProviders(t)
	recordAgreed(t, p.MeterProvider)
	exposition := scrape(t, p.MetricsHandler())
	got := parseSamples(t, exposition)

	var want []string
	for _, in := range agreedInstruments {
		want = append(want, in.samples...)
		for _, sample := range in.samples {
			labels, ok := got[sample]
			if !ok {
				t.Errorf("%s (unit %q): no sample %s in /metrics", in.name, in.unit, sample)
				continue
			}
			wantLabels := slices.Concat(in.labels, scopeLabels)
			if strings.HasSuffix(sample, "_bucket") {
				wantLabels = append(wantLabels, "le")
			}
			slices.Sort(wantLabels)
			if !slices.Equal(labels, wantLabels) {
				t.Errorf("%s: labels of %s = %v, want %v", in.name, sample, labels, wantLabels)
			}
		}
	}
	var ours []string
	for name := range got {
		if strings.HasPrefix(name, "aigentic_") || strings.HasPrefix(name, "gen_ai_") {
			ours = append(ours, name)
		}
	}
	slices.Sort(ours)
	slices.Sort(want)
	if !slices.Equal(ours, want) {
		t.Errorf("aigentic/gen_ai samples in /metrics:\n got %v\nwant %v", ours, want)
	}
	if !strings.Contains(exposition, `otel_scope_name="github.com/nexxia-ai/aigentic-examples/aigentic"`) {
		t.Errorf("no otel_scope_name label with the meter's name in:\n%s", exposition)
	}
	// The bucket views: seconds and tokens get the GenAI conventions'
	// boundaries, not the SDK's millisecond-sized defaults.
	for _, bucket := range []string{
		`aigentic_run_duration_seconds_bucket{gen_ai_agent_name="support",otel_scope_name="github.com/nexxia-ai/aigentic-examples/aigentic",otel_scope_schema_url="",otel_scope_version="test",outcome="model_error",le="0.64"} 1`,
		`gen_ai_client_token_usage_bucket{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_response_model="gpt-4o-mini-2024-07-18",gen_ai_token_type="input",otel_scope_name="github.com/nexxia-ai/aigentic-examples/aigentic",otel_scope_schema_url="",otel_scope_version="test",le="6.7108864e+07"} 1`,
	} {
		if !strings.Contains(exposition, bucket+"\n") {
			t.Errorf("missing bucket line %s", bucket)
		}
	}
	if !strings.Contains(exposition, `target_info{service_name="telemetry-test"`) {
		t.Errorf("no target_info with service_name=telemetry-test")
	}
}

// parseSamples maps each sample name in a text exposition to its sorted
// label names (the union over its series; a bucket's le included).
func parseSamples(t *testing.T, exposition string) map[string][]string {
	t.Helper()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(exposition))
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v\n%s", err, exposition)
	}
	out := map[string][]string{}
	add := func(sample string, labels []string) {
		set := map[string]bool{}
		for _, l := range out[sample] {
			set[l] = true
		}
		for _, l := range labels {
			set[l] = true
		}
		out[sample] = slices.Sorted(maps.Keys(set))
	}
	for name, family := range families {
		for _, m := range family.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName())
			}
			if family.GetType() == dto.MetricType_HISTOGRAM {
				add(name+"_bucket", append(slices.Clone(labels), "le"))
				add(name+"_sum", labels)
				add(name+"_count", labels)
				continue
			}
			add(name, labels)
		}
	}
	return out
}
