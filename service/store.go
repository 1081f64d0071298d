package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// store keeps this service's rows (schema.go) in the queue's database.
// Its SQL uses $n placeholders, which both PostgreSQL and SQLite read.
type store struct {
	db  *sql.DB
	now func() time.Time
	// postgres: the database is PostgreSQL (a few statements have a
	// faster form there; the portable one works on both).
	postgres bool
}

// runRow is a job's row: its latest checkpoint and, once ended, how.
type runRow struct {
	Checkpoint *aigentic.Checkpoint
	// Tokens are the checkpoint's tokens (input and output).
	Tokens  int64
	Outcome string
	Answer  string
	Error   string
}

// errNoRun: the job has no row yet (it has not reached its first step).
var errNoRun = errors.New("no run saved for this job")

// storable is s as it can go into a TEXT column on every database the
// service runs on: PostgreSQL's TEXT rejects the NUL byte (0x00, "invalid
// byte sequence for encoding UTF8") and any invalid UTF-8, so a model's
// answer or a ticket subject holding one would fail every write — the job
// retried, tokens paid each time, the answer never kept. Each NUL and each
// invalid sequence becomes U+FFFD (the Unicode replacement character).
// Every free text a model or a tool wrote goes through it at its insert
// or update (finishRun, writeCheckpoint's answer, openTicket); JSON
// columns (a checkpoint, a stored response) need not: encoding/json
// escapes a NUL (\u0000) and replaces invalid UTF-8.
func storable(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func addTokensTx(ctx context.Context, ex execer, tenant string, now time.Time, n int64) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO aigentic_tenant_usage (tenant, day, tokens) VALUES ($1, $2, $3)
		ON CONFLICT (tenant, day) DO UPDATE SET tokens = aigentic_tenant_usage.tokens + excluded.tokens`,
		tenant, now.UTC().Format(time.DateOnly), n)
	return err
}

// addTokens adds n tokens to the tenant's day (tests).
func (s *store) addTokens(ctx context.Context, tenant string, n int64) error {
	return addTokensTx(ctx, s.db, tenant, s.now(), n)
}

// settleRun ends a run's reservation (admission.admitRun) and adds the
// tokens it used to the tenant's day, in one transaction: the actual
// spend replaces the estimate.
func (s *store) settleRun(ctx context.Context, tenant, reservation string, tokens int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if reservation != "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM aigentic_reservation WHERE id = $1`, reservation); err != nil {
			return err
		}
	}
	if tokens > 0 {
		if err := addTokensTx(ctx, tx, tenant, s.now(), tokens); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// tokensUsed is the tenant's tokens on a UTC day ("2006-01-02").
func (s *store) tokensUsed(ctx context.Context, tenant, day string) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT tokens FROM aigentic_tenant_usage WHERE tenant = $1 AND day = $2`, tenant, day).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// errNoJob: no job has this public id for this tenant.
var errNoJob = errors.New("no such job")

// jobIDOf is River's id of the tenant's job with this public id, or
// errNoJob — also when the job is another tenant's.
func (s *store) jobIDOf(ctx context.Context, tenant, publicID string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT job_id FROM aigentic_job WHERE public_id = $1 AND tenant = $2`, publicID, tenant).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoJob
	}
	return id, err
}

// finishRun records how the job's run ended; answer and errMsg are
// redacted and made storable before they are stored.
func (s *store) finishRun(ctx context.Context, jobID int64, tenant, outcome, answer, errMsg string) error {
	answer, errMsg = storable(aigentic.Redact(answer)), storable(aigentic.Redact(errMsg))
	_, err := s.db.ExecContext(ctx, `INSERT INTO aigentic_run (job_id, tenant, outcome, answer, error, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (job_id) DO UPDATE SET outcome = excluded.outcome, answer = excluded.answer, error = excluded.error, updated_at = excluded.updated_at`,
		jobID, tenant, outcome, answer, errMsg, s.now().UnixMilli())
	return err
}

// loadRun reads the job's row; errNoRun when there is none.
func (s *store) loadRun(ctx context.Context, jobID int64) (*runRow, error) {
	var cp, outcome, answer, errMsg string
	var tokens int64
	err := s.db.QueryRowContext(ctx, `SELECT checkpoint, tokens, outcome, answer, error FROM aigentic_run WHERE job_id = $1`, jobID).Scan(&cp, &tokens, &outcome, &answer, &errMsg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoRun
	}
	if err != nil {
		return nil, err
	}
	row := &runRow{Tokens: tokens, Outcome: outcome, Answer: answer, Error: errMsg}
	if cp != "" {
		row.Checkpoint = new(aigentic.Checkpoint)
		if err := json.Unmarshal([]byte(cp), row.Checkpoint); err != nil {
			return nil, fmt.Errorf("job %d: stored checkpoint unreadable: %w", jobID, err)
		}
	}
	return row, nil
}

// effectIDBytes is how many bytes of SHA-256 an effect's id keeps: 128
// bits, so two of a store's tickets (or refunds) share an id with
// probability about n²/2¹²⁹ — nil for any n a database holds (the
// birthday bound). The 32 bits kept before collided at even odds by
// about 77,000 tickets.
const effectIDBytes = 16

// effectID is the id of the effect (a ticket, a refund) made for an
// idempotency key (as stored: redactIdempotencyKey's): prefix and the
// first effectIDBytes of SHA-256(prefix + key), lower-case base32 — "T-"
// and 26 characters. A function of the key, so a call repeated with it (a
// retry, a resumed job) names the same effect; the stored id is still
// what a repeat returns (an effect stored by an earlier version keeps its
// id). The prefix is hashed too: the key is "<job key>/<call id>", the
// string an approval's id hashes (approvalID), and a refund's id must not
// be its approval's id under another prefix.
func effectID(prefix, key string) string {
	sum := sha256.Sum256([]byte(prefix + key))
	return prefix + b32.EncodeToString(sum[:effectIDBytes])
}

// openTicket creates the ticket for key once: a second call with the
// same key (a tool call repeated after a crash) finds the first ticket.
// It returns the ticket's ID (effectID, or the one stored) and whether
// this call created it. The subject, which the model wrote, is stored
// redacted and storable.
func (s *store) openTicket(ctx context.Context, key, tenant, subject string) (string, bool, error) {
	key = redactIdempotencyKey(key) // as the resumed run's will be: no secret, one key
	subject = storable(aigentic.Redact(subject))
	id := effectID("T-", key)
	res, err := s.db.ExecContext(ctx, `INSERT INTO aigentic_ticket (idempotency_key, ticket_id, tenant, subject, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (idempotency_key) DO NOTHING`, key, id, tenant, subject, s.now().UnixMilli())
	if err != nil {
		return "", false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return "", false, err
	}
	if n == 0 {
		if err := s.db.QueryRowContext(ctx, `SELECT ticket_id FROM aigentic_ticket WHERE idempotency_key = $1`, key).Scan(&id); err != nil {
			return "", false, err
		}
	}
	return id, n == 1, nil
}

// queueState is, per River queue, the unfinished jobs by state, and per
// tenant the jobs parked on an undecided approval.
func (s *store) queueState(ctx context.Context) (map[string]map[string]int64, map[string]int64, error) {
	counts := map[string]map[string]int64{}
	rows, err := s.db.QueryContext(ctx, `SELECT queue, CAST(state AS TEXT), COUNT(*) FROM river_job WHERE state IN `+unfinishedStates+` GROUP BY queue, state`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var q, st string
		var n int64
		if err := rows.Scan(&q, &st, &n); err != nil {
			return nil, nil, err
		}
		if counts[q] == nil {
			counts[q] = map[string]int64{}
		}
		counts[q][st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	approvals := map[string]int64{}
	arows, err := s.db.QueryContext(ctx, `SELECT a.tenant, COUNT(*) FROM aigentic_approval a JOIN river_job j ON j.id = a.job_id
		WHERE a.decision = '' AND j.state = 'scheduled' GROUP BY a.tenant`)
	if err != nil {
		return nil, nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var t string
		var n int64
		if err := arows.Scan(&t, &n); err != nil {
			return nil, nil, err
		}
		approvals[t] = n
	}
	return counts, approvals, arows.Err()
}
