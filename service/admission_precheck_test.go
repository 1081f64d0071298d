package main

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// countingQueue counts the transactions admission opens (InTx: BEGIN
// IMMEDIATE on SQLite, the tenant's advisory lock on PostgreSQL).
type countingQueue struct {
	queue
	txs atomic.Int64
}

func (q *countingQueue) InTx(ctx context.Context, fn func(tx txn, jobs txJobs) error) error {
	q.txs.Add(1)
	return q.queue.InTx(ctx, fn)
}

const precheckTenants = `
tenants:
  p:
    rate: 0.001
    burst: 2
    max_queued_jobs: 1
    daily_token_budget: 10000
    run_token_reservation: 500
`

// Once a tenant is refused, a request refused again before the
// refusal's Retry-After — for the queue cap, the rate or the budget —
// opens no transaction: it is refused on reads (admission.precheck), so it
// takes neither SQLite's write lock nor PostgreSQL's tenant lock. The
// first refusal of a spell, and every admitted request, open one: the
// checks run under the lock.
func precheckTest(t *testing.T, args ...string) {
	tenants, _ := writeTenants(t, precheckTenants)
	clock := newTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ts := startServiceWith(t, options{model: newGateModel(""), now: clock.now}, append([]string{"-tenants", tenants, "-role", "api"}, args...)...)
	q := &countingQueue{queue: ts.admit.queue}
	a := &admission{queue: q, reads: ts.admit.reads, kind: ts.admit.kind, now: ts.admit.now, idempotencyWindow: ts.admit.idempotencyWindow}
	ten := ts.tenants["p"]
	by := &principal{role: roleTenant, tenant: ten, via: viaAPIKey}
	ctx := t.Context()
	step := func(what string, err error, want error, txs int64) {
		t.Helper()
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Fatalf("%s: %v, want %v", what, err, want)
		}
		if got := q.txs.Load(); got != txs {
			t.Fatalf("%s: %d admission transactions so far, want %d", what, got, txs)
		}
	}
	_, err := a.admitJob(ctx, ten, "first", by, nil)
	step("first job", err, nil, 1)
	_, err = a.admitJob(ctx, ten, "second", by, nil)
	step("second job, over max_queued_jobs: the spell's first refusal", err, ErrQueueFull, 2)
	_, err = a.admitJob(ctx, ten, "third", by, nil)
	step("third job, over max_queued_jobs", err, ErrQueueFull, 2)
	_, err = a.admitRun(ctx, ten, nil)
	step("a run, the bucket's last token", err, nil, 3)
	_, err = a.admitRun(ctx, ten, nil)
	step("a run over the rate", err, ErrRateLimited, 3)
	clock.add(time.Hour) // tokens back in the bucket; the spell over
	if err := ts.store.addTokens(ctx, "p", 10000); err != nil {
		t.Fatal(err)
	}
	_, err = a.admitRun(ctx, ten, nil)
	step("a run over the budget: a new spell's first refusal", err, ErrBudgetExhausted, 4)
	_, err = a.admitRun(ctx, ten, nil)
	step("a run over the budget", err, ErrBudgetExhausted, 4)
	idem := &idempotency{keyHash: strings.Repeat("a", 64), fingerprint: "f"}
	_, err = a.admitRun(ctx, ten, idem)
	step("a keyed run over the budget", err, ErrBudgetExhausted, 4)
}

func TestRefusedAdmissionOpensNoTransactionOnSQLite(t *testing.T) { precheckTest(t) }

func TestRefusedAdmissionOpensNoTransactionOnPostgres(t *testing.T) {
	precheckTest(t, "-db", postgresURL(t))
}

// With another process holding SQLite's write lock (BEGIN IMMEDIATE on
// its own connection to the file), a request over the rate (after a
// first refusal) still gets its 429: it reads, and a reader in WAL mode waits for no writer.
// Refused under the lock instead, it would wait the busy timeout (10 s)
// and fail with SQLITE_BUSY (500).
func TestRefusedAdmissionDoesNotWaitForSQLiteWriteLock(t *testing.T) {
	tenants, keys := writeTenants(t, precheckTenants)
	path := filepath.Join(t.TempDir(), "lock.db")
	ts := startServiceWith(t, options{model: newGateModel("")}, "-tenants", tenants, "-role", "api", "-db", "sqlite://"+path)
	for i := range 3 { // two admitted (burst 2), then over the rate
		r := ts.do(t, "POST", "/v1/runs", keys["p"], "", `{"query":"q"}`)
		if want := []int{200, 200, 429}[i]; r.status != want {
			t.Fatalf("request %d: %d %s, want %d", i+1, r.status, r.raw, want)
		}
	}
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), "ROLLBACK") }()
	r := ts.do(t, "POST", "/v1/runs", keys["p"], "", `{"query":"q"}`)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("over the rate while another process holds the write lock: %d %s, want 429", r.status, r.raw)
	}
}

// On PostgreSQL: with the tenant's admission lock held elsewhere (a
// session advisory lock on admission's key), a request over the rate
// (after a first refusal) still gets its 429. Refused under the lock instead, it would wait for
// it (the client gives up after 30 s and the test fails).
func TestRefusedAdmissionDoesNotWaitForTenantLockOnPostgres(t *testing.T) {
	url := postgresURL(t)
	tenants, keys := writeTenants(t, precheckTenants)
	ts := startServiceWith(t, options{model: newGateModel("")}, "-tenants", tenants, "-role", "api", "-db", url)
	for i := range 3 {
		r := ts.do(t, "POST", "/v1/runs", keys["p"], "", `{"query":"q"}`)
		if want := []int{200, 200, 429}[i]; r.status != want {
			t.Fatalf("request %d: %d %s, want %d", i+1, r.status, r.raw, want)
		}
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), `SELECT pg_advisory_lock(hashtextextended($1, 0))`, "aigentic:admission:p"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", ts.url+"/v1/runs", strings.NewReader(`{"query":"q"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+keys["p"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("over the rate while the tenant's admission lock is held: %v, want a 429", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("over the rate while the tenant's admission lock is held: %d, want 429", resp.StatusCode)
	}
}

// BenchmarkAdmission is admission's cost per request on SQLite, with and
// without the read-only precheck (reads nil: every check under the
// lock): a refused run (over the rate, in a refusal spell) and an
// admitted one (a tenant without a budget: no reservation; no spell, so
// no precheck either way).
//
//	go test ./service -run '^$' -bench Admission -benchmem
func BenchmarkAdmission(b *testing.B) {
	tenants, _ := writeTenants(b, `
tenants:
  refused:
    rate: 0.001
    burst: 1
  admitted:
    rate: 1000000
    burst: 1000000
`)
	ts := startServiceWith(b, options{model: newGateModel("")}, "-tenants", tenants, "-role", "api")
	ctx := b.Context()
	if _, err := ts.admit.admitRun(ctx, ts.tenants["refused"], nil); err != nil { // the bucket's only token
		b.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		tenant string
		reads  bool
	}{{"refused/precheck", "refused", true}, {"refused/locked", "refused", false}, {"admitted/precheck", "admitted", true}, {"admitted/locked", "admitted", false}} {
		b.Run(c.name, func(b *testing.B) {
			a := &admission{queue: ts.admit.queue, reads: ts.admit.reads, kind: ts.admit.kind, now: ts.admit.now}
			if !c.reads {
				a.reads = nil
			}
			ten := ts.tenants[c.tenant]
			for b.Loop() {
				_, err := a.admitRun(ctx, ten, nil)
				if (c.tenant == "refused") != errors.Is(err, ErrRateLimited) {
					b.Fatal(err)
				}
			}
		})
	}
}

// A keyed job retried while its tenant is being refused (the client lost
// the 202 and retries) gets its replay — the same job, replayed — not the
// spell's 429: precheck leaves a key the tenant already used to the
// locked transaction, where the replay comes before any check
// (admission.precheck). A new key during the spell is still refused.
func replayDuringRefusalSpellTest(t *testing.T, args ...string) {
	tenants, _ := writeTenants(t, precheckTenants)
	clock := newTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ts := startServiceWith(t, options{model: newGateModel(""), now: clock.now}, append([]string{"-tenants", tenants, "-role", "api"}, args...)...)
	a, p := ts.admit, ts.tenants["p"]
	by := &principal{role: roleTenant, tenant: p, via: viaAPIKey}
	ctx := t.Context()
	key := &idempotency{keyHash: strings.Repeat("b", 64), fingerprint: "f"}
	first, err := a.admitJob(ctx, p, "first", by, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.admitJob(ctx, p, "second", by, nil); !errors.Is(err, ErrQueueFull) { // max_queued_jobs 1: a spell
		t.Fatalf("second job: %v, want %v", err, ErrQueueFull)
	}
	if !a.isRefusing(p, clock.now()) {
		t.Fatal("no refusal spell after the queue cap's refusal")
	}
	again, err := a.admitJob(ctx, p, "first", by, key)
	if err != nil || !again.replayed || again.publicID != first.publicID {
		t.Fatalf("the key retried during the spell: %+v, %v; want the replay of %s", again, err, first.publicID)
	}
	other := &idempotency{keyHash: strings.Repeat("c", 64), fingerprint: "f"}
	if _, err := a.admitJob(ctx, p, "third", by, other); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("a new key during the spell: %v, want %v", err, ErrQueueFull)
	}
}

func TestReplayDuringRefusalSpellOnSQLite(t *testing.T) { replayDuringRefusalSpellTest(t) }

func TestReplayDuringRefusalSpellOnPostgres(t *testing.T) {
	replayDuringRefusalSpellTest(t, "-db", postgresURL(t))
}
