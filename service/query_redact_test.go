package main

import (
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A credential a user pastes into a question — an OpenAI-style key, or
// one of the service's own aig_ keys — is redacted before the query is
// stored or sent on: the model provider gets "[REDACTED]", and no table —
// river_job's args included, which River UI's API serves — holds it.
func TestQueryWithAKeyIsRedacted(t *testing.T) { queryRedactTest(t) }

// The same on PostgreSQL.
func TestQueryWithAKeyIsRedactedOnPostgres(t *testing.T) {
	queryRedactTest(t, "-db", postgresURL(t))
}

func queryRedactTest(t *testing.T, args ...string) {
	const pasted = "sk-proj-Pasted0123456789abcdefXYZ"
	own, _, err := newKey("pasted")
	if err != nil {
		t.Fatal(err)
	}
	model := aitest.NewScripted(aitest.Reply("Thanks, checking."), aitest.Reply("Thanks, checking."))
	ts := startService(t, model, args...)
	body := `{"query":"my key ` + pasted + ` fails, why? And ` + own + ` too."}`

	run := ts.do(t, "POST", "/v1/runs", "", "", body)
	job := ts.do(t, "POST", "/v1/jobs", "", "", body)
	done := ts.waitJob(t, "", job.body["id"], "completed")
	if run.status != 200 || done.status != 200 {
		t.Fatalf("run %d %s, job %d %s", run.status, run.raw, done.status, done.raw)
	}

	reqs := model.Requests()
	if len(reqs) != 2 {
		t.Fatalf("the model got %d requests, want 2 (one per query)", len(reqs))
	}
	for _, req := range reqs {
		var sent []string
		for _, m := range req.Messages {
			sent = append(sent, m.Content)
		}
		all := strings.Join(sent, "\n")
		if strings.Contains(all, pasted) || strings.Contains(all, own[13:]) || !strings.Contains(all, "my key [REDACTED] fails, why? And [REDACTED] too.") {
			t.Fatalf("the model was sent:\n%s", all)
		}
	}
	rows := dumpTables(t, ts.db.sql, "aigentic_run", "aigentic_job", "river_job")
	if !strings.Contains(rows, "my key [REDACTED] fails") {
		t.Fatalf("the job's query is not in the dump: it checks nothing\n%s", rows)
	}
	if strings.Contains(rows, pasted[8:]) || strings.Contains(rows, own[13:]) {
		t.Fatalf("the pasted key is stored:\n%s", rows)
	}
}
