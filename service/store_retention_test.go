package main

import (
	"context"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// retainedIdempotencyTest: an Idempotency-Key outlives River's retention
// of its job (-idempotency-window up to 720 h, River deletes a completed
// job after 24 h). A retry with the key after River deleted the job is
// answered from the service's stored run — 202, the same job, completed,
// no new job — and, when the service has no recorded end for it, with a
// 409 saying so; never a 500.
func retainedIdempotencyTest(t *testing.T, db ...string) {
	model := aitest.NewScripted(aitest.Reply("done"), aitest.Reply("done"))
	ts := startService(t, model, db...)
	ctx := context.Background()
	// deleteRiverJob does what River's job cleaner does after the retention.
	deleteRiverJob := func(pub any) {
		t.Helper()
		if _, err := ts.db.sql.ExecContext(ctx, `DELETE FROM river_job WHERE id = $1`, riverIDOf(t, ts, pub)); err != nil {
			t.Fatal(err)
		}
	}

	first := ts.post(t, "/v1/jobs", "", ptr("kept-answer"), `{"query":"order 7"}`)
	ts.waitJob(t, "", first.body["id"], "completed")
	deleteRiverJob(first.body["id"])
	again := ts.post(t, "/v1/jobs", "", ptr("kept-answer"), `{"query":"order 7"}`)
	if again.status != 202 || again.body["id"] != first.body["id"] || again.body["state"] != "completed" || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry after River deleted the job: %d %s", again.status, again.raw)
	}
	if n := jobCount(t, ts); n != 0 {
		t.Fatalf("the retry made a new job: %d in River", n)
	}

	// A job whose end the service did not record (its row gone too).
	second := ts.post(t, "/v1/jobs", "", ptr("no-record"), `{"query":"order 8"}`)
	ts.waitJob(t, "", second.body["id"], "completed")
	if _, err := ts.db.sql.ExecContext(ctx, `DELETE FROM aigentic_run WHERE job_id = $1`, riverIDOf(t, ts, second.body["id"])); err != nil {
		t.Fatal(err)
	}
	deleteRiverJob(second.body["id"])
	gone := ts.post(t, "/v1/jobs", "", ptr("no-record"), `{"query":"order 8"}`)
	if gone.status != 409 || gone.body["error"] == nil {
		t.Fatalf("retry for a job neither River nor the service keeps: %d %s", gone.status, gone.raw)
	}
}

func TestIdempotencyKeyOutlivesRiverJobSQLite(t *testing.T) { retainedIdempotencyTest(t) }

func TestIdempotencyKeyOutlivesRiverJobPostgres(t *testing.T) {
	retainedIdempotencyTest(t, "-db", postgresURL(t))
}
