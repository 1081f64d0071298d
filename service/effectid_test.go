package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"regexp"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// effectIDShape is a ticket's or refund's id: 128 bits of SHA-256, base32.
var effectIDShape = regexp.MustCompile(`^[TR]-[a-z2-7]{26}$`)

// colliding32 returns two idempotency keys whose stored forms share the
// first 32 bits of their SHA-256 — the ids the service gave before
// effectID (a birthday search: about 2¹⁶ keys).
func colliding32(t *testing.T) (string, string) {
	t.Helper()
	seen := map[[4]byte]string{}
	for i := 0; i < 1<<22; i++ {
		k := fmt.Sprintf("job-%d/call_%d", i, i)
		sum := sha256.Sum256([]byte(redactIdempotencyKey(k)))
		p := [4]byte(sum[:4])
		if o, ok := seen[p]; ok {
			return o, k
		}
		seen[p] = k
	}
	t.Fatal("no 32-bit collision in 2^22 keys")
	return "", ""
}

// Two tool calls whose keys' hashes share 32 bits — where the old
// "T-<8 hex>" ids collided — get two tickets with two ids (and two
// refunds with two ids); each call repeated with its key gets its own
// ticket back, not created again; a ticket or refund stored under an
// earlier version's id is returned with that id. Guards effectID's width
// and the read-back of the stored id.
func effectIDTest(t *testing.T, args ...string) {
	ts := startService(t, aitest.NewScripted(), args...)
	ctx := context.Background()
	k1, k2 := colliding32(t)
	type effect func(key string) (string, bool, error)
	for name, open := range map[string]effect{
		"ticket": func(key string) (string, bool, error) { return ts.store.openTicket(ctx, key, defaultTenantID, "late") },
		"refund": func(key string) (string, bool, error) { return ts.store.issueRefund(ctx, key, defaultTenantID, 42) },
	} {
		id1, c1, err1 := open(k1)
		id2, c2, err2 := open(k2)
		if err1 != nil || err2 != nil || !c1 || !c2 || id1 == id2 || !effectIDShape.MatchString(id1) || !effectIDShape.MatchString(id2) {
			t.Fatalf("%s for two keys colliding in 32 bits: %q %v %v, %q %v %v", name, id1, c1, err1, id2, c2, err2)
		}
		for key, want := range map[string]string{k1: id1, k2: id2} {
			if id, created, err := open(key); err != nil || created || id != want {
				t.Fatalf("%s repeated with its key: %q %v %v, want %q not created", name, id, created, err, want)
			}
		}
	}
	// A refund's id is not its approval's id (the same key, hashed alike).
	if r, a := effectID("R-", "job-1/call_1"), approvalID("job-1", "call_1"); r[2:] == a[len(approvalIDPrefix):] || effectID("T-", "k")[2:] == effectID("R-", "k")[2:] {
		t.Fatalf("effect ids %s and %s share their hash", r, a)
	}
	const oldKey = "job-old/call_old"
	if _, err := ts.db.sql.ExecContext(ctx, `INSERT INTO aigentic_ticket (idempotency_key, ticket_id, tenant, subject, created_at) VALUES ($1, 'T-0badc0de', $2, 's', 1)`, oldKey, defaultTenantID); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.sql.ExecContext(ctx, `INSERT INTO aigentic_refund (idempotency_key, refund_id, tenant, order_id, created_at) VALUES ($1, 'R-0badc0de', $2, 42, 1)`, oldKey, defaultTenantID); err != nil {
		t.Fatal(err)
	}
	if id, created, err := ts.store.openTicket(ctx, oldKey, defaultTenantID, "late"); err != nil || created || id != "T-0badc0de" {
		t.Fatalf("a ticket stored with an earlier id: %q %v %v", id, created, err)
	}
	if id, created, err := ts.store.issueRefund(ctx, oldKey, defaultTenantID, 42); err != nil || created || id != "R-0badc0de" {
		t.Fatalf("a refund stored with an earlier id: %q %v %v", id, created, err)
	}
}

func TestEffectIDsDoNotCollideSQLite(t *testing.T) { effectIDTest(t) }

func TestEffectIDsDoNotCollidePostgres(t *testing.T) { effectIDTest(t, "-db", postgresURL(t)) }
