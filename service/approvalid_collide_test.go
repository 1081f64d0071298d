package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// Two secret-shaped tool call ids (a provider whose ids look like API
// keys) redact to one "[REDACTED]"; the service must still give the two
// refunds two approvals, each decided on its own: the second refund waits
// for its own approval, never runs on the first's. Nothing stored holds
// either raw id.
func TestApprovalIDsOfSecretShapedCallIDsDoNotCollideSQLite(t *testing.T) {
	approvalIDCollideTest(t)
}

// The same on PostgreSQL.
func TestApprovalIDsOfSecretShapedCallIDsDoNotCollidePostgres(t *testing.T) {
	approvalIDCollideTest(t, "-db", postgresURL(t))
}

func approvalIDCollideTest(t *testing.T, args ...string) {
	const idA, idB = "sk-AAAAAAAAAAAAAAAAAAAAAAAA", "sk-BBBBBBBBBBBBBBBBBBBBBBBB"
	if aigentic.Redact(idA) != aigentic.Redact(idB) {
		t.Fatalf("the ids do not redact alike (%q, %q): the test shows nothing", aigentic.Redact(idA), aigentic.Redact(idB))
	}
	tenants, keys := writeTenants(t, approvalTenants)
	model := aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: idA, Name: "issue_refund", Arguments: `{"order_id":1}`}),
		aitest.CallTools(ai.ToolCall{ID: idB, Name: "issue_refund", Arguments: `{"order_id":999}`}),
		aitest.Reply("Both refunds issued."))
	ts := startService(t, model, append([]string{"-tenants", tenants}, args...)...)
	key := keys["t"]
	r := ts.do(t, "POST", "/v1/jobs", key, "", `{"query":"Refund orders 1 and 999"}`)
	id := r.body["id"]
	_, p1 := ts.waitPending(t, key, id)
	if p1["arguments"] != `{"order_id":1}` {
		t.Fatalf("first pending approval %v", p1)
	}
	if d := ts.do(t, "POST", jobPath(id, "/approvals/", str(p1["id"])), keys["t.approver"], "", `{"decision":"approve"}`); d.status != 202 {
		t.Fatalf("approve the first: %d %s", d.status, d.raw)
	}

	// The job parks again, on the second refund, with an approval of its
	// own; the first refund is done, the second is not.
	var job response
	var p2 map[string]any
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("job never waited for the second approval: %s", job.raw)
		}
		job = ts.do(t, "GET", jobPath(id), key, "", "")
		if model.Calls() < 2 || job.body["state"] == "available" || job.body["state"] == "running" {
			continue
		}
		if job.body["state"] != "scheduled" {
			t.Fatalf("the job went on without the second refund's approval: %s", job.raw)
		}
		var ok bool
		if p2, ok = job.body["pending_approval"].(map[string]any); !ok {
			t.Fatalf("the job waits, but no approval is pending (the first's decision stands for the second): %s", job.raw)
		}
		break
	}
	if p2["id"] == p1["id"] || p2["arguments"] != `{"order_id":999}` || p2["status"] != "pending" {
		t.Fatalf("second pending approval %v, first %v", p2, p1)
	}
	if as, _ := job.body["approvals"].([]any); len(as) != 2 || as[0].(map[string]any)["status"] != "approved" || as[1].(map[string]any)["status"] != "pending" {
		t.Fatalf("approvals %v", job.body["approvals"])
	}
	if n := refundsOf(t, ts); n != 1 {
		t.Fatalf("%d refunds before the second approval, want 1", n)
	}

	// The first approval's id decides nothing more; the second's decides
	// the second refund.
	if again := ts.do(t, "POST", jobPath(id, "/approvals/", str(p1["id"])), keys["t.approver"], "", `{"decision":"approve"}`); again.status != 409 {
		t.Fatalf("the first approval again: %d %s", again.status, again.raw)
	}
	if d := ts.do(t, "POST", jobPath(id, "/approvals/", str(p2["id"])), keys["t.approver"], "", `{"decision":"approve"}`); d.status != 202 {
		t.Fatalf("approve the second: %d %s", d.status, d.raw)
	}
	done := ts.waitJob(t, key, id, "completed")
	if n := refundsOf(t, ts); n != 2 || done.body["answer"] != "Both refunds issued." {
		t.Fatalf("%d refunds, want 2: %s", n, done.raw)
	}
	if strings.Contains(done.raw, idA) || strings.Contains(done.raw, idB) {
		t.Fatalf("a raw call id is served: %s", done.raw)
	}
	if dump := dumpTables(t, ts.db.sql, "aigentic_run", "aigentic_approval", "aigentic_refund"); strings.Contains(dump, idA) || strings.Contains(dump, idB) {
		t.Fatalf("a raw call id is stored:\n%s", dump)
	}
}

// redactCallID keeps ids redaction leaves alone, gives secret-shaped ids
// distinct, stable substitutes that hold no part of them, and is its own
// substitute (a resumed run names a call as before).
func TestRedactCallID(t *testing.T) {
	const idA, idB = "sk-AAAAAAAAAAAAAAAAAAAAAAAA", "sk-BBBBBBBBBBBBBBBBBBBBBBBB"
	if got := redactCallID("call_r0"); got != "call_r0" {
		t.Errorf("plain id: %q", got)
	}
	a, b := redactCallID(idA), redactCallID(idB)
	if a == b || a != redactCallID(idA) || strings.Contains(a, "AAAA") || aigentic.Redact(a) != a {
		t.Errorf("substitutes %q, %q", a, b)
	}
	if redactCallID(a) != a {
		t.Errorf("substitute of the substitute %q is %q", a, redactCallID(a))
	}
	if k := redactIdempotencyKey(jobKey(7) + "/" + idA); k != jobKey(7)+"/"+a || redactIdempotencyKey(k) != k {
		t.Errorf("idempotency key %q", k)
	}
}

// An approval whose id names an approval recorded for another call (a
// collision of stored call ids) is an error, never taken for the one
// recorded: that call's decision must not settle this one. The same call
// parked again is no error.
func TestApprovalIDCollisionIsAnErrorSQLite(t *testing.T) { approvalIDCollisionTest(t) }

// The same on PostgreSQL.
func TestApprovalIDCollisionIsAnErrorPostgres(t *testing.T) {
	approvalIDCollisionTest(t, "-db", postgresURL(t))
}

func approvalIDCollisionTest(t *testing.T, args ...string) {
	tenants, _ := writeTenants(t, approvalTenants)
	ts := startService(t, aitest.NewScripted(aitest.Reply("unused")), append([]string{"-tenants", tenants}, args...)...)
	ctx := context.Background()
	now := time.Now()
	park := func(args string) error {
		cp := &aigentic.Checkpoint{Key: jobKey(1), Pending: &aigentic.PendingApproval{ID: "call_x",
			Call: ai.ToolCall{ID: "call_x", Name: "issue_refund", Arguments: args}, AskedAt: now, Deadline: now.Add(time.Hour)}}
		return insertApprovalTx(ctx, ts.db.sql, 1, "t", cp)
	}
	if err := park(`{"order_id":1}`); err != nil {
		t.Fatal(err)
	}
	if err := park(`{"order_id":1}`); err != nil {
		t.Fatalf("the same call parked again: %v", err)
	}
	if err := park(`{"order_id":999}`); !errors.Is(err, errApprovalCollision) {
		t.Fatalf("another call with the same approval id: %v, want errApprovalCollision", err)
	}
}

// A ticket opened by a call whose id is secret-shaped is keyed by the
// id's substitute, as the approvals are: the secret is not stored, and a
// resumed run (whose checkpoint holds the substitute) finds the same
// ticket rather than open a second.
func TestTicketKeyOfSecretShapedCallID(t *testing.T) {
	const id = "sk-CCCCCCCCCCCCCCCCCCCCCCCC"
	tenants, keys := writeTenants(t, approvalTenants)
	model := aitest.NewScripted(aitest.CallTools(ai.ToolCall{ID: id, Name: "open_ticket", Arguments: `{"subject":"late"}`}), aitest.Reply("Opened."))
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Open a ticket"}`)
	ts.waitJob(t, keys["t"], r.body["id"], "completed")
	var key string
	if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT idempotency_key FROM aigentic_ticket`).Scan(&key); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(key, id) || !strings.HasSuffix(key, "/"+redactCallID(id)) {
		t.Fatalf("ticket key %q: want the call id's substitute %q, never the id", key, redactCallID(id))
	}
}

// An id that cannot be stored or keyed as it is — a NUL (PostgreSQL's
// TEXT refuses it), invalid UTF-8, 8,000 bytes (past PostgreSQL's btree
// key limit) — gets a substitute too; a plain id stays itself.
func TestRedactCallIDOfUnstorableIDs(t *testing.T) {
	for _, id := range []string{"c\x001", "c\xff1", strings.Repeat("x", 8000), "call\n1"} {
		got := redactCallID(id)
		if !strings.HasPrefix(got, callIDSubstitutePrefix) || len(got) > 64 || redactCallID(got) != got {
			t.Errorf("redactCallID(%.20q…) = %q, want a short substitute that is its own", id, got)
		}
	}
	if got := redactCallID("call_abc123"); got != "call_abc123" {
		t.Errorf("a plain id became %q", got)
	}
}
