package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// testDatabaseEnv names the PostgreSQL database the PostgreSQL tests use.
// CI (.ci/run) starts the machine's PostgreSQL cluster and sets it.
const testDatabaseEnv = "AIGENTIC_TEST_DATABASE_URL"

// postgresURL returns a URL on a schema of this test's own (dropped at
// cleanup), or skips the test saying how to run it.
func postgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(testDatabaseEnv)
	if base == "" {
		t.Skip(testDatabaseEnv + " is not set: start PostgreSQL (pg_ctlcluster 15 main start), create a database, and set " +
			testDatabaseEnv + "=postgres://user:pass@127.0.0.1:5432/db to run this test")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "svc_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", testDatabaseEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", testDatabaseEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
