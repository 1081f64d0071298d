package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/riverqueue/river"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Pruning: River deletes its own finished jobs after their retention
// (its job cleaner; CompletedJobRetentionPeriod, set by riverConfig), but
// the service's rows of those jobs would stay forever. They are pruned
// the way River schedules its own maintenance: a River periodic job,
// PruneArgs, inserted every pruneInterval by the cluster's elected leader
// (and once when a leader starts: RunOnStart), worked by PruneWorker in
// River's default queue on any worker process.
//
// Each table's rule, with cutoff = now − rowRetention (the clock is the
// service's, injectable), deleting at most pruneBatch rows per statement
// (each its own short transaction, so SQLite's write lock is held briefly
// and admissions interleave) until a statement deletes fewer:
//
//   - aigentic_run, aigentic_job: River no longer has the job (in any
//     state: River deletes only finalized jobs, so a job still available,
//     scheduled, running, retryable or pending is never touched), the row
//     is older than cutoff (aigentic_run.updated_at, aigentic_job.created_at),
//     and no Idempotency-Key still counting names the job (retainedJob
//     answers a replay from these two rows after River deleted the job).
//   - aigentic_approval: River no longer has the job, and the approval
//     was decided before cutoff, or was never decided and its deadline
//     passed before cutoff. An approval awaiting a decision belongs to a
//     job River still has (scheduled), so it is kept.
//   - aigentic_tenant_usage: days before cutoff's UTC day. rowRetention is
//     at least 24 h, so today's row (the daily budget) and yesterday's
//     (a process whose clock is still before midnight) are always kept.
//   - aigentic_idempotency: rows past their own expires_at (the
//     -idempotency-window each was written with). Admission deleted these
//     only for a tenant sending another keyed request (lookupIdempotency).
//   - aigentic_reservation: reservations no longer live by budgetState's
//     rule (a run's past its expires_at; a job's whose job River has
//     finished or deleted). Admission deleted these only for a tenant with
//     a budget sending another request.
//
// Kept: aigentic_ticket and aigentic_refund stand for an external
// system's records (a helpdesk's tickets, a payment provider's refunds),
// which the service does not own, and their idempotency keys are what make
// a tool call repeated with the same key — a resumed job, a run retried
// with its Idempotency-Key after any delay — act once; no retention of
// ours bounds when such a repeat may come. aigentic_rate holds one row per
// tenant (bounded by the tenants file).
//
// Each table's deleted rows are counted in aigentic.service.rows.pruned
// {table} (metrics.go).

// pruneInterval is how often the leader inserts a PruneArgs job.
const pruneInterval = time.Hour

// pruneBatch is the most rows one DELETE removes.
const pruneBatch = 1000

// rowRetention is how long the service keeps a finished job's rows: as
// long as River keeps a completed job (riverConfig's
// CompletedJobRetentionPeriod, the same value) — 24 h, or
// -idempotency-window when longer, so an Idempotency-Key can replay its
// job for as long as it counts.
func (c config) rowRetention() time.Duration {
	return max(24*time.Hour, c.idempotencyWindow)
}

// PruneArgs is the periodic job that prunes the service's tables.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return "aigentic_prune" }

// InsertOpts implements river.JobArgsWithInsertOpts: River's default
// queue (every worker process works it), three attempts (the next
// period tries again anyway).
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: river.QueueDefault, MaxAttempts: 3}
}

// prunePeriodicJob is PruneArgs every pruneInterval, and once when a
// leader's scheduler starts.
func prunePeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(pruneInterval),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: PruneArgs{}.Kind(), RunOnStart: true})
}

// PruneWorker works PruneArgs jobs.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	svc *service
}

// pruneTimeout bounds one prune job (River's per-job Timeout; the
// client's JobTimeout is the tenants' longest timeout, which may be
// seconds). Every batch commits on its own, so a prune cut short keeps
// what it deleted and the next one goes on.
const pruneTimeout = 10 * time.Minute

// Timeout implements river.Worker: pruneTimeout.
func (w *PruneWorker) Timeout(*river.Job[PruneArgs]) time.Duration { return pruneTimeout }

// Work prunes every table, counts and logs what it deleted. Deleting is
// idempotent, so two prune jobs at once (a new leader's RunOnStart) only
// share the work.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	s := w.svc
	p := pruner{db: s.db.sql, now: s.now, retention: s.cfg.rowRetention(), batch: pruneBatch}
	counts, err := p.prune(ctx)
	attrs := make([]any, 0, 2*len(counts))
	for _, table := range pruneTables {
		if n := counts[table]; n > 0 {
			s.metrics.recordPruned(ctx, table, n)
			attrs = append(attrs, table, n)
		}
	}
	if len(attrs) > 0 {
		s.logger.Info("pruned rows", attrs...)
	}
	return err
}

// pruner deletes the rows no job needs any more (the rules above).
type pruner struct {
	db        *sql.DB
	now       func() time.Time
	retention time.Duration
	// batch is the most rows one DELETE removes.
	batch int
}

// pruneTables are the tables pruned, in order: a job's run and
// approvals before its aigentic_job row (the run's rule reads it).
var pruneTables = []string{"aigentic_run", "aigentic_approval", "aigentic_job", "aigentic_idempotency", "aigentic_reservation", "aigentic_tenant_usage"}

// goneJob is true of a row t whose job_id River no longer has.
const goneJob = `NOT EXISTS (SELECT 1 FROM river_job j WHERE j.id = t.job_id)`

// noLiveKey is true of a row t whose job no Idempotency-Key still
// counting names ($2: now, Unix ms).
const noLiveKey = `NOT EXISTS (SELECT 1 FROM aigentic_job p JOIN aigentic_idempotency i ON i.tenant = p.tenant AND i.public_id = p.public_id
	WHERE p.job_id = t.job_id AND i.expires_at > $2)`

// pruneStatement is one table's DELETE of at most batch rows (its
// parameter after args') and its other parameters, from the cutoff and
// now. A keyset statement (key set) also takes, last, the greatest key
// of the rows it deleted before ($first at the start: less than every
// key), considers only rows past it in key order, and returns the keys
// it deleted: the rows it keeps (a job River still has, an Idempotency-Key
// still counting) are then read once per prune, not once per batch —
// otherwise every batch rescans all the kept old rows ahead of the
// deletable ones, a cost of (deleted/batch) × kept. A row that becomes
// deletable behind the keyset during a prune is the next prune's.
type pruneStatement struct {
	query string
	args  func(cutoff, now time.Time) []any
	// key is the primary key a keyset statement walks and returns; first
	// is less than every key (int64 keys: math.MinInt64; text keys, ids
	// that are never empty: "").
	key   string
	first any
}

// cutoffAndNow are the parameters $1 = cutoff and $2 = now, Unix ms.
func cutoffAndNow(cutoff, now time.Time) []any { return []any{cutoff.UnixMilli(), now.UnixMilli()} }

// pruneStatements are each table's DELETE (the rules above).
var pruneStatements = map[string]pruneStatement{
	"aigentic_run": {`DELETE FROM aigentic_run WHERE job_id IN (SELECT t.job_id FROM aigentic_run t
		WHERE t.updated_at < $1 AND ` + goneJob + ` AND ` + noLiveKey + ` AND t.job_id > $4 ORDER BY t.job_id LIMIT $3) RETURNING job_id`,
		cutoffAndNow, "job_id", int64(math.MinInt64)},
	"aigentic_approval": {`DELETE FROM aigentic_approval WHERE approval_id IN (SELECT t.approval_id FROM aigentic_approval t
		WHERE ` + goneJob + ` AND ((t.decision <> '' AND t.decided_at < $1) OR (t.decision = '' AND t.deadline < $1))
		AND t.approval_id > $3 ORDER BY t.approval_id LIMIT $2) RETURNING approval_id`,
		func(cutoff, _ time.Time) []any { return []any{cutoff.UnixMilli()} }, "approval_id", ""},
	"aigentic_job": {`DELETE FROM aigentic_job WHERE public_id IN (SELECT t.public_id FROM aigentic_job t
		WHERE t.created_at < $1 AND ` + goneJob + ` AND ` + noLiveKey + ` AND t.public_id > $4 ORDER BY t.public_id LIMIT $3) RETURNING public_id`,
		cutoffAndNow, "public_id", ""},
	"aigentic_idempotency": {query: `DELETE FROM aigentic_idempotency WHERE (tenant, key_sha256) IN (SELECT t.tenant, t.key_sha256 FROM aigentic_idempotency t
		WHERE t.expires_at <= $1 LIMIT $2)`, args: func(_, now time.Time) []any { return []any{now.UnixMilli()} }},
	"aigentic_reservation": {query: `DELETE FROM aigentic_reservation WHERE id IN (SELECT r.id FROM aigentic_reservation r
		WHERE NOT (` + liveReservation("$1") + `) LIMIT $2)`, args: func(_, now time.Time) []any { return []any{now.UnixMilli()} }},
	"aigentic_tenant_usage": {query: `DELETE FROM aigentic_tenant_usage WHERE (tenant, day) IN (SELECT t.tenant, t.day FROM aigentic_tenant_usage t
		WHERE t.day < $1 LIMIT $2)`, args: func(cutoff, _ time.Time) []any { return []any{cutoff.UTC().Format(time.DateOnly)} }},
}

// prune deletes, table by table, the rows the rules allow, and returns
// how many of each it deleted. It stops at the first error (ctx's
// included), returning it with the counts so far.
func (p pruner) prune(ctx context.Context) (map[string]int64, error) {
	now := p.now()
	cutoff := now.Add(-p.retention)
	counts := make(map[string]int64, len(pruneTables))
	for _, table := range pruneTables {
		st := pruneStatements[table]
		args := append(st.args(cutoff, now), p.batch)
		last := st.first
		for {
			var n int64
			var err error
			if st.key == "" {
				n, err = p.exec(ctx, st.query, args...)
			} else {
				n, last, err = p.deleteAfter(ctx, st.query, append(args, last), last)
			}
			if err != nil {
				return counts, fmt.Errorf("prune %s: %w", table, err)
			}
			counts[table] += n
			if n < int64(p.batch) {
				break
			}
		}
	}
	return counts, nil
}

// exec runs a DELETE and returns how many rows it deleted.
func (p pruner) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := p.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// deleteAfter runs a keyset DELETE … RETURNING key and returns how many
// rows it deleted and the greatest key among them and last (an int64 or
// a string, as the driver scans the key column).
func (p pruner) deleteAfter(ctx context.Context, query string, args []any, last any) (int64, any, error) {
	rows, err := p.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, last, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var key any
		if err := rows.Scan(&key); err != nil {
			return n, last, err
		}
		n++
		switch k := key.(type) {
		case int64:
			if k > last.(int64) {
				last = k
			}
		case string:
			if k > last.(string) {
				last = k
			}
		case []byte:
			if s := string(k); s > last.(string) {
				last = s
			}
		default:
			return n, last, fmt.Errorf("prune: key %v of type %T", key, key)
		}
	}
	return n, last, rows.Err()
}

// recordPruned counts n rows pruned from table (one of pruneTables).
func (m *serviceMetrics) recordPruned(ctx context.Context, table string, n int64) {
	m.pruned.Add(ctx, n, metric.WithAttributes(attribute.String("table", table)))
}
