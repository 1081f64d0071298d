package main

import (
	"strings"
	"sync"
	"testing"
)

// approvalRaceTest: ten decisions on one approval at once — five approve,
// five deny. One is taken (202); the other nine are 409s saying it was
// decided already; the job ends as the taken one says (one refund if
// approved, none if denied) and the model is asked once more. On
// PostgreSQL the deciders take turns on the job's row (SELECT … FOR
// UPDATE); on SQLite BEGIN IMMEDIATE serializes them.
func approvalRaceTest(t *testing.T, args ...string) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := refundScript("Handled.")
	ts := startService(t, model, append([]string{"-tenants", tenants}, args...)...)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	_, p := ts.waitPending(t, keys["t"], r.body["id"])
	path := jobPath(r.body["id"], "/approvals/", str(p["id"]))
	answers := make([]response, 10)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			answers[i] = ts.do(t, "POST", path, keys["t.approver"], "", `{"decision":"`+[]string{"approve", "deny"}[i%2]+`"}`)
		})
	}
	wg.Wait()
	taken := ""
	for i, a := range answers {
		switch a.status {
		case 202:
			ap, _ := a.body["approval"].(map[string]any)
			if taken != "" {
				t.Fatalf("decision %d taken too (%s) after one %s", i, a.raw, taken)
			}
			taken = str(ap["status"])
		case 409:
			if !strings.Contains(str(a.body["error"]), "already") {
				t.Fatalf("decision %d: %s", i, a.raw)
			}
		default:
			t.Fatalf("decision %d: %d %s", i, a.status, a.raw)
		}
	}
	want := map[string]int{"approved": 1, "denied": 0}
	if _, ok := want[taken]; !ok {
		t.Fatalf("no decision taken: %v", answers)
	}
	done := ts.waitJob(t, keys["t"], r.body["id"], "completed")
	as, _ := done.body["approvals"].([]any)
	if len(as) != 1 || as[0].(map[string]any)["status"] != taken || refundsOf(t, ts) != want[taken] || model.Calls() != 2 {
		t.Fatalf("after the %s decision: %s; %d refunds, %d model calls", taken, done.raw, refundsOf(t, ts), model.Calls())
	}
}

func TestApprovalDecisionsRaceSQLite(t *testing.T) { approvalRaceTest(t) }

func TestApprovalDecisionsRacePostgres(t *testing.T) { approvalRaceTest(t, "-db", postgresURL(t)) }
