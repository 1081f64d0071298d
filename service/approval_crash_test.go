package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// approvalCrashTest: a worker process parks a job on issue_refund; an API
// process (this one, -role api) takes the decision. The worker is
// SIGKILLed while the job waits (whileToolRuns false: the decision comes
// with no worker alive), or after the decision right after the refund's
// effect, before its result is saved (true: River rescues the job after
// -rescue-after). A new worker process finishes the job from the
// checkpoint: one refund, the tool in flight run at most twice with one
// idempotency key, no model request repeated.
func approvalCrashTest(t *testing.T, dbURL string, whileToolRuns bool) {
	tenants, keys := writeTenants(t, crashTenants+"    approver_keys: [APPROVER]\n")
	record := filepath.Join(t.TempDir(), "record.txt")
	api := startService(t, aitest.NewScripted(), "-role", "api", "-tenants", tenants, "-db", dbURL)
	r := api.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	if r.status != 202 {
		t.Fatalf("post: %d %s", r.status, r.raw)
	}
	block := 0
	if whileToolRuns {
		block = 1
	}
	first := startChild(t, dbURL, tenants, record, "refund", block)
	_, p := api.waitPending(t, keys["t"], r.body["id"])
	decide := func() {
		d := api.do(t, "POST", jobPath(r.body["id"], "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"approve"}`)
		if d.status != 202 {
			t.Fatalf("decision: %d %s", d.status, d.raw)
		}
	}
	if whileToolRuns {
		decide()
		select {
		case <-first.toolDone:
		case <-time.After(60 * time.Second):
			t.Fatal("the worker never ran the approved refund")
		}
		first.kill()
	} else {
		first.kill()
		decide()
	}
	second := startChild(t, dbURL, tenants, record, "refund", 0)
	job := api.waitJob(t, keys["t"], r.body["id"], "completed", "cancelled", "discarded")
	second.terminate(t)
	if job.body["state"] != "completed" || job.body["answer"] != "refund handled" {
		t.Fatalf("job %s", job.raw)
	}
	row := jobRow(t, api, str(r.body["id"]))
	id := row.Checkpoint.Key
	if n, err := api.store.refunds(context.Background(), id+"/"); err != nil || n != 1 {
		t.Fatalf("%d refunds for %s (err %v), want 1", n, id, err)
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var models, tools []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "model ") {
			models = append(models, line[:strings.Index(line, " digest=")])
		} else {
			tools = append(tools, line)
		}
	}
	sort.Strings(models)
	if strings.Join(models, "\n") != "model turn=0 messages=2\nmodel turn=1 messages=4" {
		t.Fatalf("model requests:\n%s\nwant each turn once", strings.Join(models, "\n"))
	}
	want := []string{"tool issue_refund " + id + "/call_r0"}
	if whileToolRuns {
		want = append(want, want[0]) // the call in flight, again with its key
	}
	if strings.Join(tools, "\n") != strings.Join(want, "\n") {
		t.Fatalf("tool effects:\n%s\nwant:\n%s", strings.Join(tools, "\n"), strings.Join(want, "\n"))
	}
}

func TestApprovalWorkerKilledWhileJobWaitsSQLite(t *testing.T) {
	approvalCrashTest(t, "sqlite://"+filepath.Join(t.TempDir(), "approval.db"), false)
}

func TestApprovalWorkerKilledWhileToolRunsSQLite(t *testing.T) {
	approvalCrashTest(t, "sqlite://"+filepath.Join(t.TempDir(), "approval.db"), true)
}

func TestApprovalWorkerKilledWhileJobWaitsPostgres(t *testing.T) {
	approvalCrashTest(t, postgresURL(t), false)
}

func TestApprovalWorkerKilledWhileToolRunsPostgres(t *testing.T) {
	approvalCrashTest(t, postgresURL(t), true)
}
