package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// Two tenants, each allowed one queued job; -role api runs no workers, so
// jobs stay queued.
const twoTenantsOneQueued = `
tenants:
  a:
    max_queued_jobs: 1
    rate: 1000
    burst: 1000
  b:
    max_queued_jobs: 1
    rate: 1000
    burst: 1000
`

// max_queued_jobs counts the tenant's own jobs only: tenant b at its
// limit does not refuse tenant a, and a's second job is refused.
func TestQueuedJobLimitIsPerTenant(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenantsOneQueued)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants, "-role", "api")
	if r := ts.do(t, "POST", "/v1/jobs", keys["b"], "", `{"query":"b's job"}`); r.status != 202 {
		t.Fatalf("b's job: %d %s", r.status, r.raw)
	}
	if r := ts.do(t, "POST", "/v1/jobs", keys["a"], "", `{"query":"a's job"}`); r.status != 202 {
		t.Fatalf("a refused by b's backlog: %d %s", r.status, r.raw)
	}
	if r := ts.do(t, "POST", "/v1/jobs", keys["a"], "", `{"query":"a's second job"}`); r.status != 429 {
		t.Fatalf("a's second job past max_queued_jobs 1: %d %s", r.status, r.raw)
	}
}

// An Idempotency-Key is the tenant's own: tenant b sending the value
// tenant a used gets a job of its own, never a's.
func TestIdempotencyKeyIsPerTenant(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenantsOneQueued)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants, "-role", "api")
	a := ts.post(t, "/v1/jobs", keys["a"], ptr("shared-key-value"), `{"query":"order 7"}`)
	b := ts.post(t, "/v1/jobs", keys["b"], ptr("shared-key-value"), `{"query":"order 7"}`)
	if a.status != 202 || b.status != 202 || b.body["id"] == a.body["id"] || b.header.Get("Idempotent-Replayed") != "" || b.body["tenant"] != "b" {
		t.Fatalf("a: %d %s; b with a's key: %d %s", a.status, a.raw, b.status, b.raw)
	}
	if n := jobCount(t, ts); n != 2 {
		t.Fatalf("%d jobs, want one per tenant", n)
	}
}

// finishRun stores a run's answer and error redacted: a registered secret
// in either never reaches the database.
func TestFinishRunStoresRedacted(t *testing.T) {
	const key = "sk-finishrun-0123456789abcdef"
	secret.Register(key)
	ts := startService(t, aitest.NewScripted(), "-role", "api")
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"order 7"}`)
	id := riverIDOf(t, ts, r.body["id"])
	ctx := context.Background()
	if err := ts.store.finishRun(ctx, id, "default", outcomeError, "the key is "+key, "401: bad key "+key); err != nil {
		t.Fatal(err)
	}
	var answer, errMsg string
	if err := ts.db.sql.QueryRowContext(ctx, `SELECT answer, error FROM aigentic_run WHERE job_id = $1`, id).Scan(&answer, &errMsg); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(answer+errMsg, key) || !strings.HasPrefix(answer, "the key is ") || !strings.HasPrefix(errMsg, "401: bad key ") {
		t.Fatalf("stored answer %q error %q, want the key redacted", answer, errMsg)
	}
}

// jobIDOf finds a public id among the tenant's jobs only: another
// tenant's is errNoJob (store.go's own check, without jobs.go's).
func TestJobIDOfIsPerTenant(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenantsOneQueued)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants, "-role", "api")
	a := ts.do(t, "POST", "/v1/jobs", keys["a"], "", `{"query":"a's job"}`)
	pub, _ := a.body["id"].(string)
	if _, err := ts.store.jobIDOf(context.Background(), "b", pub); !errors.Is(err, errNoJob) {
		t.Fatalf("b looking up a's job: %v, want errNoJob", err)
	}
	if id, err := ts.store.jobIDOf(context.Background(), "a", pub); err != nil || id != riverIDOf(t, ts, pub) {
		t.Fatalf("a looking up its job: %d, %v", id, err)
	}
	if r := ts.do(t, "GET", jobPath(pub), keys["b"], "", ""); r.status != 404 {
		t.Fatalf("b GETs a's job: %d %s", r.status, r.raw)
	}
}

// GET /v1/jobs/{id} checks the River job's own tenant too (jobs.go's
// check, without store.go's): a public id whose mapping row says tenant b
// (a row gone wrong) while River holds the job for tenant a is a 404 for
// b, never a's job and run.
func TestJobLookupChecksTheJobsTenant(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenantsOneQueued)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants, "-role", "api")
	a := ts.do(t, "POST", "/v1/jobs", keys["a"], "", `{"query":"a's secret order"}`)
	if err := ts.store.finishRun(context.Background(), riverIDOf(t, ts, a.body["id"]), "a", outcomeOK, "a's answer", ""); err != nil {
		t.Fatal(err)
	}
	if r := ts.do(t, "GET", jobPath(a.body["id"]), keys["a"], "", ""); r.status != 200 || r.body["answer"] != "a's answer" {
		t.Fatalf("a GETs its job: %d %s", r.status, r.raw)
	}
	if _, err := ts.db.sql.ExecContext(context.Background(), `UPDATE aigentic_job SET tenant = 'b' WHERE public_id = $1`, a.body["id"]); err != nil {
		t.Fatal(err)
	}
	if r := ts.do(t, "GET", jobPath(a.body["id"]), keys["b"], "", ""); r.status != 404 || strings.Contains(r.raw, "a's answer") {
		t.Fatalf("b GETs a job River holds for a: %d %s", r.status, r.raw)
	}
}

// The replay of an Idempotency-Key finds its job among the tenant's own
// (admitJob's own check, behind lookupIdempotency's): a key row of tenant
// b that names a's job (a row gone wrong) never answers with a's job.
func TestIdempotentReplayFindsOnlyTheTenantsJob(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenantsOneQueued)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants, "-role", "api")
	a := ts.do(t, "POST", "/v1/jobs", keys["a"], "", `{"query":"a's job"}`)
	if b := ts.post(t, "/v1/jobs", keys["b"], ptr("b-key"), `{"query":"order 7"}`); b.status != 202 {
		t.Fatalf("b: %d %s", b.status, b.raw)
	}
	if _, err := ts.db.sql.ExecContext(context.Background(), `UPDATE aigentic_idempotency SET public_id = $1 WHERE tenant = 'b'`, a.body["id"]); err != nil {
		t.Fatal(err)
	}
	r := ts.post(t, "/v1/jobs", keys["b"], ptr("b-key"), `{"query":"order 7"}`)
	if r.status == 202 || strings.Contains(r.raw, a.body["id"].(string)) {
		t.Fatalf("b's replay answered with a's job: %d %s", r.status, r.raw)
	}
}
