package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

const benchFairTenants = `
tenants:
  a:
    rate: 100000
    burst: 100000
    max_queued_jobs: 10000
  b:
    rate: 100000
    burst: 100000
`

// BenchmarkFairness measures what issue 19 measured: how long tenant b's
// one job takes alone, and behind tenant a's backlog of 300 jobs — in b's
// own queue (the service now) and in a's queue (one FIFO queue for all,
// as before). The offline model answers each call after 5 ms; each job is
// two model calls and two tools; 10 workers per queue (-workers), one
// process, SQLite. Latency is River's created_at → finalized_at.
//
//	go test ./service -run '^$' -bench Fairness -benchtime 1x
func BenchmarkFairness(b *testing.B) { fairnessBench(b) }

// BenchmarkFairnessPostgres is BenchmarkFairness on PostgreSQL
// (AIGENTIC_TEST_DATABASE_URL), a schema per iteration.
func BenchmarkFairnessPostgres(b *testing.B) {
	fairnessBench(b, func() []string { return []string{"-db", postgresURL(b)} })
}

func fairnessBench(b *testing.B, db ...func() []string) {
	for range b.N {
		b.StopTimer()
		model := aitest.Inject(offline.NewModel()).WithLatency(5 * time.Millisecond)
		tenants, _ := writeTenants(b, benchFairTenants)
		args := []string{"-tenants", tenants}
		if len(db) > 0 {
			args = append(args, db[0]()...)
		}
		ts := startService(b, model, args...)
		ctx := context.Background()
		query := `Check order 7, then open a ticket with subject "late"`
		bJob := func(opts *river.InsertOpts) time.Duration {
			res, err := ts.queue.Insert(ctx, AskArgs{Tenant: "b", Query: query}, opts)
			if err != nil {
				b.Fatal(err)
			}
			return waitLatency(b, ts, res.Job.ID)
		}
		backlog := func() []*rivertype.JobInsertResult {
			params := make([]river.InsertManyParams, 300)
			for i := range params {
				params[i] = river.InsertManyParams{Args: AskArgs{Tenant: "a", Query: fmt.Sprintf(`Check order %d, then open a ticket with subject "late"`, i)}}
			}
			res, err := ts.queue.InsertMany(ctx, params)
			if err != nil {
				b.Fatal(err)
			}
			return res
		}
		b.StartTimer()
		alone := bJob(nil)
		a1 := backlog()
		own := bJob(nil)
		for _, r := range a1 {
			waitLatency(b, ts, r.Job.ID)
		}
		a2 := backlog()
		shared := bJob(&river.InsertOpts{Queue: queueName("a")})
		for _, r := range a2 {
			waitLatency(b, ts, r.Job.ID)
		}
		b.StopTimer()
		b.ReportMetric(float64(alone.Milliseconds()), "b_alone_ms")
		b.ReportMetric(float64(own.Milliseconds()), "b_behind_300_own_queue_ms")
		b.ReportMetric(float64(shared.Milliseconds()), "b_behind_300_one_queue_ms")
		ts.stop()
	}
}

// waitLatency waits for the job to finish and returns created → finalized.
func waitLatency(b *testing.B, ts *testService, id int64) time.Duration {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		job, err := ts.queue.JobGet(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		if finalized(job.State) {
			if job.State != rivertype.JobStateCompleted {
				b.Fatalf("job %d %s", id, job.State)
			}
			return job.FinalizedAt.Sub(job.CreatedAt)
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("job %d never finished", id)
	return 0
}
