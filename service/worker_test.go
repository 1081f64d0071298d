package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// outcomeTenants' run timeout, 3 s, is what the timeout case waits for;
// the other cases finish in milliseconds, far below it even when a
// race-enabled suite loads both cores.
const outcomeTenants = `
tenants:
  t:
    max_llm_calls: 1
    retries: 0
    timeout: 3s
    rate: 1000
    burst: 1000
`

// How a run's end maps onto River, one job each: River's state verbatim,
// the outcome and the error kept.
// The client sees a safe message naming the job as its reference; the
// cause is in the job's row (and the log).
func TestOutcomesMapOntoRiver(t *testing.T) {
	tenants, keys := writeTenants(t, outcomeTenants)
	cases := []struct {
		name    string
		script  []aitest.Step
		state   string
		outcome string
		errWant string // in the message the client sees
		cause   string // in the job's row
		steps   int
	}{
		{"permanent model error is cancelled, not retried", []aitest.Step{aitest.Fail(aitest.StatusError(400, 0)), aitest.Reply("must not be asked")}, "cancelled", "model_error", "could not answer", "400", 0},
		{"transient error without Retry-After is retried by River", []aitest.Step{aitest.Fail(aitest.StatusError(503, 0)), aitest.Reply("recovered")}, "completed", "ok", "", "", 1},
		{"transient error with Retry-After is snoozed that long, capped", []aitest.Step{aitest.Fail(aitest.StatusError(429, 365*24*time.Hour))}, "scheduled", "model_error", "could not answer", "429", 0},
		{"limit completes as limited with the work kept", []aitest.Step{aitest.CallTools(ai.ToolCall{ID: "c1", Name: "lookup_order", Arguments: `{"order_id":7}`})}, "completed", "limited", "within its limits", "MaxLLMCalls", 1},
		{"tenant timeout cancels the job", []aitest.Step{aitest.Reply("too late").After(time.Minute)}, "cancelled", "timeout", "took too long", "deadline exceeded", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model := aitest.NewScripted(c.script...)
			ts := startService(t, model, "-tenants", tenants)
			r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"order 7"}`)
			job := ts.waitJob(t, keys["t"], r.body["id"], c.state)
			msg, _ := job.body["error"].(string)
			steps, _ := job.body["steps"].([]any)
			if job.body["outcome"] != c.outcome || !strings.Contains(msg, c.errWant) || len(steps) != c.steps {
				t.Fatalf("job %s", job.raw)
			}
			if c.cause != "" {
				if !strings.HasSuffix(msg, "(reference: "+r.body["id"].(string)+")") || strings.Contains(msg, c.cause) {
					t.Fatalf("the client's message %q is not safe or names no reference", msg)
				}
				row := jobRow(t, ts, r.body["id"].(string))
				if !strings.Contains(row.Error, c.cause) {
					t.Fatalf("the job's row keeps %q, want the cause %q", row.Error, c.cause)
				}
			}
			if c.outcome == "ok" && (job.body["attempt"] != 2.0 || job.body["answer"] != "recovered") {
				t.Fatalf("job was not retried by River: %s", job.raw)
			}
			if c.state == "scheduled" {
				at, err := time.Parse(time.RFC3339Nano, job.body["scheduled_at"].(string))
				// A year's Retry-After (31536000 s) snoozes the job at most
				// maxRetryAfter (scheduled: still ahead).
				if err != nil || time.Until(at) > maxRetryAfter {
					t.Fatalf("snoozed until %v (%s from now), want at most %s from now", at, time.Until(at), maxRetryAfter)
				}
			}
			if c.state == "cancelled" && model.Calls() != 1 {
				t.Fatalf("a cancelled job was run again: %d model calls", model.Calls())
			}
		})
	}
}

// Cancel through the API stops the running run promptly and the job ends
// cancelled.
func TestCancelRunningJob(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("never").After(time.Minute))
	ts := startService(t, model)
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"wait"}`)
	ts.waitJob(t, "", r.body["id"], "running")
	for model.Calls() == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if c := ts.do(t, "POST", jobPath(r.body["id"], "/cancel"), "", "", ""); c.status != 202 {
		t.Fatalf("cancel: %d %s", c.status, c.raw)
	}
	job := ts.waitJob(t, "", r.body["id"], "cancelled")
	if job.body["outcome"] != "canceled" {
		t.Fatalf("job %s", job.raw)
	}
	t.Logf("cancelled after %s", time.Since(start).Round(time.Millisecond))
}

// Shutdown with a job running: the job goes back to available (no attempt
// used, nothing recorded as its end) and a new process resumes it from its
// checkpoint: the tool whose result was saved does not run again.
func TestShutdownInterruptsAndNextProcessResumes(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "shared.db")
	first := aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "c1", Name: "open_ticket", Arguments: `{"subject":"late"}`}),
		aitest.Reply("never").After(time.Minute))
	ts := startService(t, first, "-db", db)
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"open a ticket"}`)
	for first.Calls() < 2 {
		time.Sleep(time.Millisecond)
	}
	ts.stop()
	second := aitest.NewScripted(aitest.Reply("ticket opened"))
	ts2 := startService(t, second, "-db", db)
	if tickets := ticketsOf(t, ts2); tickets != 1 {
		t.Fatalf("%d tickets before resuming", tickets)
	}
	job := ts2.waitJob(t, "", r.body["id"], "completed")
	if job.body["answer"] != "ticket opened" || job.body["attempt"] != 1.0 || ticketsOf(t, ts2) != 1 || second.Calls() != 1 {
		t.Fatalf("resumed job %s; tickets %d; model calls %d", job.raw, ticketsOf(t, ts2), second.Calls())
	}
	// The resumed request carried the saved transcript: the tool result too.
	req := second.Requests()[0]
	if last := req.Messages[len(req.Messages)-1]; last.Role != ai.RoleTool || !strings.Contains(last.Content, "opened ticket T-") {
		t.Fatalf("resumed request ends with %+v", last)
	}
}
