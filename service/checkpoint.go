package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// checkpointer is a job attempt's aigentic.Durable.Save: it stores each
// checkpoint, redacted, in the job's aigentic_run row, with as few
// database writes as keep the crash-resume guarantee (BenchmarkOverhead
// measures them):
//
//   - a tool result waits up to toolResultDelay for the run's next
//     checkpoint (the next tool result, model response or an approval's
//     park) and is written with it — with a fast model, one write for a
//     whole turn —, or alone when the delay ends first, so the events
//     stream still shows it soon; it is written at once when the run
//     ends or stops (flush). If the worker dies in between, the resumed
//     run runs the unsaved calls again, each with the same idempotency key
//     (the job's key and the call's id): the rule the call in flight at a
//     crash already needs, which every tool here keeps — lookup_order
//     only reads, open_ticket and issue_refund are keyed —, so every
//     effect still happens once; what is lost is the tools' work, never
//     an effect done twice. A model response — whose tool call ids the
//     keys are made of: a model asked again would choose new ones — and an
//     approval's park are written before the run goes on, as before;
//   - a checkpoint whose tokens did not change (a tool result) is one
//     upsert, with no transaction; a model response's adds its tokens to
//     the tenant's day atomically with it — on PostgreSQL in the same
//     statement (a data-modifying WITH: one round trip), on SQLite in one
//     transaction —, the delta computed by the database from the row's
//     stored tokens, not from what this process saw last;
//   - the run's final answer is written with its outcome (ok) and answer,
//     so the worker writes nothing more when the run ends (Work skips
//     finishRun);
//   - redaction covers only the messages added since the last checkpoint:
//     the transcript only grows, and the earlier ones are redacted
//     already.
type checkpointer struct {
	store  *store
	jobID  int64
	tenant string
	// ctx carries the job's values for the delayed writes.
	ctx context.Context
	// delay is toolResultDelay unless set (tests).
	delay time.Duration

	// mu orders the writes: the run's and the delay's.
	mu sync.Mutex
	// tokens are the tokens of the last checkpoint stored (or loaded).
	tokens int64
	// orig and redacted are the transcript's messages already redacted,
	// as given and as redacted.
	orig, redacted []ai.Message
	// deferred is a tool result not written yet; timer writes it after
	// toolResultDelay; err is the delayed write's failure, returned by
	// the next save.
	deferred *aigentic.Checkpoint
	timer    *time.Timer
	gen      int // the timer's: a stopped timer's late call writes nothing
	err      error
	// last is the last checkpoint handed to save; answered is set when
	// it held the run's final answer and was stored with outcome ok.
	last     *aigentic.Checkpoint
	answered bool
}

// toolResultDelay is how long a tool result waits for the run's next
// checkpoint to be written with (checkpointer). The events stream polls
// every 250 ms, so a client hardly sees the difference.
const toolResultDelay = 200 * time.Millisecond

// save is the run's Durable.Save.
func (c *checkpointer) save(ctx context.Context, cp *aigentic.Checkpoint) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.err; err != nil {
		c.err = nil
		return err
	}
	c.last, c.answered = cp, false
	if cp.Step == aigentic.StepToolResult {
		c.deferred = cp
		if c.timer == nil {
			gen, d := c.gen, c.delay
			if d <= 0 {
				d = toolResultDelay
			}
			c.timer = time.AfterFunc(d, func() { c.writeDeferred(gen) })
		}
		return nil
	}
	c.stopTimer()
	c.deferred = nil
	return c.write(ctx, cp)
}

// writeDeferred is the delay's write of a tool result, by the timer of
// generation gen.
func (c *checkpointer) writeDeferred(gen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.deferred == nil {
		return
	}
	c.timer = nil
	c.gen++
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 10*time.Second)
	defer cancel()
	cp := c.deferred
	c.deferred = nil
	if err := c.write(ctx, cp); err != nil {
		c.err = err
	}
}

// stopTimer stops the delay's timer (c.mu held); if it fired already,
// its call finds another generation and writes nothing.
func (c *checkpointer) stopTimer() {
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
		c.gen++
	}
}

// flush writes a tool result still deferred — the run ended (or stopped)
// after it, and the next attempt should not repeat what it can skip — and
// returns a delayed write's failure.
func (c *checkpointer) flush(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopTimer()
	err := c.err
	c.err = nil
	if cp := c.deferred; cp != nil {
		c.deferred = nil
		if werr := c.write(ctx, cp); werr != nil {
			err = werr
		}
	}
	return err
}

// write stores cp.
func (c *checkpointer) write(ctx context.Context, cp *aigentic.Checkpoint) error {
	red := c.redact(cp)
	b, err := json.Marshal(red)
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	tokens := int64(cp.Stats.InputTokens + cp.Stats.OutputTokens)
	var answer *string
	if n := len(red.Messages); cp.Step == aigentic.StepModelResponse && n > 0 && red.Messages[n-1].Role == ai.RoleAssistant && len(red.Messages[n-1].ToolCalls) == 0 {
		answer = &red.Messages[n-1].Content
	}
	if err := c.store.writeCheckpoint(ctx, c.jobID, c.tenant, red, string(b), tokens, tokens != c.tokens, answer); err != nil {
		return err
	}
	c.tokens, c.answered = tokens, answer != nil
	return nil
}

// redact is redactCheckpoint, redacting only the messages new since the
// last call.
func (c *checkpointer) redact(cp *aigentic.Checkpoint) *aigentic.Checkpoint {
	msgs := cp.Messages
	n := len(c.orig)
	if n > len(msgs) || !samePrefix(c.orig, msgs) {
		c.orig, c.redacted, n = nil, nil, 0
	}
	c.redacted = append(c.redacted, redactMessages(msgs[n:])...)
	c.orig = append(c.orig, msgs[n:]...)
	out := redactCheckpoint(&aigentic.Checkpoint{Key: cp.Key, Step: cp.Step, Calls: cp.Calls, Stats: cp.Stats, HistoryFrom: cp.HistoryFrom, Pending: cp.Pending})
	out.Messages = c.redacted
	return out
}

// samePrefix reports whether msgs starts with prefix (by role, content
// and tool calls' ids: a transcript only grows, so this catches a
// different run's transcript, never a subtle edit).
func samePrefix(prefix, msgs []ai.Message) bool {
	for i, p := range prefix {
		m := msgs[i]
		if p.Role != m.Role || p.Content != m.Content || p.ToolCallID != m.ToolCallID || len(p.ToolCalls) != len(m.ToolCalls) {
			return false
		}
		for j := range p.ToolCalls {
			if p.ToolCalls[j] != m.ToolCalls[j] {
				return false
			}
		}
	}
	return true
}

// writeCheckpoint stores red (its JSON b) as the job's checkpoint with
// its tokens; when tokensChanged, it adds the tokens since the stored
// checkpoint to the tenant's day (the database computes the delta), in
// one transaction; with answer, it records the run's end too (outcome
// ok; the answer made storable). b is JSON, which escapes a NUL. A parked run's pending approval is recorded in the transaction
// (insertApprovalTx).
func (s *store) writeCheckpoint(ctx context.Context, jobID int64, tenant string, red *aigentic.Checkpoint, b string, tokens int64, tokensChanged bool, answer *string) error {
	const upsertRun = `INSERT INTO aigentic_run (job_id, tenant, checkpoint, tokens, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (job_id) DO UPDATE SET checkpoint = excluded.checkpoint, tokens = excluded.tokens, updated_at = excluded.updated_at`
	const upsertAnswered = `INSERT INTO aigentic_run (job_id, tenant, checkpoint, tokens, updated_at, outcome, answer, error) VALUES ($1, $2, $3, $4, $5, $6, $7, '')
		ON CONFLICT (job_id) DO UPDATE SET checkpoint = excluded.checkpoint, tokens = excluded.tokens, updated_at = excluded.updated_at,
			outcome = excluded.outcome, answer = excluded.answer, error = ''`
	now := s.now()
	args := []any{jobID, tenant, b, tokens, now.UnixMilli()}
	q := upsertRun
	if answer != nil {
		q, args = upsertAnswered, append(args, outcomeOK, storable(*answer))
	}
	if !tokensChanged && red.Pending == nil {
		_, err := s.db.ExecContext(ctx, q, args...)
		return err
	}
	if s.postgres && red.Pending == nil {
		// One statement, one round trip: the token delta in a
		// data-modifying CTE (every part of it sees the row as it was
		// before the statement). SQLite has no such CTE: a transaction.
		day := len(args) + 1
		_, err := s.db.ExecContext(ctx, fmt.Sprintf(`WITH usage AS (INSERT INTO aigentic_tenant_usage (tenant, day, tokens)
			SELECT $2, $%d, $4 - p.prev FROM (SELECT COALESCE((SELECT tokens FROM aigentic_run WHERE job_id = $1), 0) AS prev) AS p WHERE p.prev < $4
			ON CONFLICT (tenant, day) DO UPDATE SET tokens = aigentic_tenant_usage.tokens + excluded.tokens) `, day)+q,
			append(args, now.UTC().Format("2006-01-02"))...)
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if tokensChanged {
		if err := addTokenDeltaTx(ctx, tx, jobID, tenant, tokens, now.UTC().Format("2006-01-02")); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return err
	}
	if red.Pending != nil {
		if err := insertApprovalTx(ctx, tx, jobID, tenant, red); err != nil {
			return fmt.Errorf("record approval: %w", err)
		}
	}
	return tx.Commit()
}

// addTokenDeltaTx adds to the tenant's day the tokens the job's run used
// beyond what its row stores (nothing when it stores as many or more), in
// one statement. SQLite needs the WHERE to read INSERT … SELECT … ON
// CONFLICT (its documentation's "parsing ambiguity").
func addTokenDeltaTx(ctx context.Context, tx *sql.Tx, jobID int64, tenant string, tokens int64, day string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO aigentic_tenant_usage (tenant, day, tokens)
		SELECT $1, $2, $3 - p.prev FROM (SELECT COALESCE((SELECT tokens FROM aigentic_run WHERE job_id = $4), 0) AS prev) AS p WHERE p.prev < $3
		ON CONFLICT (tenant, day) DO UPDATE SET tokens = aigentic_tenant_usage.tokens + excluded.tokens`,
		tenant, day, tokens, jobID)
	return err
}
