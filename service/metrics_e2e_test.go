package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
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
	// Admission's clock stands still, so the bucket does not refill: the
	// 11th request is refused however slowly the machine runs them.
	frozen := time.Now()
	ts := startServiceWith(t, options{model: llm, now: func() time.Time { return frozen }}, "-tenants", tenants)

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

	// Past the tenant's burst (10 requests so far) the service refuses
	// with 429: those requests are neither runs nor errors.
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

// dashboardModel answers by the user's message: "loop" makes it call
// lookup_order every time (a run stopped at MaxLLMCalls), "refund" asks
// for a refund (a job that waits for approval) then answers; anything
// else is answered at once.
type dashboardModel struct{}

func (dashboardModel) ModelName() string { return "dash" }

func (dashboardModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "dash"}, nil
}

func (dashboardModel) Generate(_ context.Context, req ai.Request) (*ai.Response, error) {
	var user string
	tools := 0
	for _, m := range req.Messages {
		switch m.Role {
		case ai.RoleUser:
			user = m.Content
		case ai.RoleTool:
			tools++
		}
	}
	usage := ai.Usage{InputTokens: 12, OutputTokens: 3}
	call := func(name, args string) (*ai.Response, error) {
		return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant,
			ToolCalls: []ai.ToolCall{{ID: fmt.Sprintf("call_%d", tools), Name: name, Arguments: args}}}}, nil
	}
	switch {
	case strings.Contains(user, "loop"):
		return call("lookup_order", `{"order_id":1}`)
	case strings.Contains(user, "refund") && tools == 0:
		return call("issue_refund", `{"order_id":42}`)
	}
	return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, Content: "done"}}, nil
}

// grafanaVariables stand for the dashboard's variables in its queries:
// every tenant, and a rate window of a minute (Prometheus scrapes every
// second here).
var grafanaVariables = strings.NewReplacer("$__rate_interval", "1m", "$tenant", ".*")

// TestGrafanaDashboardQueriesInPrometheus (issue 20): the service does a
// bit of everything — runs that answer, retry, give up, hit MaxLLMCalls,
// get refused at admission; jobs that complete, wait for approval, are
// decided — and a real Prometheus scrapes it. Every query of every panel
// of deploy/grafana/aigentic-service.json must then return series: a
// renamed metric or label breaks this test, not the dashboard in
// production.
func TestGrafanaDashboardQueriesInPrometheus(t *testing.T) {
	clearOTELEnv(t)
	b, err := os.ReadFile("../deploy/grafana/aigentic-service.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	llm := aitest.Inject(dashboardModel{})
	tenants, keys := writeTenants(t, `tenants:
  acme:
    retries: 1
    max_llm_calls: 2
    rate: 1000
    burst: 1000
    approver_keys: [APPROVER]
  tiny:
    rate: 0.001
    burst: 1
`)
	ts := startService(t, llm, "-tenants", tenants)
	prom := promtest.Run(t, promtest.Config{Targets: []string{strings.TrimPrefix(ts.url, "http://")}, Job: "aigentic", BearerToken: keys["_metrics"]})

	run := func(key, query string, want int) {
		t.Helper()
		if r := ts.do(t, "POST", "/v1/runs", key, "", `{"query":"`+query+`"}`); r.status != want {
			t.Fatalf("run %q: %d %s, want %d", query, r.status, r.raw, want)
		}
	}
	traffic := func() {
		run(keys["acme"], "hello", 200)
		llm.FailNext(aitest.StatusError(http.StatusServiceUnavailable, 0)) // retried, then ok
		run(keys["acme"], "hello again", 200)
		llm.FailNext(aitest.StatusError(http.StatusServiceUnavailable, 0), aitest.StatusError(http.StatusServiceUnavailable, 0)) // retries exhausted
		run(keys["acme"], "give up", 502)
		run(keys["acme"], "loop", 200) // stopped at MaxLLMCalls, partial work kept
		j := ts.do(t, "POST", "/v1/jobs", keys["acme"], "", `{"query":"Where is order 7?"}`)
		ts.waitJob(t, keys["acme"], j.body["id"], "completed")
	}
	traffic()
	run(keys["tiny"], "hello", 200)
	run(keys["tiny"], "hello", 429) // rate limited
	decided := ts.do(t, "POST", "/v1/jobs", keys["acme"], "", `{"query":"Please refund order 42"}`)
	_, p := ts.waitPending(t, keys["acme"], decided.body["id"])
	if d := ts.do(t, "POST", jobPath(decided.body["id"], "/approvals/", str(p["id"])), keys["acme.approver"], "", `{"decision":"approve"}`); d.status != 202 {
		t.Fatalf("decision: %d %s", d.status, d.raw)
	}
	ts.waitJob(t, keys["acme"], decided.body["id"], "completed")
	waiting := ts.do(t, "POST", "/v1/jobs", keys["acme"], "", `{"query":"Please refund order 43"}`)
	ts.waitPending(t, keys["acme"], waiting.body["id"])
	// A counter's rate needs two samples: go on until the queries answer.
	queries := 0
	for _, panel := range dash.Panels {
		for _, target := range panel.Targets {
			queries++
			expr := grafanaVariables.Replace(target.Expr)
			if strings.Contains(expr, "$") {
				t.Errorf("panel %q: a variable the test does not know in %s", panel.Title, target.Expr)
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			_, err := prom.WaitFor(ctx, expr, func(v model.Vector) bool {
				if len(v) == 0 {
					traffic() // keep counters moving
				}
				return len(v) > 0
			})
			cancel()
			if err != nil {
				t.Errorf("panel %q: %s returned no series: %v", panel.Title, expr, err)
			}
		}
	}
	if queries < 16 {
		t.Fatalf("the dashboard has %d queries; the test expects every panel's (16)", queries)
	}
}
