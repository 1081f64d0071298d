package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// effectIndexTest: a fresh database refuses a second ticket (or refund)
// with an id already taken (the unique indexes); a database of an earlier
// version whose 32-bit ticket ids collide still opens, its rows kept
// as they are and the ticket index skipped with ErrDuplicateEffectIDs
// (the refund index, over no duplicates, is created); once the duplicate
// is resolved, the next start creates the ticket index.
func effectIndexTest(t *testing.T, dbURL string) {
	ctx := context.Background()
	open := func() *database {
		t.Helper()
		db, err := openDatabase(ctx, dbURL, 2)
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	exec := func(db *database, query string, args ...any) error {
		_, err := db.sql.ExecContext(ctx, query, args...)
		return err
	}
	db := open()
	if len(db.warnings) != 0 {
		t.Fatalf("fresh database: warnings %v", db.warnings)
	}
	for _, q := range []string{
		`INSERT INTO aigentic_ticket (idempotency_key, ticket_id, tenant, subject, created_at) VALUES ($1, 'T-1', 't', 's', 0)`,
		`INSERT INTO aigentic_refund (idempotency_key, refund_id, tenant, order_id, created_at) VALUES ($1, 'R-1', 't', 1, 0)`,
	} {
		if err := exec(db, q, "k1"); err != nil {
			t.Fatal(err)
		}
		if err := exec(db, q, "k2"); err == nil {
			t.Errorf("a second row with the same id under another key was accepted: %s", q)
		}
	}
	// An earlier version's database: no ticket index, two keys' tickets
	// sharing a 32-bit id.
	for _, q := range []string{`DROP INDEX aigentic_ticket_ticket_id`, `DROP INDEX aigentic_refund_refund_id`,
		`INSERT INTO aigentic_ticket (idempotency_key, ticket_id, tenant, subject, created_at) VALUES ('k2', 'T-1', 't', 's', 0)`} {
		if err := exec(db, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = open()
	if len(db.warnings) != 1 || !errors.Is(db.warnings[0], ErrDuplicateEffectIDs) || !strings.Contains(db.warnings[0].Error(), "aigentic_ticket: 1 ticket_id values") {
		t.Fatalf("database with colliding ticket ids: warnings %v, want one ErrDuplicateEffectIDs for aigentic_ticket", db.warnings)
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM aigentic_ticket WHERE ticket_id = 'T-1'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("colliding tickets: %d rows (%v), want both kept", n, err)
	}
	if err := exec(db, `INSERT INTO aigentic_refund (idempotency_key, refund_id, tenant, order_id, created_at) VALUES ('k2', 'R-1', 't', 1, 0)`); err == nil {
		t.Error("refund index not created beside the skipped ticket index")
	}
	if err := exec(db, `DELETE FROM aigentic_ticket WHERE idempotency_key = 'k2'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open()
	defer db.Close()
	if len(db.warnings) != 0 {
		t.Fatalf("duplicates resolved: warnings %v", db.warnings)
	}
	if err := exec(db, `INSERT INTO aigentic_ticket (idempotency_key, ticket_id, tenant, subject, created_at) VALUES ('k3', 'T-1', 't', 's', 0)`); err == nil {
		t.Error("ticket index not created once the duplicates were resolved")
	}
}

func TestEffectIDsUniqueOnSQLite(t *testing.T) {
	effectIndexTest(t, "sqlite://"+filepath.Join(t.TempDir(), "effects.db"))
}

func TestEffectIDsUniqueOnPostgres(t *testing.T) { effectIndexTest(t, postgresURL(t)) }
