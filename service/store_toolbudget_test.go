package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// One model response asking for 50 open_ticket calls opens exactly the
// tenant's tool-call budget (max_tool_calls, here 7) of tickets: the job
// ends limited, the limit named in its row, and the work done is kept.
func TestOneResponseCannotOpenUnboundedTickets(t *testing.T) {
	const asked = 50
	calls := make([]ai.ToolCall, asked)
	for i := range calls {
		calls[i] = ai.ToolCall{ID: fmt.Sprintf("c%d", i), Name: "open_ticket", Arguments: fmt.Sprintf(`{"subject":"s%d"}`, i)}
	}
	model := aitest.NewScripted(aitest.CallTools(calls...), aitest.Reply("done"))
	tenants, keys := writeTenants(t, `
tenants:
  t:
    max_llm_calls: 2
    retries: 0
    rate: 1000
    burst: 1000
    max_tool_calls: 7
`)
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"open tickets"}`)
	job := ts.waitJob(t, keys["t"], r.body["id"], "completed", "cancelled", "discarded")
	tickets := ticketsOf(t, ts)
	if tickets != 7 {
		t.Fatalf("one response asking for %d tool calls opened %d tickets, want the tenant's max_tool_calls, 7", asked, tickets)
	}
	if job.body["state"] != "completed" || job.body["outcome"] != outcomeLimited {
		t.Fatalf("job %s", job.raw)
	}
	if row := jobRow(t, ts, r.body["id"].(string)); !strings.Contains(row.Error, "Budget.MaxToolCalls") {
		t.Fatalf("the job's row keeps %q, want the tool-call limit named", row.Error)
	}
}

// The budget is per job, not per attempt: a job that used 2 of its 3 tool
// calls, then parked on a refund's approval, resumes (a new attempt, from
// its checkpoint) with 1 left — the approved refund — and the tickets it
// asks for next are refused, the job limited. A fresh budget per attempt
// would open both (and complete). Guards the budget's restore from the
// checkpoint's Stats.ToolCalls.
func TestToolCallBudgetIsPerJobAcrossResume(t *testing.T) {
	ticket := func(id string) ai.ToolCall {
		return ai.ToolCall{ID: id, Name: "open_ticket", Arguments: `{"subject":"` + id + `"}`}
	}
	model := aitest.NewScripted(
		aitest.CallTools(ticket("a"), ticket("b")),
		aitest.CallTools(ai.ToolCall{ID: "r", Name: "issue_refund", Arguments: `{"order_id":42}`}),
		aitest.CallTools(ticket("c"), ticket("d")),
		aitest.Reply("done"))
	tenants, keys := writeTenants(t, `
tenants:
  t:
    rate: 1000
    burst: 1000
    max_tool_calls: 3
    approver_keys: [APPROVER]
`)
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"two tickets, a refund, two tickets"}`)
	_, p := ts.waitPending(t, keys["t"], r.body["id"])
	if d := ts.do(t, "POST", jobPath(r.body["id"], "/approvals/", str(p["id"])), keys["t.approver"], "", `{"decision":"approve"}`); d.status != 202 {
		t.Fatalf("decision: %d %s", d.status, d.raw)
	}
	job := ts.waitJob(t, keys["t"], r.body["id"], "completed", "cancelled", "discarded")
	if n := ticketsOf(t, ts); n != 2 || refundsOf(t, ts) != 1 || job.body["outcome"] != outcomeLimited || toolCallsOf(job.body) != 3 {
		t.Fatalf("job %s; %d tickets, %d refunds; want 2 tickets, 1 refund, limited at 3 tool calls", job.raw, n, refundsOf(t, ts))
	}
	if row := jobRow(t, ts, r.body["id"].(string)); !strings.Contains(row.Error, "Budget.MaxToolCalls") {
		t.Fatalf("the job's row keeps %q, want the tool-call limit named", row.Error)
	}
}

// max_tool_calls: omitted is 20; 1 to 1000 are kept; 0 (which could be
// read as "no limit"), a negative number, more than 1000, or not an
// integer are startup errors naming the field.
func TestMaxToolCallsConfig(t *testing.T) {
	parse := func(v string) (*tenantsFile, error) {
		return parseTenants(strings.NewReader("tenants:\n  a:\n    rate: 1\n" + v))
	}
	for v, want := range map[string]int{"": defaultMaxToolCalls, "    max_tool_calls: 1\n": 1, "    max_tool_calls: 1000\n": 1000} {
		f, err := parse(v)
		if err != nil || *f.Tenants["a"].MaxToolCalls != want {
			t.Fatalf("%q: %v, want %d", v, err, want)
		}
	}
	for _, v := range []string{"0", "-1", "1001", "99999999999999999999", "1.5", "twenty", "[]", "null"} {
		_, err := parse("    max_tool_calls: " + v + "\n")
		if v == "null" {
			// YAML null is the field omitted: the default.
			if err != nil {
				t.Errorf("max_tool_calls: null: %v", err)
			}
			continue
		}
		if !errors.Is(err, ErrTenantsFile) || !strings.Contains(err.Error(), "max_tool_calls") && !strings.Contains(err.Error(), "construct") {
			t.Errorf("max_tool_calls: %s: %v, want ErrTenantsFile naming the field", v, err)
		}
	}
}
