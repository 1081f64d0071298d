package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"modernc.org/sqlite"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// noopArgs is River's no-op job: the baseline the agent job is compared
// with, in the same tenant queue (so the same workers).
type noopArgs struct {
	Tenant string `json:"tenant"`
}

func (noopArgs) Kind() string { return "bench_noop" }

func (a noopArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxJobAttempts, Queue: queueName(a.Tenant)}
}

type noopWorker struct{ river.WorkerDefaults[noopArgs] }

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// plainRunArgs is the agent job's run without durability: the same
// agent, model, tools and query in a River job of the same queue, run by
// Execute — no checkpoint, no run row. It splits the agent job's cost
// into the run itself and what durability adds.
type plainRunArgs struct {
	Tenant string `json:"tenant"`
	Query  string `json:"query"`
}

func (plainRunArgs) Kind() string { return "bench_plain_run" }

func (a plainRunArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxJobAttempts, Queue: queueName(a.Tenant)}
}

type plainRunWorker struct {
	river.WorkerDefaults[plainRunArgs]
	svc **service
}

func (w plainRunWorker) Work(ctx context.Context, job *river.Job[plainRunArgs]) error {
	s := *w.svc
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	_, err := s.tenantAgent(s.tenants[job.Args.Tenant], session, true).Execute(job.Args.Query)
	return err
}

// writeCounter counts the database's write transactions — commits of
// transactions that wrote, and writes outside one — and, on PostgreSQL,
// every statement (each a round trip).
type writeCounter struct {
	mu         sync.Mutex
	commits    int64
	statements int64
	open       map[*pgx.Conn]bool // in a transaction; true once it wrote
}

var writes = &writeCounter{open: map[*pgx.Conn]bool{}}

func (w *writeCounter) counts() (commits, statements int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.commits, w.statements
}

// countSQLiteCommits counts SQLite's commits (its commit hook runs for
// transactions that wrote) on every connection opened after.
var countSQLiteCommits = sync.OnceFunc(func() {
	sqlite.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		if h, ok := c.(sqlite.HookRegisterer); ok {
			h.RegisterCommitHook(func() int32 {
				writes.mu.Lock()
				writes.commits++
				writes.mu.Unlock()
				return 0
			})
		}
		return nil
	})
})

// writeStatement matches SQL that changes rows.
var writeStatement = regexp.MustCompile(`(?is)\b(insert\s+into|update\s+\S+\s+set|delete\s+from)\b`)

// TraceQueryStart implements pgx.QueryTracer.
func (w *writeCounter) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	sql := strings.ToLower(strings.TrimSpace(data.SQL))
	w.mu.Lock()
	defer w.mu.Unlock()
	w.statements++
	wrote, inTx := w.open[conn]
	switch {
	case strings.HasPrefix(sql, "begin"):
		w.open[conn] = false
	case sql == "commit":
		if wrote {
			w.commits++
		}
		delete(w.open, conn)
	case sql == "rollback":
		delete(w.open, conn)
	case writeStatement.MatchString(sql):
		if inTx {
			w.open[conn] = true
		} else {
			w.commits++
		}
	}
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (*writeCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// overheadJobs is how many jobs one iteration puts through.
const overheadJobs = 500

const overheadTenants = `
tenants:
  t:
    max_llm_calls: 5
    timeout: 30s
    rate: 100000
    burst: 100000
    workers: 20
`

// BenchmarkOverheadSQLite: what the service's agent job costs over River's
// own no-op job, on one SQLite file, in one process (-role worker, 20
// workers for the tenant's queue), both jobs in that queue. The agent job
// is the load benchmark's — "Check order N, then open a ticket": two
// model calls and two tools, one of them a write — on the offline model
// with no latency added. 500 jobs inserted at once (River's InsertMany,
// no admission); reported: jobs/s (first insert to last completion),
// p50/p99 latency (insert to completion), and rows written per job
// (SQLite's total_changes() on the process's one connection, River's
// background maintenance included).
//
//	go test ./service -run '^$' -bench Overhead -benchtime 1x
func BenchmarkOverheadSQLite(b *testing.B) {
	overheadBench(b, func(b *testing.B) string { return "sqlite://" + filepath.Join(b.TempDir(), "overhead.db") })
}

// BenchmarkOverheadPostgres is BenchmarkOverheadSQLite on PostgreSQL
// (AIGENTIC_TEST_DATABASE_URL), a schema per iteration; rows written are
// pg_stat_user_tables' n_tup_ins + n_tup_upd + n_tup_del over the
// schema's tables, read once the service's connections are closed (a
// backend reports its counts when it ends).
func BenchmarkOverheadPostgres(b *testing.B) {
	overheadBench(b, func(b *testing.B) string { return postgresURL(b) })
}

func overheadBench(b *testing.B, newDB func(*testing.B) string) {
	countSQLiteCommits()
	pgTracer = writes
	b.Cleanup(func() { pgTracer = nil })
	for _, kind := range []string{"river_noop", "agent_run_not_durable", "agent_job"} {
		b.Run(kind, func(b *testing.B) {
			for range b.N {
				overheadRun(b, newDB(b), kind)
			}
		})
	}
}

func overheadRun(b *testing.B, dbURL, kind string) {
	b.StopTimer()
	tenants, _ := writeTenants(b, overheadTenants)
	var svc *service
	start := func() *testService {
		ts := startServiceAt(b, slog.LevelInfo, options{model: offline.NewModel(), addWorkers: func(w *river.Workers) {
			river.AddWorker(w, noopWorker{})
			river.AddWorker(w, plainRunWorker{svc: &svc})
		}}, "-role", "worker", "-tenants", tenants, "-db", dbURL)
		svc = ts.service
		return ts
	}
	ts := start()
	var rows func() int64
	if ts.db.kind == dbSQLite {
		rows = func() int64 {
			var n int64
			if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT total_changes()`).Scan(&n); err != nil {
				b.Fatal(err)
			}
			return n
		}
	} else {
		// A backend reports its counts when it ends: read with the
		// service stopped, before and after.
		ts.stop()
		db, _ := testQueue(b, dbURL)
		rows = func() int64 { return pgRowsWritten(b, db) }
	}
	before := rows()
	if ts.db.kind != dbSQLite {
		ts = start()
	}
	commits0, statements0 := writes.counts()
	params := make([]river.InsertManyParams, overheadJobs)
	for i := range params {
		query := fmt.Sprintf(`Check order %d, then open a ticket with subject "late delivery"`, i+1)
		var args river.JobArgs = noopArgs{Tenant: "t"}
		switch kind {
		case "agent_job":
			args = AskArgs{Tenant: "t", Query: query}
		case "agent_run_not_durable":
			args = plainRunArgs{Tenant: "t", Query: query}
		}
		params[i] = river.InsertManyParams{Args: args}
	}
	b.StartTimer()
	if _, err := ts.queue.InsertMany(context.Background(), params); err != nil {
		b.Fatal(err)
	}
	jobs := waitAllFinalized(b, ts.queue, overheadJobs, 5*time.Minute)
	b.StopTimer()
	if ts.db.kind != dbSQLite {
		ts.stop()
	}
	commits1, statements1 := writes.counts()
	written := rows() - before
	var first, last time.Time
	lat := make([]time.Duration, 0, len(jobs))
	for _, j := range jobs {
		if j.State != rivertype.JobStateCompleted || j.Attempt != 1 {
			b.Fatalf("job %d (%s): %s on attempt %d, want completed on attempt 1", j.ID, j.Kind, j.State, j.Attempt)
		}
		if first.IsZero() || j.CreatedAt.Before(first) {
			first = j.CreatedAt
		}
		if j.FinalizedAt.After(last) {
			last = *j.FinalizedAt
		}
		lat = append(lat, j.FinalizedAt.Sub(j.CreatedAt))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(len(jobs))/last.Sub(first).Seconds(), "jobs/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(written)/float64(len(jobs)), "rows_written/job")
	b.ReportMetric(float64(commits1-commits0)/float64(len(jobs)), "write_txs/job")
	if ts.db.kind != dbSQLite {
		b.ReportMetric(float64(statements1-statements0)/float64(len(jobs)), "statements/job")
	}
}

// waitAllFinalized polls until n jobs are finalized, and returns them.
func waitAllFinalized(b *testing.B, q queue, n int, within time.Duration) []*rivertype.JobRow {
	deadline := time.Now().Add(within)
	for {
		res, err := q.JobList(context.Background(), river.NewJobListParams().First(10_000).
			States(rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Jobs) >= n {
			return res.Jobs
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d jobs finalized after %s", len(res.Jobs), n, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pgRowsWritten is the rows inserted, updated and deleted in the
// schema's tables, once the counts stop changing (backends that ended
// report theirs within moments).
func pgRowsWritten(b *testing.B, db *database) int64 {
	read := func() int64 {
		var n int64
		if err := db.sql.QueryRowContext(context.Background(), `SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)
			FROM pg_stat_user_tables WHERE schemaname = current_schema()`).Scan(&n); err != nil {
			b.Fatal(err)
		}
		return n
	}
	prev := read()
	for range 40 {
		time.Sleep(500 * time.Millisecond)
		n := read()
		if n == prev {
			return n
		}
		prev = n
	}
	return prev
}
