package main

import (
	"context"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// storableTextTest: a ticket subject and a final answer holding a NUL byte
// (which PostgreSQL's TEXT rejects) are stored with U+FFFD in its place,
// and the job completes on its first attempt with its answer kept; a
// run's end recorded with a NUL in its answer and error is stored too.
func storableTextTest(t *testing.T, db ...string) {
	model := aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "c1", Name: "open_ticket", Arguments: `{"subject":"broken\u0000subject"}`}),
		aitest.Reply("hello\x00world"))
	ts := startService(t, model, db...)
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"open a ticket"}`)
	job := ts.waitJob(t, "", r.body["id"], "completed", "cancelled", "discarded", "retryable")
	if job.body["state"] != "completed" || job.body["attempt"] != 1.0 || model.Calls() != 2 {
		t.Fatalf("job %s; model calls %d", job.raw, model.Calls())
	}
	row := jobRow(t, ts, r.body["id"].(string))
	if row.Outcome != outcomeOK || row.Answer != "hello\uFFFDworld" {
		t.Fatalf("stored outcome %q answer %q, want ok and the NUL replaced", row.Outcome, row.Answer)
	}
	var subject string
	if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT subject FROM aigentic_ticket`).Scan(&subject); err != nil {
		t.Fatal(err)
	}
	if subject != "broken\uFFFDsubject" {
		t.Fatalf("stored subject %q, want the NUL replaced", subject)
	}

	id := riverIDOf(t, ts, r.body["id"])
	if err := ts.store.finishRun(context.Background(), id, "", outcomeError, "an\x00swer", "err\x00or \xff"); err != nil {
		t.Fatalf("finishRun with a NUL: %v", err)
	}
	if row, err := ts.store.loadRun(context.Background(), id); err != nil || row.Answer != "an\uFFFDswer" || row.Error != "err\uFFFDor \uFFFD" {
		t.Fatalf("stored %+v, %v; want the NUL and the invalid byte replaced", row, err)
	}
}

func TestStorableTextSQLite(t *testing.T) { storableTextTest(t) }

func TestStorableTextPostgres(t *testing.T) { storableTextTest(t, "-db", postgresURL(t)) }

// storable leaves text that any database stores as it is.
func TestStorableKeepsValidText(t *testing.T) {
	for _, s := range []string{"", "plain", "ünïcödé ✓", strings.Repeat("x", 1000)} {
		if got := storable(s); got != s {
			t.Errorf("storable(%q) = %q", s, got)
		}
	}
}

// storableErrorTest: a model error whose message holds a NUL (which River
// cannot record in its JSONB errors on PostgreSQL) still ends the job:
// cancelled as a permanent model error, its cause kept.
func storableErrorTest(t *testing.T, db ...string) {
	model := aitest.NewScripted(aitest.Fail(&ai.ModelError{Provider: "test", StatusCode: 400, Message: "bad\x00request"}))
	ts := startService(t, model, db...)
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"order 7"}`)
	job := ts.waitJob(t, "", r.body["id"], "cancelled", "completed", "discarded")
	if job.body["state"] != "cancelled" || job.body["outcome"] != outcomeModel {
		t.Fatalf("job %s", job.raw)
	}
	var errs string
	if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT CAST(errors AS TEXT) FROM river_job WHERE id = $1`, riverIDOf(t, ts, r.body["id"])).Scan(&errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs, "bad\uFFFDrequest") {
		t.Fatalf("River's errors %q, want the message with the NUL replaced", errs)
	}
}

func TestStorableErrorSQLite(t *testing.T) { storableErrorTest(t) }

func TestStorableErrorPostgres(t *testing.T) { storableErrorTest(t, "-db", postgresURL(t)) }
