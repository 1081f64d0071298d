package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// gateModel answers every call with usage tokens (input 40, output 10);
// calls for a query starting with a held prefix wait until released.
// Each run asks for open_ticket twice, then answers: 3 calls, 150 tokens.
type gateModel struct {
	held    string
	release chan struct{}
	waiting atomic.Int64
	calls   atomic.Int64
}

func newGateModel(held string) *gateModel {
	return &gateModel{held: held, release: make(chan struct{})}
}

func (m *gateModel) ModelName() string { return "gate" }

func (m *gateModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "gate"}, nil
}

func (m *gateModel) open() { close(m.release) }

func (m *gateModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	m.calls.Add(1)
	query, turns := "", 0
	for _, msg := range req.Messages {
		switch msg.Role {
		case ai.RoleUser:
			query = msg.Content
		case ai.RoleAssistant:
			turns++
		}
	}
	if m.held != "" && strings.HasPrefix(query, m.held) {
		m.waiting.Add(1)
		select {
		case <-m.release:
			m.waiting.Add(-1)
		case <-ctx.Done():
			m.waiting.Add(-1)
			return nil, ctx.Err()
		}
	}
	usage := ai.Usage{InputTokens: 40, OutputTokens: 10}
	if turns < 2 {
		return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{
			{ID: fmt.Sprintf("call_%d", turns), Name: "open_ticket", Arguments: `{"subject":"s"}`}}}}, nil
	}
	return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, Content: "done: " + query}}, nil
}

// waitFor polls cond (a liveness wait, not a timing assertion: what is
// asserted afterwards are counts and states).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// adminJobs is a tenant's unfinished jobs by state, from GET
// /v1/admin/tenants.
func (ts *testService) adminJobs(t *testing.T, adminKey, tenant string) map[string]float64 {
	t.Helper()
	r := ts.do(t, "GET", "/v1/admin/tenants", adminKey, "", "")
	list, _ := r.body["tenants"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m["tenant"] == tenant {
			out := map[string]float64{}
			jobs, _ := m["jobs"].(map[string]any)
			for k, v := range jobs {
				out[k], _ = v.(float64)
			}
			return out
		}
	}
	t.Fatalf("no tenant %s in %s", tenant, r.raw)
	return nil
}

const fairTenants = `
tenants:
  a:
    workers: 2
    rate: 100000
    burst: 100000
    max_queued_jobs: 1000
  b:
    workers: 2
    rate: 100000
    burst: 100000
    max_queued_jobs: 1000
`

// Issue 19: one FIFO queue let a tenant's job wait behind another's 300.
// Now tenant a has 20 jobs queued, its 2 workers held by the model; tenant
// b's job runs and completes while a's backlog stays exactly as it was —
// 2 running, 18 available, none finished: b's job overtook all 18 and
// waited for none of them. The bound: a tenant's job waits only for its
// own earlier jobs (queues.go).
func TestFairQueues(t *testing.T) { fairQueuesTest(t) }

// The same on PostgreSQL.
func TestFairQueuesOnPostgres(t *testing.T) { fairQueuesTest(t, "-db", postgresURL(t)) }

func fairQueuesTest(t *testing.T, args ...string) {
	model := newGateModel("a:")
	tenants, keys := writeTenants(t, fairTenants)
	ts := startService(t, model, append([]string{"-tenants", tenants}, args...)...)
	var aJobs []string
	for i := range 20 {
		r := ts.do(t, "POST", "/v1/jobs", keys["a"], "", fmt.Sprintf(`{"query":"a: order %d"}`, i))
		if r.status != 202 {
			t.Fatalf("a's job %d: %d %s", i, r.status, r.raw)
		}
		aJobs = append(aJobs, str(r.body["id"]))
	}
	waitFor(t, "a's two workers busy", func() bool { return model.waiting.Load() == 2 })
	b := ts.do(t, "POST", "/v1/jobs", keys["b"], "", `{"query":"b: my only order"}`)
	done := ts.waitJob(t, keys["b"], b.body["id"], "completed", "cancelled", "discarded")
	if done.body["state"] != "completed" || !strings.Contains(str(done.body["answer"]), "done: b: my only order") {
		t.Fatalf("b's job: %s", done.raw)
	}
	got := ts.adminJobs(t, keys["_admin"], "a")
	if got["running"] != 2 || got["available"] != 18 || len(got) != 2 {
		t.Fatalf("a's jobs when b's completed: %v, want 2 running and 18 available: b's job overtook a's whole backlog", got)
	}
	if model.waiting.Load() != 2 {
		t.Fatalf("%d of a's calls waiting, want its 2 workers'", model.waiting.Load())
	}
	model.open()
	for _, id := range aJobs {
		ts.waitJob(t, keys["a"], id, "completed")
	}
	m := ts.do(t, "GET", "/metrics", keys["_metrics"], "", "")
	if !strings.Contains(m.raw, `aigentic_service_job_wait_duration_seconds_count{otel_scope_name="github.com/nexxia-ai/aigentic-examples/service",otel_scope_schema_url="",otel_scope_version="",tenant="b"} 1`) {
		t.Errorf("no queue wait recorded for b:\n%s", grepLines(m.raw, "job_wait_duration_seconds_count"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

const capTenants = `
tenants:
  a:
    workers: 1
    timeout: 20s
    rate: 100000
    burst: 100000
    max_queued_jobs: 3
  b:
    rate: 100000
    burst: 100000
`

// A tenant's unfinished jobs are capped: of 10 concurrent POST /v1/jobs
// with max_queued_jobs 3, exactly 3 are admitted and 7 get 429 with
// Retry-After; the other tenant is not affected; once a's jobs finish, a
// may queue again.
func TestQueuedJobsCap(t *testing.T) { queuedJobsCapTest(t) }

// The same on PostgreSQL, where the count and the insert are serialized
// by an advisory lock.
func TestQueuedJobsCapOnPostgres(t *testing.T) { queuedJobsCapTest(t, "-db", postgresURL(t)) }

func queuedJobsCapTest(t *testing.T, args ...string) {
	model := newGateModel("a:")
	tenants, keys := writeTenants(t, capTenants)
	ts := startService(t, model, append([]string{"-tenants", tenants}, args...)...)
	statuses := make([]response, 10)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() { statuses[i] = ts.do(t, "POST", "/v1/jobs", keys["a"], "", fmt.Sprintf(`{"query":"a: %d"}`, i)) })
	}
	wg.Wait()
	var admitted []string
	refused := 0
	for _, r := range statuses {
		switch r.status {
		case 202:
			admitted = append(admitted, str(r.body["id"]))
		case 429:
			refused++
			if r.header.Get("Retry-After") != "20" || !strings.Contains(str(r.body["error"]), "its limit (max_queued_jobs 3)") {
				t.Fatalf("refusal: Retry-After %q %s", r.header.Get("Retry-After"), r.raw)
			}
		default:
			t.Fatalf("POST /v1/jobs: %d %s", r.status, r.raw)
		}
	}
	if len(admitted) != 3 || refused != 7 {
		t.Fatalf("%d admitted and %d refused, want 3 and 7", len(admitted), refused)
	}
	if r := ts.do(t, "POST", "/v1/jobs", keys["b"], "", `{"query":"b: unaffected"}`); r.status != 202 {
		t.Fatalf("the other tenant: %d %s", r.status, r.raw)
	}
	model.open()
	for _, id := range admitted {
		ts.waitJob(t, keys["a"], id, "completed")
	}
	if r := ts.do(t, "POST", "/v1/jobs", keys["a"], "", `{"query":"a: again"}`); r.status != 202 {
		t.Fatalf("after a's jobs finished: %d %s", r.status, r.raw)
	}
}

const budgetTenants = `
tenants:
  a:
    timeout: 20s
    rate: 100000
    burst: 100000
    max_queued_jobs: 1000
    daily_token_budget: 1000
    run_token_reservation: 100
`

// Issue 19: 30 concurrent runs spent 3.6× a 1,000-token daily budget
// (admission checked before, spend was known after). Now each admitted run
// reserves 100 tokens and may use no more: of 30 concurrent requests 10
// are admitted (their reservations fill the budget), 20 get 429, and the
// day's spend is 10 × 100 = 1,000 tokens — each run would have used 150.
// Without reservations all 30 would run: 4,500 tokens, 4.5×.
func TestBudgetHoldsUnderConcurrentRuns(t *testing.T) { budgetTest(t, "/v1/runs") }

// The same with jobs, whose reservations last while River has not
// finished them.
func TestBudgetHoldsUnderConcurrentJobs(t *testing.T) { budgetTest(t, "/v1/jobs") }

// Runs and jobs on PostgreSQL.
func TestBudgetHoldsUnderConcurrencyOnPostgres(t *testing.T) {
	t.Run("runs", func(t *testing.T) { budgetTest(t, "/v1/runs", "-db", postgresURL(t)) })
	t.Run("jobs", func(t *testing.T) { budgetTest(t, "/v1/jobs", "-db", postgresURL(t)) })
}

func budgetTest(t *testing.T, path string, args ...string) {
	model := newGateModel("a:")
	tenants, keys := writeTenants(t, budgetTenants)
	clock := newTestClock(time.Now().UTC().Truncate(24 * time.Hour).Add(12 * time.Hour))
	ts := startServiceWith(t, options{model: model, now: clock.now}, append([]string{"-tenants", tenants, "-workers", "30"}, args...)...)
	const n = 30
	results := make(chan response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results <- ts.do(t, "POST", path, keys["a"], "", fmt.Sprintf(`{"query":"a: %d"}`, i)) })
	}
	refused := 0
	var jobs []string
	if path == "/v1/jobs" {
		wg.Wait()
		close(results)
		for r := range results {
			switch r.status {
			case 202:
				jobs = append(jobs, str(r.body["id"]))
			case 429:
				refused++
			default:
				t.Fatalf("%s: %d %s", path, r.status, r.raw)
			}
		}
		waitFor(t, "every admitted job at its first model call", func() bool { return model.waiting.Load() == int64(len(jobs)) })
		model.open()
		for _, id := range jobs {
			ts.waitJob(t, keys["a"], id, "completed")
		}
	} else {
		// Admitted runs hold in the model until every refusal is in.
		for refused < n-10 {
			r := <-results
			if r.status != 429 {
				t.Fatalf("%s answered %d before the held runs were released: %s", path, r.status, r.raw)
			}
			if !strings.Contains(str(r.body["error"]), "used or reserved by runs in flight") {
				t.Fatalf("refusal: %s", r.raw)
			}
			refused++
		}
		waitFor(t, "10 admitted runs at their first model call", func() bool { return model.waiting.Load() == 10 })
		model.open()
		wg.Wait()
		close(results)
		for r := range results {
			if r.status != 200 || r.body["outcome"] != "limited" {
				t.Fatalf("admitted run: %d %s", r.status, r.raw)
			}
		}
	}
	admitted := n - refused
	used, err := ts.store.tokensUsed(context.Background(), "a", clock.now().Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d of %d admitted; %d tokens used of a 1000-token budget (%.2f×)", path, admitted, n, used, float64(used)/1000)
	if admitted != 10 || used != 1000 {
		t.Fatalf("%d admitted, %d tokens used; want 10 admitted and 1000 tokens: the budget plus at most one reservation", admitted, used)
	}
	if int(model.calls.Load()) != 2*admitted {
		t.Fatalf("%d model calls, want 2 per admitted run (the third refused by its reservation)", model.calls.Load())
	}
}

// The request rate is one token bucket in the database: two API processes
// on one database admit a tenant's burst once, not twice.
func TestRateIsSharedAcrossProcesses(t *testing.T) {
	rateShared(t, "sqlite://"+filepath.Join(t.TempDir(), "shared.db"))
}

// The same on PostgreSQL.
func TestRateIsSharedAcrossProcessesOnPostgres(t *testing.T) { rateShared(t, postgresURL(t)) }

func rateShared(t *testing.T, db string) {
	tenants, keys := writeTenants(t, "tenants:\n  a:\n    rate: 0.001\n    burst: 5\n")
	clock := newTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	model := newGateModel("")
	one := startServiceWith(t, options{model: model, now: clock.now}, "-tenants", tenants, "-db", db, "-role", "api")
	two := startServiceWith(t, options{model: model, now: clock.now}, "-tenants", tenants, "-db", db, "-role", "api")
	admitted := 0
	for i := range 10 {
		ts := one
		if i%2 == 1 {
			ts = two
		}
		switch r := ts.do(t, "POST", "/v1/jobs", keys["a"], "", `{"query":"hi"}`); r.status {
		case 202:
			admitted++
		case 429:
		default:
			t.Fatalf("%d %s", r.status, r.raw)
		}
	}
	if admitted != 5 {
		t.Fatalf("two processes admitted %d requests of a burst of 5", admitted)
	}
}
