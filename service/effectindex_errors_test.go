package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// duplicateTicketIDs opens dbURL (migrated), then makes it an earlier
// version's database: no unique ticket index, two idempotency keys'
// tickets sharing the id T-1. The database is closed again.
func duplicateTicketIDs(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	db, err := openDatabase(ctx, dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP INDEX aigentic_ticket_ticket_id`,
		`INSERT INTO aigentic_ticket (idempotency_key, ticket_id, tenant, subject, created_at) VALUES ('k1', 'T-1', 't', 's', 0), ('k2', 'T-1', 't', 's', 0)`} {
		if _, err := db.sql.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// The service, started on a database whose ticket ids collide, logs one
// record at Warn ("database migration incomplete") whose error names
// ErrDuplicateEffectIDs and the table: the operator's only sign that the
// unique index is missing (serve.go).
func migrationWarningTest(t *testing.T, dbURL string) {
	duplicateTicketIDs(t, dbURL)
	cfg, err := parseConfig([]string{"-db", dbURL}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s, err := newService(t.Context(), cfg, newLogger(&logs, nil), options{model: newGateModel(""), getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	s.close()
	var warned int
	dec := json.NewDecoder(&logs)
	for dec.More() {
		var rec struct{ Level, Msg, Error string }
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("log record: %v", err)
		}
		if rec.Msg == "database migration incomplete" {
			if rec.Level != "WARN" || !strings.Contains(rec.Error, ErrDuplicateEffectIDs.Error()) || !strings.Contains(rec.Error, "aigentic_ticket") {
				t.Errorf("migration record %+v, want level WARN naming %q and aigentic_ticket", rec, ErrDuplicateEffectIDs)
			}
			warned++
		}
	}
	if warned != 1 {
		t.Fatalf("%d \"database migration incomplete\" records, want 1; logs:\n%s", warned, logs.String())
	}
}

func TestDuplicateEffectIDsLoggedAtWarnOnSQLite(t *testing.T) {
	migrationWarningTest(t, "sqlite://"+filepath.Join(t.TempDir(), "warn.db"))
}

func TestDuplicateEffectIDsLoggedAtWarnOnPostgres(t *testing.T) {
	migrationWarningTest(t, postgresURL(t))
}

// A unique index that cannot be created for another reason than
// duplicates — here a read-only connection, on a table that does hold
// duplicates — is that error, not ErrDuplicateEffectIDs: only the
// database's unique-violation error is (createUniqueIndex), so a real
// migration failure is never downgraded to the duplicates' warning.
// The same index on a writable connection is ErrDuplicateEffectIDs.
func indexFailureTest(t *testing.T, dbURL string, readOnly func(t *testing.T) *sql.DB) {
	duplicateTicketIDs(t, dbURL)
	ix := uniqueEffectIndexes[0]
	ro := &database{sql: readOnly(t)}
	defer func() { _ = ro.sql.Close() }()
	err := ro.createUniqueIndex(t.Context(), ix)
	if err == nil || errors.Is(err, ErrDuplicateEffectIDs) || !strings.Contains(err.Error(), ix.name) {
		t.Errorf("unique index on a read-only connection: %v, want an error naming %s that is not ErrDuplicateEffectIDs", err, ix.name)
	}
	db, err := openDatabase(t.Context(), dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.createUniqueIndex(t.Context(), ix); !errors.Is(err, ErrDuplicateEffectIDs) {
		t.Errorf("unique index over duplicates: %v, want ErrDuplicateEffectIDs", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := db.createUniqueIndex(ctx, ix); err == nil || errors.Is(err, ErrDuplicateEffectIDs) {
		t.Errorf("unique index with a cancelled context: %v, want an error that is not ErrDuplicateEffectIDs", err)
	}
}

func TestIndexFailureIsNotDuplicatesOnSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	indexFailureTest(t, "sqlite://"+path, func(t *testing.T) *sql.DB {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestIndexFailureIsNotDuplicatesOnPostgres(t *testing.T) {
	dbURL := postgresURL(t)
	indexFailureTest(t, dbURL, func(t *testing.T) *sql.DB {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("default_transaction_read_only", "on") // a run-time parameter pgx sends at connect
		u.RawQuery = q.Encode()
		db, err := sql.Open("pgx", u.String())
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
