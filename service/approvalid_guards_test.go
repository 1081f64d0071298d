package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// A decision posted through another job's URL — the same tenant's, also
// parked — is refused and decides nothing: an approval is looked up by its
// id AND its job.
func TestApprovalDecisionThroughAnotherJobIsRefused(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "call_a", Name: "issue_refund", Arguments: `{"order_id":1}`}),
		aitest.CallTools(ai.ToolCall{ID: "call_b", Name: "issue_refund", Arguments: `{"order_id":2}`}),
		aitest.Reply("done"), aitest.Reply("done"))
	ts := startService(t, model, "-tenants", tenants)
	key := keys["t"]
	a := ts.do(t, "POST", "/v1/jobs", key, "", `{"query":"Refund order 1"}`)
	_, pa := ts.waitPending(t, key, a.body["id"])
	b := ts.do(t, "POST", "/v1/jobs", key, "", `{"query":"Refund order 2"}`)
	_, pb := ts.waitPending(t, key, b.body["id"])
	if pa["id"] == pb["id"] {
		t.Fatalf("two jobs, one approval id %v", pa["id"])
	}

	d := ts.do(t, "POST", jobPath(b.body["id"], "/approvals/", str(pa["id"])), keys["t.approver"], "", `{"decision":"approve"}`)
	if d.status != 404 && d.status != 409 {
		t.Fatalf("job A's approval through job B's URL: %d %s, want 404 or 409", d.status, d.raw)
	}
	for _, j := range []struct {
		id  any
		apr map[string]any
	}{{a.body["id"], pa}, {b.body["id"], pb}} {
		job, p := ts.waitPending(t, key, j.id)
		if p["id"] != j.apr["id"] || p["status"] != "pending" || job.body["attempt"] != 0.0 {
			t.Fatalf("job %v after the refused decision: %s", j.id, job.raw)
		}
	}
	if n := refundsOf(t, ts); n != 0 || model.Calls() != 2 {
		t.Fatalf("%d refunds, %d model calls after the refused decision", n, model.Calls())
	}
}

// A decision's reason is stored and served redacted: a person pasting a
// key into it does not put the key in the database, the job's record or
// the answer.
func TestApprovalReasonIsRedacted(t *testing.T) {
	const apiKey = "sk-reason-0123456789abcdef0123"
	secret.Register(apiKey)
	tenants, keys := writeTenants(t, approvalTenants)
	model := refundScript("No refund.")
	ts := startService(t, model, "-tenants", tenants)
	key := keys["t"]
	r := ts.do(t, "POST", "/v1/jobs", key, "", `{"query":"Refund order 42"}`)
	id := r.body["id"]
	_, p := ts.waitPending(t, key, id)
	d := ts.do(t, "POST", jobPath(id, "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"deny","reason":"ticket says `+apiKey+`"}`)
	a, _ := d.body["approval"].(map[string]any)
	if d.status != 202 || a["reason"] != "ticket says "+secret.Placeholder {
		t.Fatalf("decision: %d %s", d.status, d.raw)
	}
	done := ts.waitJob(t, key, id, "completed")
	as, _ := done.body["approvals"].([]any)
	if len(as) != 1 || as[0].(map[string]any)["reason"] != "ticket says "+secret.Placeholder || strings.Contains(done.raw, apiKey) {
		t.Fatalf("job %s", done.raw)
	}
	var stored string
	if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT reason FROM aigentic_approval WHERE approval_id = $1`, str(p["id"])).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "ticket says "+secret.Placeholder {
		t.Fatalf("stored reason %q", stored)
	}
}

// A job whose tenant is not in the worker's tenants file (removed since
// the job was queued; River's default queue is worked for every tenant)
// is cancelled, its model never called.
func TestJobOfUnknownTenantIsCancelled(t *testing.T) {
	tenants, _ := writeTenants(t, approvalTenants)
	model := refundScript("Refund issued.")
	ts := startService(t, model, "-tenants", tenants)
	ctx := context.Background()
	var jobID int64
	if err := ts.queue.InTx(ctx, func(_ txn, jobs txJobs) error {
		res, err := jobs.Insert(AskArgs{Tenant: "gone", Query: "Refund order 42"}, &river.InsertOpts{Queue: river.QueueDefault, MaxAttempts: maxJobAttempts})
		if err != nil {
			return err
		}
		jobID = res.Job.ID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var job *rivertype.JobRow
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if err := ts.queue.InTx(ctx, func(_ txn, jobs txJobs) error {
			var err error
			job, err = jobs.Get(jobID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if model.Calls() != 0 {
			t.Fatalf("the unknown tenant's job ran its model (%d calls); job state %s", model.Calls(), job.State)
		}
		if job.State == rivertype.JobStateCancelled {
			break
		}
		if finalized(job.State) || len(job.Errors) > 0 || time.Now().After(deadline) {
			t.Fatalf("job state %s, errors %v; want cancelled", job.State, job.Errors)
		}
	}
	if n := refundsOf(t, ts); n != 0 || len(job.Errors) == 0 || !strings.Contains(job.Errors[len(job.Errors)-1].Error, "unknown tenant") {
		t.Fatalf("%d refunds; job errors %v", n, job.Errors)
	}
}
