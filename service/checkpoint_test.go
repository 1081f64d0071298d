package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// checkpoints of a run: a model response with two tool calls, their two
// results, the final answer.
func turnCheckpoints() []*aigentic.Checkpoint {
	msgs := []ai.Message{{Role: ai.RoleSystem, Content: "sys"}, {Role: ai.RoleUser, Content: "q"},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "a", Name: "lookup_order", Arguments: "{}"}, {ID: "b", Name: "open_ticket", Arguments: "{}"}}},
		{Role: ai.RoleTool, ToolCallID: "a", Name: "lookup_order", Content: "found"},
		{Role: ai.RoleTool, ToolCallID: "b", Name: "open_ticket", Content: "opened"},
		{Role: ai.RoleAssistant, Content: "done"}}
	steps := []aigentic.CheckpointStep{aigentic.StepModelResponse, aigentic.StepToolResult, aigentic.StepToolResult, aigentic.StepModelResponse}
	out := make([]*aigentic.Checkpoint, len(steps))
	for i, st := range steps {
		out[i] = &aigentic.Checkpoint{Key: "job-1", Step: st, Messages: msgs[:3+i], Calls: 1 + i/3,
			Stats: aigentic.Stats{InputTokens: 10 * (1 + i/3), OutputTokens: 5 * (1 + i/3)}}
	}
	return out
}

func checkpointStore(t *testing.T) (*store, func() int64) {
	t.Helper()
	db, _ := testQueue(t, "sqlite://"+filepath.Join(t.TempDir(), "cp.db"))
	st := &store{db: db.sql, now: time.Now}
	changes := func() int64 {
		var n int64
		if err := db.sql.QueryRowContext(context.Background(), `SELECT total_changes()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return st, changes
}

// A turn is three writes, not four, and no run-end write: the tool
// results go with the next model response, which records the answer and
// the outcome; the tokens reach the tenant's day once per response.
func TestCheckpointerMergesToolResultsIntoTheNextWrite(t *testing.T) {
	st, changes := checkpointStore(t)
	// The delay never ends here: what is merged does not depend on timing.
	c := &checkpointer{store: st, jobID: 1, tenant: "t", ctx: context.Background(), delay: time.Hour}
	before := changes()
	for _, cp := range turnCheckpoints() {
		if err := c.save(context.Background(), cp); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// 2 run upserts, 2 usage upserts: the tool results added none.
	if n := changes() - before; n != 4 {
		t.Fatalf("%d rows written for a turn, want 4", n)
	}
	row, err := st.loadRun(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !c.answered || row.Outcome != outcomeOK || row.Answer != "done" || len(row.Checkpoint.Messages) != 6 || row.Tokens != 30 {
		t.Fatalf("row %+v, answered %v", row, c.answered)
	}
	if used, _ := st.tokensUsed(context.Background(), "t", time.Now().UTC().Format(time.DateOnly)); used != 30 {
		t.Fatalf("tenant's day: %d tokens, want 30", used)
	}
}

// A tool result with no next checkpoint soon is written alone after the
// delay (the events stream shows it while the model thinks), and one
// still waiting when the run stops is written by flush.
func TestCheckpointerWritesALoneToolResult(t *testing.T) {
	st, _ := checkpointStore(t)
	cps := turnCheckpoints()
	c := &checkpointer{store: st, jobID: 1, tenant: "t", ctx: context.Background(), delay: time.Millisecond}
	for _, cp := range cps[:2] {
		if err := c.save(context.Background(), cp); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		row, err := st.loadRun(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(row.Checkpoint.Messages) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tool result was never written alone: %d messages stored", len(row.Checkpoint.Messages))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.save(context.Background(), cps[2]); err != nil {
		t.Fatal(err)
	}
	if err := c.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	row, err := st.loadRun(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(row.Checkpoint.Messages) != 5 || row.Outcome != "" || c.answered {
		t.Fatalf("after flush: %d messages, outcome %q", len(row.Checkpoint.Messages), row.Outcome)
	}
}
