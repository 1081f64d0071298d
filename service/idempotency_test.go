package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

const idempotencyTenants = `
tenants:
  t:
    rate: 0.001
    burst: 4
  u:
    rate: 100000
    burst: 100000
`

// post sends body to path with an Idempotency-Key (none when key is nil).
func (ts *testService) post(t *testing.T, path, bearer string, key *string, body string) response {
	t.Helper()
	req, err := http.NewRequest("POST", ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer)
	if key != nil {
		req.Header["Idempotency-Key"] = []string{*key}
	}
	return ts.send(t, req)
}

// jobCount is the number of River jobs.
func jobCount(t *testing.T, ts *testService) int {
	t.Helper()
	var n int
	if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func ptr(s string) *string { return &s }

// idempotentJobsTest: a POST /v1/jobs and ten retries with one
// Idempotency-Key, all eleven at once, make one job — the per-tenant lock
// of admission's transaction serializes them: one inserts the job, ten
// replay it, past the tenant's rate (a replay uses no rate token) —;
// another body with the key is a 409; another tenant's same key is its
// own; after the window the key makes a new job.
func idempotentJobsTest(t *testing.T, db ...string) {
	tenants, keys := writeTenants(t, idempotencyTenants)
	var shift atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	model := aitest.NewScripted()
	args := append([]string{"-tenants", tenants, "-role", "api"}, db...)
	ts := startServiceWith(t, options{model: model, now: clock}, args...)
	key := ptr("8e03978e-40d5-43e8-bc93-6894a57f9324")
	// The request and its retries — formatted differently, the key bare or
	// quoted as a Structured Field string — eleven at once.
	var wg sync.WaitGroup
	answers := make([]response, 11)
	for i := range answers {
		wg.Go(func() {
			k, body := *key, `{"query":"Check order 7"}`
			if i%2 == 1 {
				k, body = `"`+k+`"`, "{ \"query\" : \"  Check order 7\" }"
			}
			answers[i] = ts.post(t, "/v1/jobs", keys["t"], &k, body)
		})
	}
	wg.Wait()
	made := -1
	for i, a := range answers {
		if a.status != 202 {
			t.Fatalf("request %d: %d %s", i, a.status, a.raw)
		}
		if a.header.Get("Idempotent-Replayed") == "" {
			if made >= 0 {
				t.Fatalf("two requests with one key made a job each: %s and %s", answers[made].raw, a.raw)
			}
			made = i
		}
	}
	if made < 0 {
		t.Fatal("every request was a replay: none made the job")
	}
	id := answers[made].body["id"]
	for i, a := range answers {
		if a.body["id"] != id || a.header.Get("Location") != "/v1/jobs/"+str(id) || (i != made && a.header.Get("Idempotent-Replayed") != "true") {
			t.Fatalf("request %d: %d %v %s; the job is %v", i, a.status, a.header, a.raw, id)
		}
	}
	if n := jobCount(t, ts); n != 1 {
		t.Fatalf("%d jobs after 11 requests with one key", n)
	}
	// Another request with the key: 409, nothing made.
	other := ts.post(t, "/v1/jobs", keys["t"], key, `{"query":"Check order 8"}`)
	if other.status != 409 || !strings.Contains(str(other.body["error"]), "used for a different request") {
		t.Fatalf("another body: %d %s", other.status, other.raw)
	}
	if r := ts.post(t, "/v1/runs", keys["t"], key, `{"query":"Check order 7"}`); r.status != 409 {
		t.Fatalf("the key on the other route: %d %s", r.status, r.raw)
	}
	// Another tenant's same key is its own.
	if u := ts.post(t, "/v1/jobs", keys["u"], key, `{"query":"Check order 7"}`); u.status != 202 || u.body["id"] == id {
		t.Fatalf("tenant u: %d %s", u.status, u.raw)
	}
	// Only the first request took a rate token (burst 4, no refill): three
	// new requests still pass, the fourth is refused.
	for i := range 4 {
		r := ts.post(t, "/v1/jobs", keys["t"], nil, `{"query":"Check order 9"}`)
		if want := map[bool]int{true: 202, false: 429}[i < 3]; r.status != want {
			t.Fatalf("request %d after the replays: %d, want %d", i, r.status, want)
		}
	}
	if n := jobCount(t, ts); n != 5 {
		t.Fatalf("%d jobs, want 5", n)
	}
	// Past the window the key is free again.
	shift.Store(int64(25*time.Hour + time.Hour)) // the bucket refills too
	if r := ts.post(t, "/v1/jobs", keys["t"], key, `{"query":"Check order 7"}`); r.status != 202 || r.body["id"] == id || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("after the window: %d %s", r.status, r.raw)
	}
}

func TestIdempotentJobsSQLite(t *testing.T) { idempotentJobsTest(t) }

func TestIdempotentJobsPostgres(t *testing.T) { idempotentJobsTest(t, "-db", postgresURL(t)) }

// A run with an Idempotency-Key is answered once: a retry gets the
// stored answer without a model call; a run that failed is not
// remembered, so its retry runs again.
func TestIdempotentRuns(t *testing.T) {
	tenants, keys := writeTenants(t, idempotencyTenants)
	llm := aitest.Inject(aitest.NewScripted(aitest.Reply("Order 7 has shipped."), aitest.Reply("Order 8 is late.")))
	ts := startService(t, llm, "-tenants", tenants)
	key := ptr("run-1")
	first := ts.post(t, "/v1/runs", keys["u"], key, `{"query":"Where is order 7?"}`)
	again := ts.post(t, "/v1/runs", keys["u"], key, `{"query":"Where is order 7?"}`)
	if first.status != 200 || again.status != 200 || again.raw != first.raw || again.header.Get("Idempotent-Replayed") != "true" || llm.Calls() != 1 {
		t.Fatalf("first %d %s\nagain %d %v %s\nmodel calls %d", first.status, first.raw, again.status, again.header, again.raw, llm.Calls())
	}
	if r := ts.post(t, "/v1/runs", keys["u"], key, `{"query":"Where is order 8?"}`); r.status != 409 || llm.Calls() != 1 {
		t.Fatalf("another body: %d %s", r.status, r.raw)
	}
	llm.FailNext(aitest.StatusError(http.StatusBadRequest, 0))
	failed := ts.post(t, "/v1/runs", keys["u"], ptr("run-2"), `{"query":"Where is order 8?"}`)
	retried := ts.post(t, "/v1/runs", keys["u"], ptr("run-2"), `{"query":"Where is order 8?"}`)
	if failed.status != 502 || retried.status != 200 || retried.body["answer"] != "Order 8 is late." || retried.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("failed %d %s\nretried %d %s", failed.status, failed.raw, retried.status, retried.raw)
	}
}

// A bad Idempotency-Key is a 400 before anything: no job, no rate token.
func TestIdempotencyKeyBadInput(t *testing.T) {
	tenants, keys := writeTenants(t, idempotencyTenants)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants, "-role", "api")
	for _, c := range []struct {
		name string
		keys []string
		msg  string
	}{
		{"empty", []string{""}, "Idempotency-Key is empty"},
		{"empty quoted", []string{`""`}, "Idempotency-Key is empty"},
		{"too long", []string{strings.Repeat("k", 256)}, "256 bytes long: at most 255"},
		{"tab", []string{"a\tb"}, "other than visible ASCII"},
		{"not ASCII", []string{"clé"}, "other than visible ASCII"},
		{"two headers", []string{"a", "b"}, "more than one Idempotency-Key header"},
	} {
		for _, path := range []string{"/v1/jobs", "/v1/runs"} {
			req, _ := http.NewRequest("POST", ts.url+path, strings.NewReader(`{"query":"Check order 7"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+keys["t"])
			req.Header["Idempotency-Key"] = c.keys
			r := ts.send(t, req)
			if r.status != 400 || !strings.Contains(str(r.body["error"]), c.msg) || strings.Contains(r.raw, strings.Repeat("k", 100)) {
				t.Errorf("%s %s: %d %s", c.name, path, r.status, r.raw)
			}
		}
	}
	if n := jobCount(t, ts); n != 0 {
		t.Fatalf("%d jobs after bad keys", n)
	}
	// The bucket (burst 4) is untouched: four requests pass.
	for i := range 4 {
		if r := ts.post(t, "/v1/jobs", keys["t"], nil, `{"query":"Check order 7"}`); r.status != 202 {
			t.Fatalf("request %d after bad keys: %d %s", i, r.status, r.raw)
		}
	}
}
