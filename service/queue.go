package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"riverqueue.com/riverui"
)

// queue is the part of *river.Client the service uses. River's client is
// generic over the driver's transaction type (*sql.Tx for SQLite, pgx.Tx
// for PostgreSQL); riverQueue adapts both to this.
type queue interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	// InTx runs fn in one database transaction, committed when fn returns
	// nil and rolled back otherwise. fn's tx runs the service's SQL; its
	// jobs are River's operations in the same transaction (insert, get,
	// retry), so admission's checks, its writes and the job — or an
	// approval's decision and the job's resumption — commit together or
	// not at all.
	InTx(ctx context.Context, fn func(tx txn, jobs txJobs) error) error
	// uiHandler is River's UI (riverui) on this client's driver, served
	// under prefix (riverui.go).
	uiHandler(logger *slog.Logger, prefix string) (*riverui.Handler, error)
}

// txJobs are River's job operations in the transaction InTx runs.
type txJobs interface {
	// Insert inserts a job (River's InsertTx).
	Insert(args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	// Get reads a job (River's JobGetTx); river.ErrNotFound when missing.
	Get(id int64) (*rivertype.JobRow, error)
	// Retry makes a job that is not running available now (River's
	// JobRetryTx: any state but running, finalized ones included — check
	// the state first).
	Retry(id int64) (*rivertype.JobRow, error)
}

// txn is a database transaction of either driver, for the service's SQL
// ($n placeholders, which both read). A row that is not there scans as
// sql.ErrNoRows on both.
type txn interface {
	exec(ctx context.Context, query string, args ...any) error
	queryRow(ctx context.Context, query string, args ...any) scanner
	// kind is dbSQLite or dbPostgres, for the few statements that differ.
	kind() string
}

type scanner interface{ Scan(dest ...any) error }

// sqlTxn is a *sql.Tx (SQLite).
type sqlTxn struct{ tx *sql.Tx }

func (t sqlTxn) exec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, q, args...)
	return err
}
func (t sqlTxn) queryRow(ctx context.Context, q string, args ...any) scanner {
	return t.tx.QueryRowContext(ctx, q, args...)
}
func (sqlTxn) kind() string { return dbSQLite }

// pgxTxn is a pgx.Tx (PostgreSQL).
type pgxTxn struct{ tx pgx.Tx }

func (t pgxTxn) exec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.Exec(ctx, q, args...)
	return err
}
func (t pgxTxn) queryRow(ctx context.Context, q string, args ...any) scanner {
	return pgxRow{t.tx.QueryRow(ctx, q, args...)}
}
func (pgxTxn) kind() string { return dbPostgres }

type pgxRow struct{ pgx.Row }

func (r pgxRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// txBeginner opens a transaction of the driver's type with its txn view,
// and ends it.
type txBeginner[TTx any] struct {
	begin    func(ctx context.Context) (TTx, txn, error)
	commit   func(ctx context.Context, tx TTx) error
	rollback func(ctx context.Context, tx TTx)
}

// riverQueue is a River client and the way to open its transactions.
type riverQueue[TTx any] struct {
	*river.Client[TTx]
	tx txBeginner[TTx]
}

// riverTxJobs is txJobs on one transaction of a River client.
type riverTxJobs[TTx any] struct {
	ctx    context.Context
	client *river.Client[TTx]
	tx     TTx
}

func (j riverTxJobs[TTx]) Insert(args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return j.client.InsertTx(j.ctx, j.tx, args, opts)
}

func (j riverTxJobs[TTx]) Get(id int64) (*rivertype.JobRow, error) {
	return j.client.JobGetTx(j.ctx, j.tx, id)
}

func (j riverTxJobs[TTx]) Retry(id int64) (*rivertype.JobRow, error) {
	return j.client.JobRetryTx(j.ctx, j.tx, id)
}

func (q *riverQueue[TTx]) InTx(ctx context.Context, fn func(tx txn, jobs txJobs) error) error {
	tx, view, err := q.tx.begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(view, riverTxJobs[TTx]{ctx: ctx, client: q.Client, tx: tx}); err != nil {
		q.tx.rollback(context.WithoutCancel(ctx), tx)
		return err
	}
	if err := q.tx.commit(ctx, tx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// queueFactory builds River clients and migrators on one driver.
type queueFactory struct {
	migrate   func(ctx context.Context) error
	newClient func(cfg *river.Config) (queue, error)
	// notifies is true when the database has LISTEN/NOTIFY (PostgreSQL):
	// workers then hear of new jobs at once instead of polling.
	notifies bool
}

func riverFactory[TTx any](driver riverdriver.Driver[TTx], tx txBeginner[TTx], notifies bool) queueFactory {
	return queueFactory{
		migrate: func(ctx context.Context) error {
			m, err := rivermigrate.New(driver, nil)
			if err != nil {
				return err
			}
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
			return err
		},
		newClient: func(cfg *river.Config) (queue, error) {
			c, err := river.NewClient(driver, cfg)
			if err != nil {
				return nil, err
			}
			return &riverQueue[TTx]{Client: c, tx: tx}, nil
		},
		notifies: notifies,
	}
}

// sqliteTx opens transactions on the *sql.DB riversqlite uses. The DSN's
// _txlock=immediate makes each BEGIN IMMEDIATE: it takes SQLite's write
// lock at once, so admission transactions of every process sharing the
// file run one at a time.
func sqliteTx(db *sql.DB) txBeginner[*sql.Tx] {
	return txBeginner[*sql.Tx]{
		begin: func(ctx context.Context) (*sql.Tx, txn, error) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return nil, nil, err
			}
			return tx, sqlTxn{tx}, nil
		},
		commit:   func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		rollback: func(_ context.Context, tx *sql.Tx) { _ = tx.Rollback() },
	}
}

// pgxBeginner is what pgxTx needs of a pgx pool.
type pgxBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// pgxTx opens transactions on riverpgxv5's pool.
func pgxTx(pool pgxBeginner) txBeginner[pgx.Tx] {
	return txBeginner[pgx.Tx]{
		begin: func(ctx context.Context) (pgx.Tx, txn, error) {
			tx, err := pool.Begin(ctx)
			if err != nil {
				return nil, nil, err
			}
			return tx, pgxTxn{tx}, nil
		},
		commit:   func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		rollback: func(ctx context.Context, tx pgx.Tx) { _ = tx.Rollback(ctx) },
	}
}
