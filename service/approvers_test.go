package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// approverTenants: tenant t has a client key (keys["t"]) and two
// approver keys; tenant other one approver.
const approverTenants = `
tenants:
  t:
    rate: 100000
    burst: 100000
    approval_window: 1h
    approver_keys: [APPROVER, APPROVER2]
  other:
    rate: 100000
    burst: 100000
    approver_keys: [APPROVER]
`

// twoRefunds is a model that asks two jobs for a refund each, then
// answers both.
func twoRefunds() *aitest.Scripted {
	call := ai.ToolCall{ID: "call_r0", Name: "issue_refund", Arguments: `{"order_id":42}`}
	return aitest.NewScripted(aitest.CallTools(call), aitest.CallTools(call), aitest.Reply("done"), aitest.Reply("done"))
}

// The breaker's attack: one tenant key asks for a refund and approves it.
// Now a key the tenant's approver_keys does not list gets 403 — the same
// body for a real approval, an unknown one and an unknown job, so it
// learns nothing — and can still read the job and its approvals; an
// approver that created a job gets 403 on it (four-eyes) while another
// approver decides it; nothing is recorded or run by a refused decision.
// (Guards principal.mayDecide and principal.mayDecideJob.)
func TestApproverRoleSQLite(t *testing.T) { approverRoleTest(t) }

// The same on PostgreSQL.
func TestApproverRolePostgres(t *testing.T) { approverRoleTest(t, "-db", postgresURL(t)) }

func approverRoleTest(t *testing.T, args ...string) {
	tenants, keys := writeTenants(t, approverTenants)
	model := twoRefunds()
	ts := startService(t, model, append([]string{"-tenants", tenants}, args...)...)
	client, approver, approver2 := keys["t"], keys["t.approver"], keys["t.approver2"]

	asked := ts.do(t, "POST", "/v1/jobs", client, "", `{"query":"Refund order 42"}`)
	_, p := ts.waitPending(t, client, asked.body["id"])
	path := jobPath(asked.body["id"], "/approvals/", str(p["id"]))
	const notApproverBody = `{"error":"this key may not decide approvals: only the tenant's approver keys may (approver_keys in the tenants file)"}` + "\n"
	for name, path := range map[string]string{
		"its own job's approval": path,
		"an unknown approval":    jobPath(asked.body["id"], "/approvals/apr_aaaaaaaaaaaaaaaaaaaaaaaaaa"),
		"an unknown job":         jobPath("job_aaaaaaaaaaaaaaaaaaaaaaaaaa", "/approvals/", str(p["id"])),
		"a malformed job id":     "/v1/jobs/x/approvals/y",
	} {
		for _, decision := range []string{"approve", "deny"} {
			d := ts.do(t, "POST", path, client, "", `{"decision":"`+decision+`"}`)
			if d.status != 403 || d.raw != notApproverBody {
				t.Fatalf("the client key's %s of %s: %d %s, want 403 %s", decision, name, d.status, d.raw, notApproverBody)
			}
		}
	}
	// Reading stays open to every key of the tenant.
	if got := ts.do(t, "GET", jobPath(asked.body["id"]), client, "", ""); got.status != 200 || len(got.body["approvals"].([]any)) != 1 {
		t.Fatalf("the client key reads the job: %d %s", got.status, got.raw)
	}
	// An approver of another tenant: its job is not found.
	if d := ts.do(t, "POST", path, keys["other.approver"], "", `{"decision":"approve"}`); d.status != 404 {
		t.Fatalf("another tenant's approver: %d %s", d.status, d.raw)
	}
	if decs, err := ts.store.decisions(context.Background(), riverIDOf(t, ts, asked.body["id"])); err != nil || len(decs) != 0 || refundsOf(t, ts) != 0 {
		t.Fatalf("refused decisions recorded %v (%v); %d refunds", decs, err, refundsOf(t, ts))
	}

	// An approver asks; it may not approve its own request.
	own := ts.do(t, "POST", "/v1/jobs", approver, "", `{"query":"Refund order 42"}`)
	_, op := ts.waitPending(t, approver, own.body["id"])
	ownPath := jobPath(own.body["id"], "/approvals/", str(op["id"]))
	d := ts.do(t, "POST", ownPath, approver, "", `{"decision":"approve"}`)
	if d.status != 403 || !strings.Contains(str(d.body["error"]), "the key that created this job may not decide its approvals") {
		t.Fatalf("an approver approving its own job: %d %s", d.status, d.raw)
	}
	if refundsOf(t, ts) != 0 {
		t.Fatalf("%d refunds after refused decisions", refundsOf(t, ts))
	}
	// Another approver decides each.
	approverID, _ := parseKey(approver)
	approver2ID, _ := parseKey(approver2)
	for _, c := range []struct{ path, key, by string }{{path, approver, approverID}, {ownPath, approver2, approver2ID}} {
		d := ts.do(t, "POST", c.path, c.key, "", `{"decision":"approve"}`)
		a, _ := d.body["approval"].(map[string]any)
		if d.status != 202 || a["decided_by"] != "tenant t key "+c.by {
			t.Fatalf("an approver's decision: %d %s", d.status, d.raw)
		}
	}
	ts.waitJob(t, client, asked.body["id"], "completed")
	ts.waitJob(t, client, own.body["id"], "completed")
	if refundsOf(t, ts) != 2 {
		t.Fatalf("%d refunds, want 2", refundsOf(t, ts))
	}
}

// Through a trusted proxy, decisions are refused unless the tenant says
// proxy_may_approve: true; a proxy's X-Approver-style header counts for
// nothing; an approver key may decide a job the proxy created (different
// principals). (Guards the viaTrustedProxy case of principal.mayDecide.)
func TestApproverThroughTrustedProxy(t *testing.T) {
	tenants, keys := writeTenants(t, `
tenants:
  closed:
    rate: 100000
    burst: 100000
    approver_keys: [APPROVER]
  open:
    rate: 100000
    burst: 100000
    proxy_may_approve: true
`)
	ts := startService(t, twoRefunds(), "-tenants", tenants, "-trusted-proxies", "127.0.0.1/32,::1")
	post := func(tenant string) (string, string) {
		r := ts.req(t, "POST", "/v1/jobs", `{"query":"Refund order 42"}`, "X-Tenant-ID", tenant)
		if r.status != 202 {
			t.Fatalf("post via the proxy: %d %s", r.status, r.raw)
		}
		_, p := ts.waitPending(t, keys[tenant], r.body["id"])
		return str(r.body["id"]), jobPath(r.body["id"], "/approvals/", str(p["id"]))
	}
	closedJob, closedPath := post("closed")
	openJob, openPath := post("open")
	for _, hdrs := range [][]string{{"X-Tenant-ID", "closed"}, {"X-Tenant-ID", "closed", "X-Approver", "true"}} {
		d := ts.req(t, "POST", closedPath, `{"decision":"approve"}`, hdrs...)
		if d.status != 403 || !strings.Contains(str(d.body["error"]), "proxy_may_approve is false") {
			t.Fatalf("proxy decision with %v: %d %s", hdrs, d.status, d.raw)
		}
	}
	if refundsOf(t, ts) != 0 {
		t.Fatalf("%d refunds after refused proxy decisions", refundsOf(t, ts))
	}
	if d := ts.do(t, "POST", closedPath, keys["closed.approver"], "", `{"decision":"approve"}`); d.status != 202 {
		t.Fatalf("an approver key on the proxy's job: %d %s", d.status, d.raw)
	}
	d := ts.req(t, "POST", openPath, `{"decision":"approve"}`, "X-Tenant-ID", "open")
	if a, _ := d.body["approval"].(map[string]any); d.status != 202 || a["decided_by"] != "tenant open via trusted proxy" {
		t.Fatalf("proxy decision with proxy_may_approve: %d %s", d.status, d.raw)
	}
	ts.waitJob(t, keys["closed"], closedJob, "completed")
	ts.waitJob(t, keys["open"], openJob, "completed")
	if refundsOf(t, ts) != 2 {
		t.Fatalf("%d refunds, want 2", refundsOf(t, ts))
	}
}

// The local demo (no -tenants, loopback only) asks and approves as one
// person: its principal may decide. (Guards the viaLocalDemo case.)
func TestLocalDemoMayApprove(t *testing.T) {
	ts := startService(t, refundScript("Refund issued."))
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"Refund order 42"}`)
	_, p := ts.waitPending(t, "", r.body["id"])
	d := ts.do(t, "POST", jobPath(r.body["id"], "/approvals/", str(p["id"])), "", "", `{"decision":"approve"}`)
	if a, _ := d.body["approval"].(map[string]any); d.status != 202 || a["decided_by"] != "tenant default (local demo)" {
		t.Fatalf("the demo's decision: %d %s", d.status, d.raw)
	}
	ts.waitJob(t, "", r.body["id"], "completed")
	if refundsOf(t, ts) != 1 {
		t.Fatalf("%d refunds, want 1", refundsOf(t, ts))
	}
}

// A job queued with no creator recorded (by a service before creators
// were) cannot be decided by any key: four-eyes cannot be checked, so the
// decision is refused (fail closed) and the approval waits for its
// window. (Guards mayDecideJob's CreatedBy check.)
func TestApprovalOfJobWithUnknownCreatorIsRefused(t *testing.T) {
	tenants, keys := writeTenants(t, approverTenants)
	ts := startService(t, refundScript("Refund issued."), "-tenants", tenants)
	ctx := context.Background()
	pub := newPublicJobID()
	if err := ts.queue.InTx(ctx, func(tx txn, jobs txJobs) error {
		res, err := jobs.Insert(AskArgs{Tenant: "t", Query: "Refund order 42"}, nil)
		if err != nil {
			return err
		}
		return tx.exec(ctx, `INSERT INTO aigentic_job (public_id, job_id, tenant, created_at) VALUES ($1, $2, $3, $4)`, pub, res.Job.ID, "t", int64(1))
	}); err != nil {
		t.Fatal(err)
	}
	_, p := ts.waitPending(t, keys["t"], pub)
	d := ts.do(t, "POST", jobPath(pub, "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"approve"}`)
	if d.status != 403 || !strings.Contains(str(d.body["error"]), "who created this job is not recorded") {
		t.Fatalf("decision on a job with no recorded creator: %d %s", d.status, d.raw)
	}
	if decs, err := ts.store.decisions(ctx, riverIDOf(t, ts, pub)); err != nil || len(decs) != 0 || refundsOf(t, ts) != 0 {
		t.Fatalf("refused decision recorded %v (%v); %d refunds", decs, err, refundsOf(t, ts))
	}
}

// approver_keys must name the tenant's own keys, once each; a bad entry
// is a startup error naming the tenant and the entry (and wrapping
// ErrTenantsFile), never a silently powerless or powerful key.
func TestApproverKeysConfig(t *testing.T) {
	entry := func() (KeyEntry, string) {
		_, e, err := newKey("")
		if err != nil {
			t.Fatal(err)
		}
		return e, "{id: " + e.ID + ", sha256: " + e.SHA256 + "}"
	}
	a, aLine := entry()
	b, bLine := entry()
	admin, adminLine := entry()
	file := func(approvers string) string {
		return "admin_keys: [" + adminLine + "]\ntenants:\n  a:\n    api_keys: [" + aLine + "]\n    approver_keys: " + approvers +
			"\n  b:\n    api_keys: [" + bLine + "]\n"
	}
	f, err := parseTenants(strings.NewReader(file("[" + a.ID + "]")))
	if err != nil {
		t.Fatal(err)
	}
	model := func(string) (ai.Model, error) { return aitest.NewScripted(), nil }
	ts, err := newTenants(f.Tenants, DefaultRescueAfter, 1, model)
	if err != nil || !ts["a"].approvers[a.ID] || len(ts["a"].approvers) != 1 || len(ts["b"].approvers) != 0 {
		t.Fatalf("approvers %v, %v (%v)", ts["a"].approvers, ts["b"].approvers, err)
	}
	for name, c := range map[string]struct{ approvers, want string }{
		"another tenant's key": {"[" + b.ID + "]", `tenant "a": approver_keys entry 1: ` + b.ID + " names no key in this tenant's api_keys"},
		"an admin key":         {"[" + admin.ID + "]", "names no key in this tenant's api_keys"},
		"no such key":          {"[aaaaaaaa]", "names no key in this tenant's api_keys"},
		"listed twice":         {"[" + a.ID + ", " + a.ID + "]", "entry 2: " + a.ID + " is listed twice"},
		"not a key id":         {"[ABC]", `tenant "a": approver_keys entry 1 is not a key id`},
		"a whole key":          {"[aig_" + a.ID + "_" + strings.Repeat("a", keySecretLen) + "]", "is not a key id"},
		"a long value":         {"[" + strings.Repeat("x", 5000) + "]", "is not a key id"},
		"empty id":             {`[""]`, "is not a key id"},
		"not a list":           {a.ID, "cannot construct"},
		"a key entry":          {"[" + aLine + "]", "cannot construct"},
	} {
		_, err := parseTenants(strings.NewReader(file(c.approvers)))
		if !errors.Is(err, ErrTenantsFile) || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 400 || strings.Contains(err.Error(), "aaaaaaaaaa") || strings.Contains(err.Error(), "xxxxxxxxxx") {
			t.Errorf("%s: %v, want ErrTenantsFile with %q", name, err, c.want)
		}
	}
	if _, err := parseTenants(strings.NewReader("tenants:\n  a:\n    proxy_may_approve: maybe\n")); !errors.Is(err, ErrTenantsFile) {
		t.Errorf("proxy_may_approve: maybe: %v", err)
	}
}
