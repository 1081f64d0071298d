package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// loadJobs is the number of jobs one benchmark iteration puts through.
const loadJobs = 1000

const loadBenchTenants = `
tenants:
  t:
    max_llm_calls: 5
    timeout: 30s
    rate: 100000
    burst: 100000
`

// BenchmarkLoadSQLite puts 1,000 jobs through two worker processes on one
// SQLite file, each job two model calls to the offline model with 5 ms
// latency and two tools (one opening a ticket). It checks that every job
// completed on its first attempt and opened exactly one ticket, and
// reports jobs/s (first insert to last completion) and p50/p99 job latency
// (insert to completion).
//
//	go test ./service -run '^$' -bench Load -benchtime 1x
func BenchmarkLoadSQLite(b *testing.B) {
	loadBench(b, func() string { return "sqlite://" + filepath.Join(b.TempDir(), "load.db") })
}

// BenchmarkLoadPostgres is BenchmarkLoadSQLite on PostgreSQL
// (AIGENTIC_TEST_DATABASE_URL), a schema per iteration.
func BenchmarkLoadPostgres(b *testing.B) {
	loadBench(b, func() string { return postgresURL(b) })
}

func loadBench(b *testing.B, newDB func() string) {
	for range b.N {
		b.StopTimer()
		dbURL := newDB()
		dir := b.TempDir()
		tenants := filepath.Join(dir, "tenants.yaml")
		if err := os.WriteFile(tenants, []byte(loadBenchTenants), 0o600); err != nil {
			b.Fatal(err)
		}
		record := filepath.Join(dir, "record.txt")
		db, q := testQueue(b, dbURL)
		workers := []*child{
			startChild(b, dbURL, tenants, record, "offline-5ms", 0, "-workers", "20", "-rescue-after", "5m"),
			startChild(b, dbURL, tenants, record, "offline-5ms", 0, "-workers", "20", "-rescue-after", "5m"),
		}
		for _, w := range workers {
			waitLog(b, w, `"msg":"River client started"`)
		}
		params := make([]river.InsertManyParams, loadJobs)
		for i := range params {
			params[i] = river.InsertManyParams{Args: AskArgs{Tenant: "t", Query: fmt.Sprintf(`Check order %d, then open a ticket with subject "late delivery"`, i+1)}}
		}
		b.StartTimer()
		if _, err := q.InsertMany(context.Background(), params); err != nil {
			b.Fatal(err)
		}
		jobs := waitAllCompleted(b, q, 5*time.Minute)
		b.StopTimer()
		for _, w := range workers {
			w.terminate(b)
		}
		reportLoad(b, jobs)
		st := &store{db: db.sql, now: time.Now}
		if n, err := st.ticketCount(context.Background(), "job-"); err != nil || n != loadJobs {
			b.Fatalf("%d tickets (err %v), want %d", n, err, loadJobs)
		}
		rec, err := os.ReadFile(record)
		if err != nil {
			b.Fatal(err)
		}
		if n := strings.Count(string(rec), "tool open_ticket "); n != loadJobs {
			b.Fatalf("open_ticket ran %d times for %d jobs", n, loadJobs)
		}
	}
}

// waitLog waits until the worker's log holds s.
func waitLog(b *testing.B, c *child, s string) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if log, _ := os.ReadFile(c.stderr); strings.Contains(string(log), s) {
			return
		}
		select {
		case <-c.exited:
			b.Fatalf("worker exited before logging %s", s)
		default:
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("worker never logged %s", s)
}

// waitAllCompleted polls until loadJobs jobs are finalized, and returns them.
func waitAllCompleted(b *testing.B, q queue, within time.Duration) []*rivertype.JobRow {
	deadline := time.Now().Add(within)
	for {
		res, err := q.JobList(context.Background(), river.NewJobListParams().First(10_000).
			States(rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Jobs) >= loadJobs {
			return res.Jobs
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d jobs finalized after %s", len(res.Jobs), loadJobs, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// reportLoad checks every job completed once and reports the numbers.
func reportLoad(b *testing.B, jobs []*rivertype.JobRow) {
	first, last := jobs[0].CreatedAt, *jobs[0].FinalizedAt
	lat := make([]time.Duration, 0, len(jobs))
	for _, j := range jobs {
		if j.State != rivertype.JobStateCompleted || j.Attempt != 1 {
			b.Fatalf("job %d: %s on attempt %d, want completed on attempt 1", j.ID, j.State, j.Attempt)
		}
		if j.CreatedAt.Before(first) {
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
}
