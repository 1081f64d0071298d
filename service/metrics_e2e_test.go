package main

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/telemetry/promtest"
)

// TestServiceMetricsInPrometheus is the end-to-end test of issue 10: the
// service runs agent runs over its HTTP API (POST /v1/runs), one per batch
// failing on a permanent model error; a real Prometheus (Debian's
// package) scrapes the service's GET /metrics with a metrics key and the
// repository's rules loaded; the values come back through /api/v1/query.
// Requests the service refuses with 429 (the tenant's admission rate) are
// not runs and not errors: they are counted as refusals, by tenant.
func TestServiceMetricsInPrometheus(t *testing.T) {
	clearOTELEnv(t)
	steps := make([]aitest.Step, 100)
	for i := range steps {
		steps[i] = aitest.Reply("Your order has shipped.")
	}
	llm := aitest.Inject(aitest.NewScripted(steps...))
	tenants, keys := writeTenants(t, "tenants:\n  acme:\n    rate: 5\n    burst: 10\n")
	ts := startService(t, llm, "-tenants", tenants)

	prom := promtest.Run(t, promtest.Config{
		Targets:     []string{strings.TrimPrefix(ts.url, "http://")},
		Job:         "aigentic",
		RuleFiles:   []string{"../deploy/prometheus/aigentic-rules.yml"},
		BearerToken: keys["_metrics"],
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	wait := func(expr string, want float64) {
		t.Helper()
		if _, err := prom.WaitFor(ctx, expr, func(v model.Vector) bool {
			return len(v) == 1 && math.Abs(float64(v[0].Value)-want) < 1e-9
		}); err != nil {
			t.Fatalf("want %s = %v: %v", expr, want, err)
		}
	}
	post := func() int {
		return ts.do(t, "POST", "/v1/runs", keys["acme"], "", `{"query":"where is order 42?"}`).status
	}
	// batch: 1 run failing on a permanent error (no retry), then 4 ok.
	batch := func() {
		llm.FailNext(aitest.StatusError(http.StatusBadRequest, 0))
		if st := post(); st == http.StatusOK || st == http.StatusTooManyRequests {
			t.Fatalf("failing run answered %d", st)
		}
		for range 4 {
			if st := post(); st != http.StatusOK {
				t.Fatalf("run answered %d", st)
			}
		}
	}
	const agent = `job="aigentic",gen_ai_agent_name="support"`

	// Two batches, each scraped before the next: rate() needs a counter's
	// second sample to see an increase.
	batch()
	wait(`sum(aigentic_runs_total{`+agent+`})`, 5)
	batch()
	wait(`sum(aigentic_runs_total{`+agent+`,outcome="ok"})`, 8)
	wait(`sum(aigentic_runs_total{`+agent+`,outcome="model_error"})`, 2)
	wait(`sum(gen_ai_client_operation_duration_seconds_count{job="aigentic",error_type="400"})`, 2)
	wait(`sum(gen_ai_client_token_usage_sum{job="aigentic",gen_ai_token_type="input"})`, 80) // 8 calls × 10
	wait(`count(target_info{job="aigentic",service_name="aigentic-service"})`, 1)

	// 1 failed of 5 finished in the window: above 10% with enough runs.
	ratio, err := prom.WaitFor(ctx, `aigentic:run_error_ratio:rate5m{`+agent+`}`, func(v model.Vector) bool {
		return len(v) == 1 && v[0].Value > 0
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := float64(ratio[0].Value); math.Abs(got-0.2) > 0.05 {
		t.Errorf("error ratio %v, want ≈ 0.2", got)
	}
	wait(`count(ALERTS{alertname="AigenticRunErrorRateHigh",alertstate="pending",`+agent+`})`, 1)

	// Past the tenant's burst the service refuses with 429: those requests
	// are neither runs nor errors.
	okRuns, refused := 8, 0
	for range 40 {
		switch st := post(); st {
		case http.StatusOK:
			okRuns++
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("run answered %d", st)
		}
		if refused >= 3 {
			break
		}
	}
	if refused == 0 {
		t.Fatal("the service refused nothing: the test needs 429s")
	}
	wait(`sum(aigentic_runs_total{`+agent+`})`, float64(okRuns+2))
	wait(`sum(aigentic_runs_total{`+agent+`,outcome="model_error"})`, 2)
	wait(`sum(aigentic_service_requests_refused_total{job="aigentic",reason="rate_limited",tenant="acme"})`, float64(refused))
}
