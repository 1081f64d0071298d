package telemetry_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
	"github.com/nexxia-ai/aigentic-examples/internal/telemetry/promtest"
)

// e2eAgent is the agent the end-to-end test runs: its MeterProvider is the
// one whose Prometheus exporter the test serves; retries wait no time.
func e2eAgent(p *telemetry.Providers, model ai.Model) aigentic.Agent {
	return aigentic.Agent{
		Name:           "e2e-support",
		Model:          model,
		Retries:        1,
		RetryPolicy:    &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }},
		Pricing:        &aigentic.Pricing{InputPerMTok: 100_000, OutputPerMTok: 200_000}, // 10 in + 5 out tokens = 2 USD
		Logger:         slog.New(slog.DiscardHandler),
		MeterProvider:  p.MeterProvider,
		TracerProvider: p.TracerProvider,
	}
}

// driveRuns runs the agent: ok runs that succeed at once, one that succeeds
// after a 429 (an ok run, not an error), and failed runs whose model
// answers 503 twice (retries exhausted: model_error).
func driveRuns(t *testing.T, p *telemetry.Providers, ok, failed int) {
	t.Helper()
	reply := func() *aitest.Scripted { return aitest.NewScripted(aitest.Reply("done")) }
	for range ok {
		if _, err := e2eAgent(p, aitest.Inject(reply())).Execute("hello"); err != nil {
			t.Fatalf("ok run: %v", err)
		}
	}
	retried := aitest.Inject(reply()).FailNext(aitest.StatusError(http.StatusTooManyRequests, 0))
	if _, err := e2eAgent(p, retried).Execute("hello"); err != nil {
		t.Fatalf("run with a retried 429: %v", err)
	}
	for range failed {
		down := aitest.Inject(reply()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
		_, err := e2eAgent(p, down).Execute("hello")
		var mce *aigentic.ModelCallError
		if !errors.As(err, &mce) {
			t.Fatalf("failing run: %v, want a *ModelCallError", err)
		}
	}
}

// TestPrometheusEndToEnd drives real aigentic runs whose MeterProvider is
// the telemetry package's, serves /metrics over HTTP, lets a real
// Prometheus (Debian's package) scrape it with the repository's rules
// loaded, and reads the values back through /api/v1/query: the runs by
// outcome, retries, exhausted retries, tokens, cost, durations, the
// recording rules' error ratio, and the error-rate alert going pending.
func TestPrometheusEndToEnd(t *testing.T) {
	p := newProviders(t)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", p.MetricsHandler())
	target := httptest.NewServer(mux)
	defer target.Close()

	s := promtest.Run(t, promtest.Config{
		Targets:   []string{strings.TrimPrefix(target.URL, "http://")},
		Job:       "aigentic",
		RuleFiles: []string{filepath.Join(rulesDir, "aigentic-rules.yml")},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	wait := func(expr string, want float64) {
		t.Helper()
		_, err := s.WaitFor(ctx, expr, func(v model.Vector) bool {
			return len(v) == 1 && math.Abs(float64(v[0].Value)-want) < 1e-9
		})
		if err != nil {
			t.Fatalf("want %s = %v: %v", expr, want, err)
		}
	}
	const agent = `job="aigentic",gen_ai_agent_name="e2e-support"`

	// Two batches, each scraped before the next: a counter's first sample
	// gives rate() nothing to compare with, the second batch gives it an
	// increase (5 finished runs, 1 failed, in the window).
	driveRuns(t, p, 3, 1)
	wait(`sum(aigentic_runs_total{`+agent+`})`, 5)
	driveRuns(t, p, 3, 1)

	wait(`sum(aigentic_runs_total{`+agent+`,outcome="ok"})`, 8)
	wait(`sum(aigentic_runs_total{`+agent+`,outcome="model_error"})`, 2)
	wait(`sum(aigentic_run_duration_seconds_count{`+agent+`})`, 10)
	// Retries: one per 429 run and one per failed run; each failed run
	// exhausted its single retry.
	wait(`sum(aigentic_retries_total{job="aigentic",aigentic_step="model"})`, 4)
	wait(`sum(aigentic_retries_exhausted_total{job="aigentic",aigentic_step="model"})`, 2)
	wait(`sum(gen_ai_client_operation_duration_seconds_count{job="aigentic",error_type="429"})`, 2)
	wait(`sum(gen_ai_client_operation_duration_seconds_count{job="aigentic",error_type="503"})`, 4)
	// 8 successful model calls × (10 input + 5 output tokens), 2 USD each.
	wait(`sum(gen_ai_client_token_usage_sum{job="aigentic",gen_ai_token_type="input"})`, 80)
	wait(`sum(gen_ai_client_token_usage_sum{job="aigentic",gen_ai_token_type="output"})`, 40)
	wait(`sum(aigentic_cost_USD_total{job="aigentic"})`, 16)
	wait(`count(target_info{job="aigentic",service_name="telemetry-test"})`, 1)

	// The rules file loaded into the real server, healthy, and computing:
	// 1 failed of 5 finished runs in the second batch (the retried 429 run
	// is not an error), above the 10% threshold with enough traffic, so
	// the alert is pending (it fires after 5 minutes).
	ratio, err := s.WaitFor(ctx, `aigentic:run_error_ratio:rate5m{`+agent+`}`, func(v model.Vector) bool {
		return len(v) == 1 && v[0].Value > 0
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := float64(ratio[0].Value); math.Abs(got-0.2) > 0.05 {
		t.Errorf("error ratio %v, want ≈ 0.2 (1 failed of 5)", got)
	}
	wait(`count(ALERTS{alertname="AigenticRunErrorRateHigh",alertstate="pending",`+agent+`})`, 1)
	rules, err := s.API.Rules(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			n++
			switch r := r.(type) {
			case v1.AlertingRule:
				if r.Health != v1.RuleHealthGood {
					t.Errorf("alert %s: health %s: %s", r.Name, r.Health, r.LastError)
				}
			case v1.RecordingRule:
				if r.Health != v1.RuleHealthGood {
					t.Errorf("recording rule %s: health %s: %s", r.Name, r.Health, r.LastError)
				}
			}
		}
	}
	if n != 13 {
		t.Errorf("%d rules loaded, want the file's 13", n)
	}
}
