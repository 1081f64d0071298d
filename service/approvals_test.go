package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

const approvalTenants = `
tenants:
  t:
    rate: 100000
    burst: 100000
    workers: 1
    approval_window: 1h
    approver_keys: [APPROVER]
  other:
    rate: 100000
    burst: 100000
    approver_keys: [APPROVER]
`

// refundScript is a model that asks for a refund of order 42, then answers.
func refundScript(answer string) *aitest.Scripted {
	return aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "call_r0", Name: "issue_refund", Arguments: `{"order_id":42}`}),
		aitest.Reply(answer))
}

// refunds (tests) counts the refunds issued for keys starting with prefix.
func (s *store) refunds(ctx context.Context, prefix string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM aigentic_refund WHERE idempotency_key LIKE $1`, prefix+"%").Scan(&n)
	return n, err
}

func refundsOf(t *testing.T, ts *testService) int {
	t.Helper()
	n, err := ts.store.refunds(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitPending polls the job until it waits for an approval, and returns
// the job and the pending approval.
func (ts *testService) waitPending(t *testing.T, key string, id any) (response, map[string]any) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r := ts.do(t, "GET", jobPath(id), key, "", "")
		if p, ok := r.body["pending_approval"].(map[string]any); ok && r.body["state"] == "scheduled" {
			return r, p
		}
		if finalized(rivertype.JobState(str(r.body["state"]))) {
			t.Fatalf("job ended without waiting for approval: %s", r.raw)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("job %v never waited for approval", id)
	return response{}, nil
}

// sseReader reads a Server-Sent Events stream event by event.
type sseReader struct {
	resp *http.Response
	sc   *bufio.Scanner
}

// openSSE opens the stream for at most a minute: a stream that never sends
// what a test waits for ends, and the test fails instead of hanging.
func openSSE(t *testing.T, url, key string) *sseReader {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("events: %d", resp.StatusCode)
	}
	return &sseReader{resp: resp, sc: bufio.NewScanner(resp.Body)}
}

// next is the stream's next event (comments skipped).
func (s *sseReader) next(t *testing.T) sseEvent {
	t.Helper()
	var cur sseEvent
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "" && cur.event != "":
			return cur
		case strings.HasPrefix(line, "id: "):
			cur.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			cur.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.data); err != nil {
				t.Fatalf("data line %q: %v", line, err)
			}
		}
	}
	t.Fatalf("stream ended: %v", s.sc.Err())
	return cur
}

// The whole life of an approval in a job: the job parks at issue_refund
// — River's "scheduled" until the deadline, the pending call in GET and on
// the event stream, no worker held (the tenant's one worker completes
// another job meanwhile), nothing refunded —; the decision, with who made
// it, resumes it; the tool runs once; the stream shows the approval and
// the decision where they happened; a second answer is a 409.
func TestApprovalParksJobAndDecisionResumesIt(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "call_r0", Name: "issue_refund", Arguments: `{"order_id":42}`}),
		aitest.Reply("order 7 is on its way"),
		aitest.Reply("Refund issued."))
	ts := startService(t, model, "-tenants", tenants)
	key := keys["t"]
	r := ts.do(t, "POST", "/v1/jobs", key, "", `{"query":"Refund order 42"}`)
	if r.status != 202 {
		t.Fatalf("post: %d %s", r.status, r.raw)
	}
	id := r.body["id"]
	job, p := ts.waitPending(t, key, id)
	if p["tool"] != "issue_refund" || p["arguments"] != `{"order_id":42}` || p["message"] != "will refund order 42 in full" || p["status"] != "pending" ||
		!strings.HasPrefix(str(p["id"]), "apr_") {
		t.Fatalf("pending approval %v", p)
	}
	asked, _ := time.Parse(time.RFC3339Nano, str(p["asked_at"]))
	deadline, _ := time.Parse(time.RFC3339Nano, str(p["deadline"]))
	scheduled, _ := time.Parse(time.RFC3339Nano, str(job.body["scheduled_at"]))
	if d := deadline.Sub(asked); d != time.Hour {
		t.Fatalf("deadline %s after asking, want the tenant's approval window (1h)", d)
	}
	if d := scheduled.Sub(deadline); d < -time.Second || d > time.Second {
		t.Fatalf("River resumes the job at %v, want its deadline %v", scheduled, deadline)
	}
	if job.body["attempt"] != 0.0 || refundsOf(t, ts) != 0 || model.Calls() != 1 || toolCallsOf(job.body) != 0 {
		t.Fatalf("parked job %s; %d refunds, %d model calls", job.raw, refundsOf(t, ts), model.Calls())
	}
	// The tenant's one worker is free: another job runs to its end.
	other := ts.do(t, "POST", "/v1/jobs", key, "", `{"query":"Where is order 7?"}`)
	if o := ts.waitJob(t, key, other.body["id"], "completed"); o.body["answer"] != "order 7 is on its way" {
		t.Fatalf("other job %s", o.raw)
	}
	// The stream, open while the job waits, shows the request now.
	stream := openSSE(t, ts.url+jobPath(id, "/events"), key)
	if e := stream.next(t); e.id != "0" || e.event != "step" || e.data["kind"] != "model_response" {
		t.Fatalf("event 0: %+v", e)
	}
	if e := stream.next(t); e.id != "1" || e.event != "approval" || e.data["id"] != p["id"] || e.data["status"] != "pending" {
		t.Fatalf("event 1: %+v", e)
	}

	d := ts.do(t, "POST", jobPath(id, "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"approve","reason":"customer is right"}`)
	a, _ := d.body["approval"].(map[string]any)
	if d.status != 202 || a["status"] != "approved" || !strings.HasPrefix(str(a["decided_by"]), "tenant t key ") || a["reason"] != "customer is right" {
		t.Fatalf("decision: %d %s", d.status, d.raw)
	}
	for i, want := range []string{"decision", "step", "step"} {
		e := stream.next(t)
		if e.event != want || e.id != itoa(i+2) {
			t.Fatalf("event %d: %+v, want %s", i+2, e, want)
		}
		if want == "decision" && (e.data["decision"] != "approved" || e.data["decided_by"] != a["decided_by"]) {
			t.Fatalf("decision event %v", e.data)
		}
		if i == 1 && (e.data["tool"] != "issue_refund" || !strings.HasPrefix(str(e.data["content"]), "refunded order 42 (refund R-")) {
			t.Fatalf("tool result event %v", e.data)
		}
	}
	if e := stream.next(t); e.event != "end" || e.data["state"] != "completed" || e.data["answer"] != "Refund issued." {
		t.Fatalf("end event %+v", e)
	}
	done := ts.waitJob(t, key, id, "completed")
	if refundsOf(t, ts) != 1 || model.Calls() != 3 || done.body["pending_approval"] != nil || toolCallsOf(done.body) != 1 {
		t.Fatalf("completed job %s; %d refunds, %d model calls", done.raw, refundsOf(t, ts), model.Calls())
	}
	if as, _ := done.body["approvals"].([]any); len(as) != 1 || as[0].(map[string]any)["status"] != "approved" {
		t.Fatalf("approvals %v", done.body["approvals"])
	}

	again := ts.do(t, "POST", jobPath(id, "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"deny"}`)
	if again.status != 409 || !strings.Contains(str(again.body["error"]), "was approved already by tenant t key ") {
		t.Fatalf("second answer: %d %s", again.status, again.raw)
	}
	if refundsOf(t, ts) != 1 || model.Calls() != 3 {
		t.Fatalf("after a second answer: %d refunds, %d model calls", refundsOf(t, ts), model.Calls())
	}
}

// Denied, the tool does not run and the model is told why and by whom.
func TestApprovalDeniedToolDoesNotRun(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := refundScript("No refund, as decided.")
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	_, p := ts.waitPending(t, keys["t"], r.body["id"])
	d := ts.do(t, "POST", jobPath(r.body["id"], "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"deny","reason":"outside the refund period"}`)
	if d.status != 202 {
		t.Fatalf("deny: %d %s", d.status, d.raw)
	}
	done := ts.waitJob(t, keys["t"], r.body["id"], "completed")
	steps, _ := done.body["steps"].([]any)
	res := steps[1].(map[string]any)
	if refundsOf(t, ts) != 0 || done.body["answer"] != "No refund, as decided." || res["is_error"] != true ||
		!strings.Contains(str(res["content"]), "denied by tenant t key ") || !strings.Contains(str(res["content"]), "outside the refund period") {
		t.Fatalf("denied job %s; %d refunds", done.raw, refundsOf(t, ts))
	}
	if as, _ := done.body["approvals"].([]any); len(as) != 1 || as[0].(map[string]any)["status"] != "denied" {
		t.Fatalf("approvals %v", done.body["approvals"])
	}
}

// Bad decisions — another tenant's job, an approval that does not exist,
// a malformed decision, a reason over the limit — are clear 4xx, and the
// job still waits, nothing run.
func TestApprovalBadInputChangesNothing(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := refundScript("Refund issued.")
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	id := r.body["id"]
	_, p := ts.waitPending(t, keys["t"], id)
	path := jobPath(id, "/approvals/", str(p["id"]))
	cases := []struct {
		name, key, path, contentType, body string
		status                             int
		msg                                string
	}{
		{"another tenant's job", keys["other.approver"], path, "", `{"decision":"approve"}`, 404, "no such job"},
		{"no such approval", keys["t.approver"], jobPath(id, "/approvals/apr_aaaaaaaaaaaaaaaaaaaaaaaaaa"), "", `{"decision":"approve"}`, 404, "no such approval"},
		{"malformed approval id", keys["t.approver"], jobPath(id, "/approvals/call_r0"), "", `{"decision":"approve"}`, 404, "no such approval"},
		{"decision missing", keys["t.approver"], path, "", `{"reason":"ok"}`, 400, `"decision" is required`},
		{"decision unknown", keys["t.approver"], path, "", `{"decision":"yes please"}`, 400, `"decision" must be "approve" or "deny", not "yes please"`},
		{"decision not a string", keys["t.approver"], path, "", `{"decision":true}`, 400, "want a JSON string"},
		{"unknown field", keys["t.approver"], path, "", `{"decision":"approve","by":"me"}`, 400, `unknown field "by"`},
		{"reason too long", keys["t.approver"], path, "", `{"decision":"approve","reason":"` + strings.Repeat("x", maxReasonBytes+1) + `"}`, 413, `"reason" longer than 1024 bytes`},
		{"control character in reason", keys["t.approver"], path, "", `{"decision":"approve","reason":"a\u0000b"}`, 400, "control character"},
		{"not JSON", keys["t.approver"], path, "text/plain", `approve`, 415, "want application/json"},
		{"no body", keys["t.approver"], path, "", ``, 415, "want application/json"},
		{"metrics key", keys["_metrics"], path, "", `{"decision":"approve"}`, 403, "may not"},
		{"no key", "", path, "", `{"decision":"approve"}`, 401, "missing or invalid API key"},
	}
	for _, c := range cases {
		got := ts.do(t, "POST", c.path, c.key, c.contentType, c.body)
		if got.status != c.status || !strings.Contains(str(got.body["error"]), c.msg) {
			t.Errorf("%s: %d %s, want %d %q", c.name, got.status, got.raw, c.status, c.msg)
		}
	}
	still, p2 := ts.waitPending(t, keys["t"], id)
	if p2["status"] != "pending" || refundsOf(t, ts) != 0 || model.Calls() != 1 || still.body["attempt"] != 0.0 {
		t.Fatalf("after bad input: %s; %d refunds; %d model calls", still.raw, refundsOf(t, ts), model.Calls())
	}
}

// A decision after the deadline while the job still waits is a 409, and
// nothing is recorded or run. The tenant's window is an hour, so River
// keeps the job "scheduled"; the service's clock is two hours on, so the
// deadline has passed for the decision's check (River resumes a job only
// at its deadline, by its own clock: that path is TestApprovalExpires).
func TestApprovalDecisionAfterDeadline(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := refundScript("Refund issued.")
	var shift atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	ts := startServiceWith(t, options{model: model, now: clock}, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	id := r.body["id"]
	_, p := ts.waitPending(t, keys["t"], id)
	shift.Store(int64(2 * time.Hour))
	d := ts.do(t, "POST", jobPath(id, "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"approve"}`)
	if d.status != 409 || !strings.Contains(str(d.body["error"]), "expired at") {
		t.Fatalf("decision after the deadline: %d %s", d.status, d.raw)
	}
	if decs, err := ts.store.decisions(context.Background(), riverIDOf(t, ts, id)); err != nil || len(decs) != 0 {
		t.Fatalf("a refused decision was recorded: %v %v", decs, err)
	}
	job := ts.do(t, "GET", jobPath(id), keys["t"], "", "")
	as, _ := job.body["approvals"].([]any)
	if job.body["state"] != "scheduled" || len(as) != 1 || as[0].(map[string]any)["status"] != "expired" || as[0].(map[string]any)["decided_by"] != nil ||
		refundsOf(t, ts) != 0 || model.Calls() != 1 {
		t.Fatalf("after a decision past the deadline: %s; %d refunds, %d model calls", job.raw, refundsOf(t, ts), model.Calls())
	}
}

// Undecided at the deadline, River resumes the job and the runtime denies
// the call: expired, recorded (by "approval window"), on the stream,
// nothing refunded; a decision after that is a 409. (A window under River's
// scheduler interval, 5 s, leaves the parked job "available" with a future
// scheduled_at rather than "scheduled": this test waits for the end.)
func TestApprovalExpires(t *testing.T) {
	tenants, keys := writeTenants(t, strings.Replace(approvalTenants, "approval_window: 1h", "approval_window: 1s", 1))
	model := refundScript("The refund was not approved in time.")
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	id := r.body["id"]
	done := ts.waitJob(t, keys["t"], id, "completed")
	steps, _ := done.body["steps"].([]any)
	as, _ := done.body["approvals"].([]any)
	if refundsOf(t, ts) != 0 || len(steps) != 3 || !strings.Contains(str(steps[1].(map[string]any)["content"]), "treated as denied") ||
		len(as) != 1 || as[0].(map[string]any)["status"] != "expired" || as[0].(map[string]any)["decided_by"] != "approval window" {
		t.Fatalf("expired job %s; %d refunds", done.raw, refundsOf(t, ts))
	}
	evs := readSSE(t, ts.url+jobPath(id, "/events"), "", keys["t"])
	var seq []string
	for _, e := range evs {
		seq = append(seq, e.event)
	}
	if strings.Join(seq, " ") != "step approval decision step step end" || evs[2].data["decision"] != "expired" {
		t.Fatalf("events %v", evs)
	}
	aid := str(as[0].(map[string]any)["id"])
	if d := ts.do(t, "POST", jobPath(id, "/approvals/", aid), keys["t.approver"], "", `{"decision":"approve"}`); d.status != 409 ||
		!strings.Contains(str(d.body["error"]), "was expired already by approval window") {
		t.Fatalf("decision after expiry: %d %s", d.status, d.raw)
	}
	if refundsOf(t, ts) != 0 || model.Calls() != 2 {
		t.Fatalf("after a decision on an expired approval: %d refunds, %d model calls", refundsOf(t, ts), model.Calls())
	}
}

// A job cancelled while it waits: a decision after that is a 409 and
// nothing runs.
func TestApprovalAfterCancel(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := refundScript("Refund issued.")
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	id := r.body["id"]
	_, p := ts.waitPending(t, keys["t"], id)
	if c := ts.do(t, "POST", jobPath(id, "/cancel"), keys["t"], "", ""); c.status != 202 || c.body["state"] != "cancelled" {
		t.Fatalf("cancel: %d %s", c.status, c.raw)
	}
	d := ts.do(t, "POST", jobPath(id, "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"approve"}`)
	if d.status != 409 || !strings.Contains(str(d.body["error"]), "already ended (cancelled)") {
		t.Fatalf("decision after cancel: %d %s", d.status, d.raw)
	}
	job := ts.waitJob(t, keys["t"], id, "cancelled")
	as, _ := job.body["approvals"].([]any)
	if refundsOf(t, ts) != 0 || model.Calls() != 1 || len(as) != 1 || as[0].(map[string]any)["status"] != "cancelled" || job.body["pending_approval"] != nil ||
		job.body["outcome"] != "canceled" {
		t.Fatalf("cancelled job %s; %d refunds, %d model calls", job.raw, refundsOf(t, ts), model.Calls())
	}
}

// A run now (POST /v1/runs) is not offered issue_refund: nobody could
// approve it while the request waits.
func TestRunsAreNotOfferedApprovalTools(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("ok"))
	ts := startService(t, model)
	if r := ts.do(t, "POST", "/v1/runs", "", "", `{"query":"Refund order 42"}`); r.status != 200 {
		t.Fatalf("run: %d %s", r.status, r.raw)
	}
	for _, tool := range model.Requests()[0].Tools {
		if tool.Name == "issue_refund" {
			t.Fatal("a run was offered issue_refund")
		}
	}
}

// While a worker has the job (here: River's state set to running, as when
// an operator retried it in River's UI), a decision is a 409 with
// Retry-After and is not recorded; once the job waits again it is taken.
func TestApprovalWhileJobRuns(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := refundScript("Refund issued.")
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	_, p := ts.waitPending(t, keys["t"], r.body["id"])
	id := riverIDOf(t, ts, r.body["id"])
	setState := func(st string) {
		if _, err := ts.db.sql.ExecContext(context.Background(), `UPDATE river_job SET state = $1 WHERE id = $2`, st, id); err != nil {
			t.Fatal(err)
		}
	}
	setState("running")
	path := jobPath(r.body["id"], "/approvals/", str(p["id"]))
	d := ts.do(t, "POST", path, keys["t.approver"], "", `{"decision":"approve"}`)
	if d.status != 409 || d.header.Get("Retry-After") != "1" || !strings.Contains(str(d.body["error"]), "is running") {
		t.Fatalf("decision while running: %d %v %s", d.status, d.header, d.raw)
	}
	if decs, err := ts.store.decisions(context.Background(), id); err != nil || len(decs) != 0 {
		t.Fatalf("a refused decision was recorded: %v %v", decs, err)
	}
	setState("scheduled")
	if d := ts.do(t, "POST", path, keys["t.approver"], "", `{"decision":"approve"}`); d.status != 202 {
		t.Fatalf("decision once waiting again: %d %s", d.status, d.raw)
	}
	ts.waitJob(t, keys["t"], r.body["id"], "completed")
	if refundsOf(t, ts) != 1 {
		t.Fatalf("%d refunds", refundsOf(t, ts))
	}
}

// toolCallsOf is a job's stats.tool_calls: the parked call is counted once,
// when it is answered.
func toolCallsOf(job map[string]any) float64 {
	st, _ := job["stats"].(map[string]any)
	n, _ := st["tool_calls"].(float64)
	return n
}
