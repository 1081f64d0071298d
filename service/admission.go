package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Why a request is refused at admission. Each is wrapped by a *RefusalError.
var (
	// ErrRateLimited: the tenant's request rate is exceeded (HTTP 429 with
	// Retry-After).
	ErrRateLimited = errors.New("request rate exceeded")
	// ErrBudgetExhausted: the tenant's daily token budget is used up or
	// reserved by runs in flight (HTTP 429 with Retry-After: the next UTC
	// midnight, or sooner when reservations will free up).
	ErrBudgetExhausted = errors.New("daily token budget used up")
	// ErrQueueFull: the tenant has max_queued_jobs jobs not yet finished
	// (HTTP 429 with Retry-After).
	ErrQueueFull = errors.New("too many queued jobs")
	// ErrUnknownTenant: a job names a tenant this worker's tenants file does
	// not have (the job is cancelled).
	ErrUnknownTenant = errors.New("unknown tenant")
)

// RefusalError is a request refused at admission, before any model call
// or tool: a client condition, logged at Info and not an error of the
// service. Its text names only the caller's own tenant.
type RefusalError struct {
	Tenant string
	// Reason is ErrRateLimited, ErrBudgetExhausted or ErrQueueFull.
	Reason error
	// Detail is the message for the client.
	Detail string
	// RetryAfter is when trying again may succeed (0: not applicable).
	RetryAfter time.Duration
}

func (e *RefusalError) Error() string { return e.Detail }
func (e *RefusalError) Unwrap() error { return e.Reason }

// Status is the HTTP status of the refusal: 429.
func (e *RefusalError) Status() int { return http.StatusTooManyRequests }

// admission decides, when a request arrives, whether it may run, in one
// database transaction per request (queue.InTx) that every API process
// shares:
//
//  1. the daily token budget: today's used tokens plus what runs and jobs
//     still in flight have reserved must be below daily_token_budget;
//  2. for a job, the tenant's unfinished jobs must be below
//     max_queued_jobs;
//  3. the request rate: a token bucket (rate, burst) kept in the
//     aigentic_rate row of the tenant, so n API processes admit the
//     tenant's rate once, not n times;
//  4. then it reserves run_token_reservation tokens and, for a job,
//     inserts the River job and its public id — all committed together.
//
// The transaction is serialized per tenant: SQLite's BEGIN IMMEDIATE takes
// the file's write lock; PostgreSQL takes a transaction-scoped advisory
// lock on the tenant. A refused request changes nothing (the transaction
// rolls back), so it uses no rate token.
//
// Refusals first, from reads alone (precheck), while the tenant is being
// refused: once a request of the tenant is refused, until its
// Retry-After has passed (in this process), the same checks run first
// without a transaction, on committed rows, writing nothing; a request
// they refuse is answered 429 without taking the write lock or the
// tenant's lock, so a flood of refused requests does not queue behind,
// or ahead of, the admitted ones — at most one refused request per
// Retry-After takes the lock. Outside a refusal spell admitted requests
// skip the reads (on SQLite, with riversqlite's one connection per
// process, a second round of statements per request made every run wait
// longer for the connection). Such a refusal is exact, not a guess:
// each check refuses only on a state the database was in (the bucket's
// row, the unfinished jobs' count; for the budget, today's usage is read
// before the reservations, and a token only moves from reserved to used,
// so the sum read is at most the sum at the second read). A request they
// would admit is decided again under the lock, so admission stays
// atomic: no over-admission. A run already admitted is never
// stopped by admission; its reservation is also its token limit
// (tenantAgent sets aigentic.Budget.MaxTotalTokens), so concurrent runs
// spend at most the budget plus one reservation (the last admitted).
//
// With an Idempotency-Key (idempotency.go), a request the key already
// answered is replayed before these checks, in the same transaction.
type admission struct {
	queue queue
	// reads is the database precheck reads, outside any transaction (nil:
	// no precheck); kind is dbSQLite or dbPostgres.
	reads *sql.DB
	kind  string
	now   func() time.Time
	// refusing is, per tenant id (the configured tenants: bounded), until
	// when the tenant's last refusal said to retry: precheck runs before
	// then.
	refusingMu sync.Mutex
	refusing   map[string]time.Time
	// idempotencyWindow is how long an Idempotency-Key counts
	// (-idempotency-window).
	idempotencyWindow time.Duration
}

// admitted is what admission granted.
type admitted struct {
	// reservation is the reservation's id ("" without a budget).
	reservation string
	// job and publicID: the inserted job (jobs only) — or, replayed, the
	// job the Idempotency-Key made before.
	job      *rivertype.JobRow
	publicID string
	// replayed: the Idempotency-Key answered before; for a run, run is
	// its stored answer.
	replayed bool
	run      *storedResponse
}

// unfinishedStates are River's states of a job that has not ended.
const unfinishedStates = `('available', 'scheduled', 'retryable', 'running', 'pending')`

// reservationGrace is how long after a run's timeout its reservation
// lapses when its process died before settling it.
const reservationGrace = time.Minute

// admitRun admits a run now (POST /v1/runs): the checks, and a reservation
// that settleRun releases.
//
// With idem, a run the key already answered is replayed (out.run), one
// still in flight is a 409, and otherwise the key is recorded as in
// flight: finishIdempotentRun stores the answer.
func (a *admission) admitRun(ctx context.Context, t *tenant, idem *idempotency) (_ *admitted, err error) {
	var out admitted
	if err := a.precheck(ctx, t, idem, false); err != nil {
		return &out, err
	}
	defer func() { a.noteRefusal(t, err) }()
	err = a.queue.InTx(ctx, func(tx txn, _ txJobs) error {
		now := a.now()
		if err := lockTenant(ctx, tx, t); err != nil {
			return err
		}
		if idem != nil {
			row, ok, err := lookupIdempotency(ctx, tx, t.id, idem, now, true)
			if err != nil {
				return err
			}
			switch {
			case ok && row.fingerprint != idem.fingerprint:
				return keyReused(a.idempotencyWindow)
			case ok && row.status != 0:
				out.replayed, out.run = true, &storedResponse{status: row.status, body: row.response}
				return nil
			case ok && now.Before(row.createdAt.Add(t.cfg.Timeout+reservationGrace)):
				return &httpError{status: http.StatusConflict, reason: reasonConflict, header: http.Header{"Retry-After": {retryAfterSeconds(t.cfg.Timeout)}},
					msg: "a run with this Idempotency-Key is still in flight; retry after it ends to get its answer"}
			}
		}
		if err := a.check(ctx, tx, t, now, false, true); err != nil {
			return err
		}
		if idem != nil {
			if err := insertIdempotency(ctx, tx, t.id, idem, "", 0, now, a.idempotencyWindow); err != nil {
				return err
			}
		}
		if t.cfg.DailyTokenBudget > 0 {
			out.reservation = "run:" + newReference()
			if err := tx.exec(ctx, `INSERT INTO aigentic_reservation (id, tenant, tokens, expires_at) VALUES ($1, $2, $3, $4)`,
				out.reservation, t.id, t.cfg.RunTokenReservation, now.Add(t.cfg.Timeout+reservationGrace).UnixMilli()); err != nil {
				return fmt.Errorf("reserve tokens: %w", err)
			}
		}
		return nil
	})
	return &out, err
}

// retainedJob answers for a job River no longer has: River deletes a
// finished job after its retention (24 h for a completed one, River's
// CompletedJobRetentionPeriod default), while an Idempotency-Key may
// live up to -idempotency-window (720 h). The service's own row of the
// run outlives River's: a run it recorded as ended ok or limited is the
// completed job (a row with River's id and state only); any other (no
// end recorded, or a failure whose final River state is not known) is a
// 409 saying the key's job is gone — never a 500.
func retainedJob(ctx context.Context, tx txn, id int64) (*rivertype.JobRow, error) {
	var outcome string
	err := tx.queryRow(ctx, `SELECT outcome FROM aigentic_run WHERE job_id = $1`, id).Scan(&outcome)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if outcome == outcomeOK || outcome == outcomeLimited {
		return &rivertype.JobRow{ID: id, State: rivertype.JobStateCompleted}, nil
	}
	return nil, conflict("this Idempotency-Key's job has finished and its record is no longer kept; send a new key to ask again")
}

// admitJob admits a job (POST /v1/jobs): the checks, the River job in the
// tenant's queue, its public id and its reservation, in one transaction.
// The reservation lasts while River has not finished the job.
//
// The job records by, who asked (AskArgs.CreatedBy), for the four-eyes
// rule of its approvals (approvers.go). With idem, the job the key made before is returned instead (replayed),
// and a different request with the key is a 409.
func (a *admission) admitJob(ctx context.Context, t *tenant, query string, by *principal, idem *idempotency) (_ *admitted, err error) {
	var out admitted
	if err := a.precheck(ctx, t, idem, true); err != nil {
		return &out, err
	}
	defer func() { a.noteRefusal(t, err) }()
	err = a.queue.InTx(ctx, func(tx txn, jobs txJobs) error {
		now := a.now()
		if err := lockTenant(ctx, tx, t); err != nil {
			return err
		}
		if idem != nil {
			row, ok, err := lookupIdempotency(ctx, tx, t.id, idem, now, true)
			if err != nil {
				return err
			}
			if ok {
				if row.fingerprint != idem.fingerprint || row.publicID == "" {
					return keyReused(a.idempotencyWindow)
				}
				var id int64
				if err := tx.queryRow(ctx, `SELECT job_id FROM aigentic_job WHERE public_id = $1 AND tenant = $2`, row.publicID, t.id).Scan(&id); err != nil {
					return fmt.Errorf("idempotency key's job: %w", err)
				}
				job, err := jobs.Get(id)
				if errors.Is(err, river.ErrNotFound) {
					job, err = retainedJob(ctx, tx, id)
				}
				if err != nil {
					return fmt.Errorf("idempotency key's job %d: %w", id, err)
				}
				out.job, out.publicID, out.replayed = job, row.publicID, true
				return nil
			}
		}
		if err := a.check(ctx, tx, t, now, true, true); err != nil {
			return err
		}
		res, err := jobs.Insert(AskArgs{Tenant: t.id, Query: query, CreatedBy: by.String(), CreatedByKey: by.keyID}, nil)
		if err != nil {
			return fmt.Errorf("insert job: %w", err)
		}
		out.job, out.publicID = res.Job, newPublicJobID()
		if err := tx.exec(ctx, `INSERT INTO aigentic_job (public_id, job_id, tenant, created_at) VALUES ($1, $2, $3, $4)`,
			out.publicID, res.Job.ID, t.id, now.UnixMilli()); err != nil {
			return fmt.Errorf("job id: %w", err)
		}
		if idem != nil {
			if err := insertIdempotency(ctx, tx, t.id, idem, out.publicID, http.StatusAccepted, now, a.idempotencyWindow); err != nil {
				return err
			}
		}
		if t.cfg.DailyTokenBudget > 0 {
			out.reservation = "job:" + strconv.FormatInt(res.Job.ID, 10)
			if err := tx.exec(ctx, `INSERT INTO aigentic_reservation (id, tenant, tokens, job_id, expires_at) VALUES ($1, $2, $3, $4, 0)`,
				out.reservation, t.id, t.cfg.RunTokenReservation, res.Job.ID); err != nil {
				return fmt.Errorf("reserve tokens: %w", err)
			}
		}
		return nil
	})
	return &out, err
}

// lockTenant serializes admission transactions of one tenant: on
// PostgreSQL a transaction-scoped advisory lock on the tenant; SQLite's
// BEGIN IMMEDIATE has taken the file's write lock already.
func lockTenant(ctx context.Context, tx txn, t *tenant) error {
	if tx.kind() == dbPostgres {
		if err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "aigentic:admission:"+t.id); err != nil {
			return fmt.Errorf("admission lock: %w", err)
		}
	}
	return nil
}

// noteRefusal records, when err is a *RefusalError, until when the
// tenant is being refused (now + its Retry-After, at least a second).
func (a *admission) noteRefusal(t *tenant, err error) {
	var refusal *RefusalError
	if !errors.As(err, &refusal) {
		return
	}
	until := a.now().Add(max(refusal.RetryAfter, time.Second))
	a.refusingMu.Lock()
	defer a.refusingMu.Unlock()
	if a.refusing == nil {
		a.refusing = map[string]time.Time{}
	}
	if until.After(a.refusing[t.id]) {
		a.refusing[t.id] = until
	}
}

// isRefusing reports whether the tenant's last refusal's Retry-After has
// not yet passed at now.
func (a *admission) isRefusing(t *tenant, now time.Time) bool {
	a.refusingMu.Lock()
	defer a.refusingMu.Unlock()
	return now.Before(a.refusing[t.id])
}

// precheck, while the tenant is being refused (noteRefusal), runs
// admission's checks on reads alone (no transaction, no write, no lock:
// the admission doc above), returning the *RefusalError they decide, or
// nil to let the locked transaction decide: when they would admit, when a
// read fails (the transaction's reads will say why), and when idem names
// a key the tenant already used (its replay or 409 comes before any
// check, decided under the lock).
func (a *admission) precheck(ctx context.Context, t *tenant, idem *idempotency, job bool) error {
	now := a.now()
	if a.reads == nil || !a.isRefusing(t, now) {
		return nil
	}
	r := readTxn{db: a.reads, dbKind: a.kind}
	if idem != nil {
		if _, ok, err := lookupIdempotency(ctx, r, t.id, idem, now, false); ok || err != nil {
			return nil
		}
	}
	var refusal *RefusalError
	if err := a.check(ctx, r, t, now, job, false); errors.As(err, &refusal) {
		return refusal
	}
	return nil
}

// readTxn is txn on a *sql.DB outside any transaction, for precheck's
// reads: each statement reads committed rows; exec is refused.
type readTxn struct {
	db     *sql.DB
	dbKind string
}

// errReadOnly is a write attempted through a readTxn (a bug).
var errReadOnly = errors.New("write in admission's read-only precheck")

func (readTxn) exec(context.Context, string, ...any) error { return errReadOnly }
func (r readTxn) queryRow(ctx context.Context, q string, args ...any) scanner {
	return r.db.QueryRowContext(ctx, q, args...)
}
func (r readTxn) kind() string { return r.dbKind }

// check runs admission's checks in tx: the budget, the queue cap (jobs),
// the rate. It returns a *RefusalError or a database error. With write
// (the tenant locked) it deletes the tenant's stale reservations and takes
// the rate token; without (precheck) it only reads.
func (a *admission) check(ctx context.Context, tx txn, t *tenant, now time.Time, job, write bool) error {
	if b := t.cfg.DailyTokenBudget; b > 0 {
		used, reserved, err := budgetState(ctx, tx, t.id, now, write)
		if err != nil {
			return err
		}
		if used+reserved >= b {
			midnight := now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
			retry := midnight.Sub(now)
			detail := fmt.Sprintf("tenant %q has used its daily token budget: %d of %d tokens today (UTC); it resets at 00:00 UTC", t.id, used, b)
			if used < b {
				// Room may free up when runs in flight settle.
				retry = min(retry, t.cfg.Timeout)
				detail = fmt.Sprintf("tenant %q's daily token budget is used or reserved by runs in flight: %d used + %d reserved of %d tokens today (UTC)", t.id, used, reserved, b)
			}
			return &RefusalError{Tenant: t.id, Reason: ErrBudgetExhausted, RetryAfter: retry, Detail: detail}
		}
	}
	if job {
		var n int64
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM river_job WHERE queue = $1 AND state IN `+unfinishedStates, t.queue).Scan(&n); err != nil {
			return fmt.Errorf("count queued jobs: %w", err)
		}
		if n >= int64(t.cfg.MaxQueuedJobs) {
			// A running job ends within the tenant's timeout (River cancels
			// an attempt then), freeing a place.
			return &RefusalError{Tenant: t.id, Reason: ErrQueueFull, RetryAfter: t.cfg.Timeout,
				Detail: fmt.Sprintf("tenant %q has %d jobs queued or running, its limit (max_queued_jobs %d); retry when some have finished", t.id, n, t.cfg.MaxQueuedJobs)}
		}
	}
	return takeRateToken(ctx, tx, t, now, write)
}

// budgetState is the tenant's tokens used today (UTC) and the tokens
// still reserved by runs and jobs in flight: each reservation less what
// its job has already spent (those tokens are in used). With prune,
// reservations of runs past their expiry and of jobs River has finished
// are deleted first (without, they are only not counted). Usage is read
// before the reservations (precheck relies on the order).
func budgetState(ctx context.Context, tx txn, tenant string, now time.Time, prune bool) (used, reserved int64, err error) {
	live := liveReservation("$2")
	if prune {
		if err := tx.exec(ctx, `DELETE FROM aigentic_reservation WHERE id IN (
			SELECT r.id FROM aigentic_reservation r WHERE r.tenant = $1 AND NOT (`+live+`))`, tenant, now.UnixMilli()); err != nil {
			return 0, 0, fmt.Errorf("prune reservations: %w", err)
		}
	}
	err = tx.queryRow(ctx, `SELECT COALESCE((SELECT tokens FROM aigentic_tenant_usage WHERE tenant = $1 AND day = $2), 0)`,
		tenant, now.UTC().Format(time.DateOnly)).Scan(&used)
	if err != nil {
		return 0, 0, fmt.Errorf("read token usage: %w", err)
	}
	err = tx.queryRow(ctx, `SELECT CAST(COALESCE(SUM(CASE WHEN r.tokens > COALESCE(u.tokens, 0) THEN r.tokens - COALESCE(u.tokens, 0) ELSE 0 END), 0) AS BIGINT)
		FROM aigentic_reservation r LEFT JOIN aigentic_run u ON u.job_id = r.job_id
		WHERE r.tenant = $1 AND (`+live+`)`, tenant, now.UnixMilli()).Scan(&reserved)
	if err != nil {
		return 0, 0, fmt.Errorf("read reservations: %w", err)
	}
	return used, reserved, nil
}

// liveReservation is true of a reservation r still holding tokens at
// now (the parameter named, Unix ms): a run's before its expires_at, a
// job's while River has not finished the job. budgetState counts these
// and deletes the others; the pruner (prune.go) deletes the others of
// every tenant.
func liveReservation(now string) string {
	return `(r.job_id IS NULL AND r.expires_at > ` + now + `) OR (r.job_id IS NOT NULL AND EXISTS (
		SELECT 1 FROM river_job j WHERE j.id = r.job_id AND j.state IN ` + unfinishedStates + `))`
}

// takeRateToken takes one token from the tenant's bucket in the database
// (golang.org/x/time/rate's model: rate tokens per second, at most burst),
// or refuses with the wait until the next token. A clock behind the
// stored one (another process's) adds nothing. Without take it only
// checks that a token is there.
func takeRateToken(ctx context.Context, tx txn, t *tenant, now time.Time, take bool) error {
	tokens, last := float64(t.cfg.Burst), now.UnixMilli()
	err := tx.queryRow(ctx, `SELECT tokens, updated_at FROM aigentic_rate WHERE tenant = $1`, t.id).Scan(&tokens, &last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read rate: %w", err)
	}
	nowMS := now.UnixMilli()
	if nowMS > last {
		tokens = math.Min(float64(t.cfg.Burst), tokens+t.cfg.Rate*float64(nowMS-last)/1000)
		last = nowMS
	}
	if tokens < 1 {
		wait := time.Duration((1 - tokens) / t.cfg.Rate * float64(time.Second))
		return &RefusalError{Tenant: t.id, Reason: ErrRateLimited, RetryAfter: wait,
			Detail: fmt.Sprintf("tenant %q: request rate exceeded (%g requests/s, burst %d); retry after %s", t.id, t.cfg.Rate, t.cfg.Burst, wait.Round(time.Millisecond))}
	}
	if !take {
		return nil
	}
	if err := tx.exec(ctx, `INSERT INTO aigentic_rate (tenant, tokens, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (tenant) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`, t.id, tokens-1, last); err != nil {
		return fmt.Errorf("write rate: %w", err)
	}
	return nil
}

// retryAfterSeconds is a Retry-After header value: whole seconds, at
// least 1 (RFC 9110 section 10.2.3).
func retryAfterSeconds(d time.Duration) string {
	return fmt.Sprint(int64(math.Max(1, math.Ceil(d.Seconds()))))
}
