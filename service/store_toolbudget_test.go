package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// One model response asking for 50 open_ticket calls opens at most the
// run's tool-call budget (maxToolCallsPerRun) of tickets: the job ends
// limited, the limit named in its row, and the work done is kept.
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
`)
	ts := startService(t, model, "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"open tickets"}`)
	job := ts.waitJob(t, keys["t"], r.body["id"], "completed", "cancelled", "discarded")
	tickets := ticketsOf(t, ts)
	if tickets == 0 || tickets > maxToolCallsPerRun {
		t.Fatalf("one response asking for %d tool calls opened %d tickets, want 1..%d", asked, tickets, maxToolCallsPerRun)
	}
	if job.body["state"] != "completed" || job.body["outcome"] != outcomeLimited {
		t.Fatalf("job %s", job.raw)
	}
	if row := jobRow(t, ts, r.body["id"].(string)); !strings.Contains(row.Error, "Budget.MaxToolCalls") {
		t.Fatalf("the job's row keeps %q, want the tool-call limit named", row.Error)
	}
}
