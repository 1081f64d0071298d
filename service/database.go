package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite" // also the database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
)

// database is an open database: River's driver (through a queueFactory)
// and a database/sql handle on the same connections for this service's
// own tables.
type database struct {
	kind  string
	sql   *sql.DB
	pool  *pgxpool.Pool // PostgreSQL only
	queue queueFactory
	// warnings are what migrate left undone on purpose (a unique index
	// over duplicate ids: ErrDuplicateEffectIDs), for the caller to log.
	warnings []error
}

// ErrDuplicateEffectIDs: an effect table (aigentic_ticket, aigentic_refund)
// holds one id under two idempotency keys — 32-bit ids written by an
// earlier version that collided — so its unique index was not created.
// The service runs; the rows are kept as they are.
var ErrDuplicateEffectIDs = errors.New("duplicate effect ids: unique index not created")

// pgTracer, when set (BenchmarkOverheadPostgres), sees every statement
// of the PostgreSQL connections opened after.
var pgTracer pgx.QueryTracer

// openDatabase opens the database the URL names and runs River's
// migrations and this service's. SQLite: the file is private
// (prepareSQLiteFile: 0600 in a private directory); WAL and a busy timeout let several
// processes share the file, and one connection per process is what
// riversqlite asks for. PostgreSQL: a pgx pool.
//
// conns is the connections a process needs at most (its workers plus
// River's own); the pgx pool grows to it unless the URL's pool_max_conns
// says otherwise.
func openDatabase(ctx context.Context, url string, conns int) (*database, error) {
	kind, target, err := splitDatabaseURL(url)
	if err != nil {
		return nil, err
	}
	db := &database{kind: kind}
	switch kind {
	case dbSQLite:
		if target != ":memory:" {
			if err := prepareSQLiteFile(target); err != nil {
				return nil, err
			}
		}
		sdb, err := sql.Open("sqlite", "file:"+target+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", target, err)
		}
		sdb.SetMaxOpenConns(1)
		db.sql = sdb
		db.queue = riverFactory(riversqlite.New(sdb), sqliteTx(sdb), false)
	case dbPostgres:
		pc, err := pgxpool.ParseConfig(target)
		if err != nil {
			return nil, fmt.Errorf("postgres URL: %w", err)
		}
		if !strings.Contains(target, "pool_max_conns") {
			pc.MaxConns = max(pc.MaxConns, int32(conns))
		}
		if pgTracer != nil {
			pc.ConnConfig.Tracer = pgTracer
		}
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		db.pool = pool
		db.sql = stdlib.OpenDBFromPool(pool)
		db.queue = riverFactory(riverpgxv5.New(pool), pgxTx(pool), true)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// prepareSQLiteFile makes the SQLite file private before SQLite opens it:
// its directory passes securefs.EnsurePrivateDir (created 0700 when
// missing; an existing one must be ours and not writable by others), the
// file is created 0600 (securefs.OpenFile: O_NOFOLLOW, a regular file we
// own) — SQLite gives its -wal and -shm files the database file's mode —
// and an existing file, or -wal and -shm left from before, that group or
// others may read is narrowed to 0600 through its open descriptor.
func prepareSQLiteFile(path string) error {
	if err := securefs.EnsurePrivateDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("sqlite directory: %w", err)
	}
	for i, p := range []string{path, path + "-wal", path + "-shm"} {
		flag := os.O_RDWR
		if i == 0 {
			flag |= os.O_CREATE
		}
		f, err := securefs.OpenFile(p, flag, 0o600)
		if i > 0 && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlite file: %w", err)
		}
		fi, err := f.Stat()
		if err == nil && fi.Mode().Perm()&0o077 != 0 {
			err = f.Chmod(0o600)
		}
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("sqlite file %s: %w", p, err)
		}
	}
	return nil
}

// Ping reports whether the database answers.
func (d *database) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

// Close closes the connections.
func (d *database) Close() {
	_ = d.sql.Close()
	if d.pool != nil {
		d.pool.Close()
	}
}

// migrationLock is the PostgreSQL advisory lock key ("aigentic" in
// ASCII) held while a process migrates.
const migrationLock = 0x616967656e746963

// migrate runs River's migrations up, then this service's schema. On
// PostgreSQL it holds an advisory lock meanwhile, so processes started
// together on a fresh database migrate one after another instead of
// racing (two CREATE TYPE at once fail with a unique violation); SQLite's
// file lock already serializes them.
func (d *database) migrate(ctx context.Context) error {
	if d.pool != nil {
		conn, err := d.pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLock)); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer func() {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrationLock))
		}()
	}
	if err := d.queue.migrate(ctx); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	for _, stmt := range schema {
		if _, err := d.sql.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("service schema: %w", err)
		}
	}
	for _, ix := range uniqueEffectIndexes {
		if err := d.createUniqueIndex(ctx, ix); err != nil {
			if !errors.Is(err, ErrDuplicateEffectIDs) {
				return err
			}
			d.warnings = append(d.warnings, err)
		}
	}
	return nil
}

// createUniqueIndex creates ix if it is not there. When the database
// refuses it because the column holds duplicates (isUniqueViolation), the
// error wraps ErrDuplicateEffectIDs and says how many ids are shared and
// how to resolve them; any other failure (a read-only database, a
// cancelled ctx, a lock timeout — duplicates or not) is returned as is,
// wrapped. The index is tried at every start, so it appears once the
// duplicates are resolved.
func (d *database) createUniqueIndex(ctx context.Context, ix uniqueEffectIndex) error {
	_, err := d.sql.ExecContext(ctx, `CREATE UNIQUE INDEX IF NOT EXISTS `+ix.name+` ON `+ix.table+` (`+ix.column+`)`)
	if err == nil {
		return nil
	}
	if !isUniqueViolation(err) {
		return fmt.Errorf("service schema: unique index %s: %w", ix.name, err)
	}
	var dups int64
	if cerr := d.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT `+ix.column+` FROM `+ix.table+` GROUP BY `+ix.column+` HAVING COUNT(*) > 1) AS d`).Scan(&dups); cerr != nil {
		return fmt.Errorf("service schema: unique index %s: %w (counting the duplicates: %w)", ix.name, err, cerr)
	}
	return fmt.Errorf("%w: %s: %d %s values are each shared by rows of different idempotency keys (32-bit ids of an earlier version); "+
		"%s not created, the rows kept as they are; list them with SELECT * FROM %s WHERE %s IN (SELECT %s FROM %s GROUP BY %s HAVING COUNT(*) > 1)",
		ErrDuplicateEffectIDs, ix.table, dups, ix.column, ix.name, ix.table, ix.column, ix.column, ix.table, ix.column)
}

// isUniqueViolation reports whether err is the database refusing a row
// (or a unique index) because a value is already taken: SQLite's
// SQLITE_CONSTRAINT_UNIQUE (extended result code 2067,
// https://sqlite.org/rescode.html#constraint_unique) or PostgreSQL's
// unique_violation (SQLSTATE 23505,
// https://www.postgresql.org/docs/current/errcodes-appendix.html).
func isUniqueViolation(err error) bool {
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	pe, ok := errors.AsType[*pgconn.PgError](err)
	return ok && pe.Code == "23505"
}
