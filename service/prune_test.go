package main

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

// pruneTest: on a database with rows of every kind the pruner decides,
// at an injected clock, it deletes exactly the rows its rules allow
// (prune.go) — those of finished jobs River deleted, older than the
// retention, no Idempotency-Key naming them — and keeps a live job's
// rows, a finished job's River still has, recent ones, an approval
// awaiting a decision, today's and yesterday's usage, the effect tables.
// A batch of 3 makes each table take several statements.
func pruneTest(t *testing.T, dbURL string) {
	ctx := t.Context()
	db, q := testQueue(t, dbURL)
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	old, recent, future := now.Add(-48*time.Hour).UnixMilli(), now.Add(-time.Hour).UnixMilli(), now.Add(time.Hour).UnixMilli()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := db.sql.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	insertJob := func() int64 {
		res, err := q.Insert(ctx, AskArgs{Tenant: "t", Query: "q"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Job.ID
	}
	live, finished := insertJob(), insertJob()
	exec(`UPDATE river_job SET state = 'completed', finalized_at = CURRENT_TIMESTAMP WHERE id = $1`, finished)
	const gone, goneRecent, goneKeyed = 9_000_001, 9_000_002, 9_000_003
	rowsOf := func(id, at int64) {
		exec(`INSERT INTO aigentic_job (public_id, job_id, tenant, created_at) VALUES ($1, $2, 't', $3)`, fmt.Sprintf("job_%d", id), id, at)
		exec(`INSERT INTO aigentic_run (job_id, tenant, updated_at) VALUES ($1, 't', $2)`, id, at)
	}
	approval := func(id int64, call, decision string, at, deadline int64) {
		exec(`INSERT INTO aigentic_approval (approval_id, job_id, call_id, tenant, tool, arguments, step, asked_at, deadline, decision, decided_at)
			VALUES ($1, $2, $3, 't', 'issue_refund', '{}', 0, $4, $5, $6, $7)`, fmt.Sprintf("apr_%d_%s", id, call), id, call, at, deadline, decision, at)
	}
	for _, id := range []int64{live, finished, gone, goneKeyed} {
		rowsOf(id, old)
	}
	rowsOf(goneRecent, recent)
	const extra = 10 // more rows of deleted jobs than one batch
	for i := range int64(extra) {
		rowsOf(9_100_000+i, old)
	}
	approval(live, "pending", "", old, old) // awaiting a decision: its job is live
	approval(finished, "decided", "approved", old, old)
	approval(gone, "decided", "approved", old, old)
	approval(gone, "expired", "", old, old)
	approval(gone, "waiting", "", old, future) // never decided, deadline not passed
	approval(goneRecent, "decided", "denied", recent, recent)
	exec(`INSERT INTO aigentic_idempotency (tenant, key_sha256, fingerprint, public_id, created_at, expires_at) VALUES ('t', 'live', 'f', $1, $2, $3)`,
		fmt.Sprintf("job_%d", goneKeyed), old, future)
	exec(`INSERT INTO aigentic_idempotency (tenant, key_sha256, fingerprint, public_id, created_at, expires_at) VALUES ('t', 'expired', 'f', $1, $2, $3)`,
		fmt.Sprintf("job_%d", gone), old, now.UnixMilli())
	for _, day := range []string{"2026-01-07", "2026-01-08", "2026-01-09", "2026-01-10"} {
		exec(`INSERT INTO aigentic_tenant_usage (tenant, day, tokens) VALUES ('t', $1, 5)`, day)
	}
	exec(`INSERT INTO aigentic_reservation (id, tenant, tokens, expires_at) VALUES ('run:old', 't', 5, $1), ('run:live', 't', 5, $2)`, old, future)
	for _, id := range []int64{live, finished, gone} {
		exec(`INSERT INTO aigentic_reservation (id, tenant, tokens, job_id, expires_at) VALUES ($1, 't', 5, $2, 0)`, fmt.Sprintf("job:%d", id), id)
	}
	exec(`INSERT INTO aigentic_ticket (idempotency_key, ticket_id, tenant, subject, created_at) VALUES ('k', 'T-1', 't', 's', $1)`, old)
	exec(`INSERT INTO aigentic_refund (idempotency_key, refund_id, tenant, order_id, created_at) VALUES ('k', 'R-1', 't', 1, $1)`, old)

	p := pruner{db: db.sql, now: func() time.Time { return now }, retention: 24 * time.Hour, batch: 3}
	counts, err := p.prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"aigentic_run": 1 + extra, "aigentic_job": 1 + extra, "aigentic_approval": 2, "aigentic_idempotency": 1,
		"aigentic_reservation": 3, "aigentic_tenant_usage": 2}
	for _, table := range pruneTables {
		if counts[table] != want[table] {
			t.Errorf("%s: pruned %d rows, want %d", table, counts[table], want[table])
		}
	}
	has := func(query string, args ...any) bool {
		t.Helper()
		var n int
		if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	for _, c := range []struct {
		what  string
		query string
		args  []any
		kept  bool
	}{
		{"live job's run", "aigentic_run WHERE job_id = $1", []any{live}, true},
		{"live job's public id", "aigentic_job WHERE job_id = $1", []any{live}, true},
		{"live job's approval awaiting a decision", "aigentic_approval WHERE job_id = $1", []any{live}, true},
		{"live job's reservation", "aigentic_reservation WHERE job_id = $1", []any{live}, true},
		{"finished job's run River still has", "aigentic_run WHERE job_id = $1", []any{finished}, true},
		{"finished job's approval River still has", "aigentic_approval WHERE job_id = $1", []any{finished}, true},
		{"finished job's reservation", "aigentic_reservation WHERE job_id = $1", []any{finished}, false},
		{"deleted job's run", "aigentic_run WHERE job_id = $1", []any{gone}, false},
		{"deleted job's public id", "aigentic_job WHERE job_id = $1", []any{gone}, false},
		{"deleted job's decided approval", "aigentic_approval WHERE job_id = $1 AND call_id = 'decided'", []any{gone}, false},
		{"deleted job's expired approval", "aigentic_approval WHERE job_id = $1 AND call_id = 'expired'", []any{gone}, false},
		{"deleted job's approval before its deadline", "aigentic_approval WHERE job_id = $1 AND call_id = 'waiting'", []any{gone}, true},
		{"recent deleted job's run", "aigentic_run WHERE job_id = $1", []any{goneRecent}, true},
		{"recent deleted job's public id", "aigentic_job WHERE job_id = $1", []any{goneRecent}, true},
		{"recent decided approval", "aigentic_approval WHERE job_id = $1", []any{goneRecent}, true},
		{"run of a job an Idempotency-Key names", "aigentic_run WHERE job_id = $1", []any{goneKeyed}, true},
		{"public id an Idempotency-Key names", "aigentic_job WHERE job_id = $1", []any{goneKeyed}, true},
		{"Idempotency-Key still counting", "aigentic_idempotency WHERE key_sha256 = 'live'", nil, true},
		{"Idempotency-Key past its window", "aigentic_idempotency WHERE key_sha256 = 'expired'", nil, false},
		{"today's usage", "aigentic_tenant_usage WHERE day = '2026-01-10'", nil, true},
		{"yesterday's usage", "aigentic_tenant_usage WHERE day = '2026-01-09'", nil, true},
		{"usage of two days ago", "aigentic_tenant_usage WHERE day = '2026-01-08'", nil, false},
		{"run reservation not expired", "aigentic_reservation WHERE id = 'run:live'", nil, true},
		{"expired run reservation", "aigentic_reservation WHERE id = 'run:old'", nil, false},
		{"deleted job's reservation", "aigentic_reservation WHERE job_id = $1", []any{gone}, false},
		{"ticket", "aigentic_ticket", nil, true},
		{"refund", "aigentic_refund", nil, true},
	} {
		if got := has(c.query, c.args...); got != c.kept {
			t.Errorf("%s: kept %v, want %v", c.what, got, c.kept)
		}
	}
	again, err := p.prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range again {
		if n != 0 {
			t.Errorf("second prune deleted %d rows of %s, want none", n, table)
		}
	}
}

func TestPruneRulesOnSQLite(t *testing.T) {
	pruneTest(t, "sqlite://"+filepath.Join(t.TempDir(), "prune.db"))
}

func TestPruneRulesOnPostgres(t *testing.T) { pruneTest(t, postgresURL(t)) }

// The pruner is a River periodic job that runs when the service starts
// (RunOnStart): rows of a deleted job, written before the service
// started and older than the retention by the service's clock, are
// deleted without anyone calling the pruner, and counted in
// aigentic_service_rows_pruned_total{table}.
func prunePeriodicTest(t *testing.T, dbURL string) {
	db, err := openDatabase(t.Context(), dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UnixMilli()
	_, err = db.sql.ExecContext(t.Context(), `INSERT INTO aigentic_run (job_id, tenant, updated_at) VALUES (9000001, 'default', $1)`, at)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return time.Now().Add(72 * time.Hour) } // past the 24h retention
	ts := startServiceWith(t, options{model: newGateModel(""), now: later}, "-db", dbURL)
	waitFor(t, "the pruner deletes the old run row", func() bool {
		var n int
		if err := ts.db.sql.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM aigentic_run WHERE job_id = 9000001`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 0
	})
	waitFor(t, "the pruned row counted", func() bool {
		m := ts.do(t, "GET", "/metrics", "", "", "")
		return strings.Contains(m.raw, `aigentic_service_rows_pruned_total{otel_scope_name="github.com/nexxia-ai/aigentic-examples/service",otel_scope_schema_url="",otel_scope_version="",table="aigentic_run"} 1`)
	})
}

func TestPrunerRunsAsPeriodicJobOnSQLite(t *testing.T) {
	prunePeriodicTest(t, "sqlite://"+filepath.Join(t.TempDir(), "periodic.db"))
}

func TestPrunerRunsAsPeriodicJobOnPostgres(t *testing.T) { prunePeriodicTest(t, postgresURL(t)) }

// The prune worker (the job the periodic PruneArgs runs) keeps rows for
// rowRetention: with -idempotency-window 720h, rows of a deleted job
// (its run and public id, a decided approval) two days old — also a job
// whose Idempotency-Key has expired — and the usage of three days ago are
// kept, where the default 24 h would delete them; once the clock passes
// the window, the same worker deletes them.
func pruneWorkerWindowTest(t *testing.T, dbURL string) {
	ctx := t.Context()
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	cfg, err := parseConfig([]string{"-db", dbURL, "-idempotency-window", "720h"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newService(ctx, cfg, newLogger(io.Discard, nil), options{model: newGateModel(""), getenv: func(string) string { return "" },
		now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := s.db.sql.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	old := now.Add(-48 * time.Hour).UnixMilli()
	const gone, goneKeyed = 9_000_001, 9_000_002 // jobs River no longer has
	for _, id := range []int64{gone, goneKeyed} {
		exec(`INSERT INTO aigentic_job (public_id, job_id, tenant, created_at) VALUES ($1, $2, 't', $3)`, fmt.Sprintf("job_%d", id), id, old)
		exec(`INSERT INTO aigentic_run (job_id, tenant, updated_at) VALUES ($1, 't', $2)`, id, old)
	}
	exec(`INSERT INTO aigentic_idempotency (tenant, key_sha256, fingerprint, public_id, created_at, expires_at) VALUES ('t', 'expired', 'f', $1, $2, $3)`,
		fmt.Sprintf("job_%d", goneKeyed), old, now.Add(-time.Hour).UnixMilli())
	exec(`INSERT INTO aigentic_approval (approval_id, job_id, call_id, tenant, tool, arguments, step, asked_at, deadline, decision, decided_at)
		VALUES ('apr_1', $1, 'c', 't', 'issue_refund', '{}', 0, $2, $2, 'approved', $2)`, gone, old)
	exec(`INSERT INTO aigentic_tenant_usage (tenant, day, tokens) VALUES ('t', '2026-01-07', 5)`)
	count := func() map[string]int {
		t.Helper()
		got := map[string]int{}
		for _, table := range []string{"aigentic_run", "aigentic_job", "aigentic_approval", "aigentic_tenant_usage"} {
			var n int
			if err := s.db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			got[table] = n
		}
		return got
	}
	w := &PruneWorker{svc: s}
	if err := w.Work(ctx, &river.Job[PruneArgs]{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"aigentic_run": 2, "aigentic_job": 2, "aigentic_approval": 1, "aigentic_tenant_usage": 1}
	if got := count(); !maps.Equal(got, want) {
		t.Errorf("within -idempotency-window 720h the worker left %v, want every row kept %v", got, want)
	}
	now = now.Add(30 * 24 * time.Hour) // past the window
	if err := w.Work(ctx, &river.Job[PruneArgs]{}); err != nil {
		t.Fatal(err)
	}
	want = map[string]int{"aigentic_run": 0, "aigentic_job": 0, "aigentic_approval": 0, "aigentic_tenant_usage": 0}
	if got := count(); !maps.Equal(got, want) {
		t.Errorf("past -idempotency-window the worker left %v, want %v", got, want)
	}
}

func TestPruneWorkerKeepsRowsThroughTheIdempotencyWindowOnSQLite(t *testing.T) {
	pruneWorkerWindowTest(t, "sqlite://"+filepath.Join(t.TempDir(), "window.db"))
}

func TestPruneWorkerKeepsRowsThroughTheIdempotencyWindowOnPostgres(t *testing.T) {
	pruneWorkerWindowTest(t, postgresURL(t))
}

// BenchmarkPrune is one prune of 10,000 deleted jobs' rows (a run row and
// a public id each) on SQLite, in batches of pruneBatch; ns/op is the
// whole prune.
//
//	go test ./service -run '^$' -bench Prune -benchtime 5x
func BenchmarkPrune(b *testing.B) {
	db, _ := testQueue(b, "sqlite://"+filepath.Join(b.TempDir(), "bench.db"))
	now := time.Now()
	p := pruner{db: db.sql, now: func() time.Time { return now }, retention: 24 * time.Hour, batch: pruneBatch}
	const rows = 10_000
	old := now.Add(-48 * time.Hour).UnixMilli()
	for b.Loop() {
		b.StopTimer()
		tx, err := db.sql.BeginTx(b.Context(), nil)
		if err != nil {
			b.Fatal(err)
		}
		for i := range int64(rows) {
			if _, err := tx.ExecContext(b.Context(), `INSERT INTO aigentic_run (job_id, tenant, updated_at) VALUES ($1, 't', $2)`, 10_000_000+i, old); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(b.Context(), `INSERT INTO aigentic_job (public_id, job_id, tenant, created_at) VALUES ($1, $2, 't', $3)`,
				fmt.Sprintf("job_%d", i), 10_000_000+i, old); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		counts, err := p.prune(b.Context())
		if err != nil || counts["aigentic_run"] != rows || counts["aigentic_job"] != rows {
			b.Fatalf("pruned %v, %v", counts, err)
		}
	}
}

// BenchmarkPruneBacklog is one prune, on SQLite, of 20,000 deleted jobs'
// rows behind 50,000 old rows it must keep (their River jobs still exist:
// River keeps a discarded job 7 days, longer than the retention), which
// sort first. The keyset statements read the kept rows once per prune;
// a statement restarting from the start would read them once per batch.
//
//	go test ./service -run '^$' -bench PruneBacklog -benchtime 3x
func BenchmarkPruneBacklog(b *testing.B) {
	db, _ := testQueue(b, "sqlite://"+filepath.Join(b.TempDir(), "backlog.db"))
	ctx := b.Context()
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	const kept, deletable = 50_000, 20_000
	exec := func(q string, args ...any) {
		b.Helper()
		if _, err := db.sql.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	series := `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < $1) `
	older, old := now.Add(-72*time.Hour).UnixMilli(), now.Add(-48*time.Hour).UnixMilli()
	exec(series+`INSERT INTO river_job (id, kind, max_attempts, state, finalized_at, args) SELECT x, 'ask', 1, 'discarded', CURRENT_TIMESTAMP, '{}' FROM c`, kept)
	exec(series+`INSERT INTO aigentic_run (job_id, tenant, updated_at) SELECT x, 't', $2 FROM c`, kept, older)
	exec(series+`INSERT INTO aigentic_job (public_id, job_id, tenant, created_at) SELECT 'job_k' || x, x, 't', $2 FROM c`, kept, older)
	p := pruner{db: db.sql, now: func() time.Time { return now }, retention: 24 * time.Hour, batch: pruneBatch}
	for b.Loop() {
		b.StopTimer()
		exec(series+`INSERT INTO aigentic_run (job_id, tenant, updated_at) SELECT 50000000 + x, 't', $2 FROM c`, deletable, old)
		exec(series+`INSERT INTO aigentic_job (public_id, job_id, tenant, created_at) SELECT 'job_n' || x, 50000000 + x, 't', $2 FROM c`, deletable, old)
		b.StartTimer()
		counts, err := p.prune(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if counts["aigentic_run"] != deletable || counts["aigentic_job"] != deletable {
			b.Fatalf("pruned %v, want %d runs and jobs", counts, deletable)
		}
	}
}
