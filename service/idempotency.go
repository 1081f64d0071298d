package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Retries that never make two jobs: a client that sends
// "Idempotency-Key: <key>" with POST /v1/jobs (or POST /v1/runs) and
// sends the request again — its connection dropped before the answer,
// its process restarted — gets the first request's job (or answer), not
// a second one. The header follows the IETF draft "The Idempotency-Key
// HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header): a
// string, here 1 to 255 visible ASCII characters (a UUID is typical),
// sent bare or quoted as a Structured Field string.
//
// Within -idempotency-window (default 24h) of the first request, for the
// same tenant and key:
//
//   - the same request (route and query; the body's formatting does not
//     matter) answers as the first did, with "Idempotent-Replayed: true":
//     for a job, 202 with the same job id and its current state — no job
//     inserted, no admission check, no rate token used; for a run, the
//     first run's stored answer (status and body) — no model call;
//   - another request (another query, or the other route) is a 409;
//   - a run still in flight is a 409 with Retry-After (the draft's
//     "concurrent request" case); a run whose process died mid-way (in
//     flight longer than the tenant's timeout and a minute) is taken over.
//
// A run that failed is not remembered: retrying it with its key runs it
// again (the failure may be transient); its tool effects are keyed by
// the Idempotency-Key (a durable run's key, aigentic.Durable.Key), so a
// tool call the model repeats with the same call id acts once. Keys of
// different tenants never meet. An empty key, a longer one, one with
// other characters, or two Idempotency-Key headers: 400, nothing done.
//
// Why a table of ours and not River's unique jobs: River's uniqueness
// (InsertOpts.UniqueOpts) says whether an identical job exists — by args,
// period, queue and states — and skips the insert if so. It cannot say
// that the same key came with a *different* body (the 409 the draft and
// this API promise), it lasts only while River keeps the job row (a
// completed job is deleted after River's retention, 24 h by default, and
// the key would be forgotten with it), it has no place for a run's answer
// (runs are not River jobs), and a key in the job's args would be shown
// in River's UI. aigentic_idempotency holds the SHA-256 of the key (never
// the key), the request's fingerprint and the result, written in the
// admission transaction that inserts the job: the key's row and the job
// commit together, and admission's per-tenant lock serializes two
// requests with one key.

// maxIdempotencyKeyLen bounds an Idempotency-Key (Stripe's limit too).
const maxIdempotencyKeyLen = 255

// idempotency is a request's Idempotency-Key, ready for admission.
type idempotency struct {
	// keyHash is the SHA-256 of the key, hex: the key itself is not kept.
	keyHash string
	// fingerprint is the SHA-256 of the route and the request's fields.
	fingerprint string
}

// idempotencyOf reads the request's Idempotency-Key: nil when absent, a
// 400 when it is empty, too long, repeated, or has characters other than
// visible ASCII and space.
func idempotencyOf(r *http.Request, route, query string) (*idempotency, error) {
	vs := r.Header.Values("Idempotency-Key")
	switch len(vs) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, badRequest("more than one Idempotency-Key header")
	}
	key := vs[0]
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1] // a Structured Field string
	}
	switch {
	case key == "":
		return nil, badRequest("Idempotency-Key is empty: send 1 to 255 visible ASCII characters, e.g. a UUID")
	case len(key) > maxIdempotencyKeyLen:
		return nil, badRequest(fmt.Sprintf("Idempotency-Key is %d bytes long: at most %d", len(key), maxIdempotencyKeyLen))
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return nil, badRequest(fmt.Sprintf("Idempotency-Key holds a character other than visible ASCII and space, at byte %d", i))
		}
	}
	k := sha256.Sum256([]byte(key))
	f := sha256.Sum256([]byte(route + "\x00" + query))
	return &idempotency{keyHash: hex.EncodeToString(k[:]), fingerprint: hex.EncodeToString(f[:])}, nil
}

// idempotencyRoutes are the fingerprints' route names.
const (
	idempotencyJobs = "POST /v1/jobs"
	idempotencyRuns = "POST /v1/runs"
)

// storedResponse is a run's answer kept for its key.
type storedResponse struct {
	status int
	body   string
}

// idempotencyRow is the key's row, if any, in admission's transaction.
type idempotencyRow struct {
	fingerprint, publicID string
	status                int
	response              string
	createdAt             time.Time
}

// lookupIdempotency reads the tenant's row for the key if still in its
// window, with prune deleting the tenant's rows past their window first
// (admission's precheck only reads). ok is false when there is none.
func lookupIdempotency(ctx context.Context, tx txn, tenant string, idem *idempotency, now time.Time, prune bool) (row idempotencyRow, ok bool, err error) {
	if prune {
		if err := tx.exec(ctx, `DELETE FROM aigentic_idempotency WHERE tenant = $1 AND expires_at <= $2`, tenant, now.UnixMilli()); err != nil {
			return row, false, fmt.Errorf("prune idempotency keys: %w", err)
		}
	}
	var created int64
	err = tx.queryRow(ctx, `SELECT fingerprint, public_id, status, response, created_at FROM aigentic_idempotency WHERE tenant = $1 AND key_sha256 = $2 AND expires_at > $3`,
		tenant, idem.keyHash, now.UnixMilli()).Scan(&row.fingerprint, &row.publicID, &row.status, &row.response, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return row, false, nil
	}
	if err != nil {
		return row, false, fmt.Errorf("read idempotency key: %w", err)
	}
	row.createdAt = time.UnixMilli(created)
	return row, true, nil
}

// keyReused is the 409 of a key sent before with another request.
func keyReused(window time.Duration) *httpError {
	return conflict(fmt.Sprintf("this Idempotency-Key was used for a different request in the last %s; send a new key for a new request", window))
}

// insertIdempotency records the key's first request: its job (publicID
// and status 202) or, for a run, "in flight" (status 0).
func insertIdempotency(ctx context.Context, tx txn, tenant string, idem *idempotency, publicID string, status int, now time.Time, window time.Duration) error {
	if err := tx.exec(ctx, `INSERT INTO aigentic_idempotency (tenant, key_sha256, fingerprint, public_id, status, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (tenant, key_sha256) DO UPDATE SET fingerprint = excluded.fingerprint, public_id = excluded.public_id, status = excluded.status,
			response = '', created_at = excluded.created_at, expires_at = excluded.expires_at`,
		tenant, idem.keyHash, idem.fingerprint, publicID, status, now.UnixMilli(), now.Add(window).UnixMilli()); err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	return nil
}

// finishIdempotentRun stores a run's answer for its key when the run
// succeeded (2xx), and forgets the key otherwise, so a retry runs again.
func (s *store) finishIdempotentRun(ctx context.Context, tenant string, idem *idempotency, status int, body []byte) error {
	if status >= 200 && status < 300 {
		_, err := s.db.ExecContext(ctx, `UPDATE aigentic_idempotency SET status = $1, response = $2 WHERE tenant = $3 AND key_sha256 = $4`,
			status, string(body), tenant, idem.keyHash)
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM aigentic_idempotency WHERE tenant = $1 AND key_sha256 = $2 AND status = 0`, tenant, idem.keyHash)
	return err
}

// durableKey is the runtime's durable key of a run sent with this
// Idempotency-Key: tool idempotency keys derive from it, so a retried
// run's tool call with the same id acts once.
func (i *idempotency) durableKey(tenant string) string {
	return "run-" + tenant + "-" + i.keyHash[:32]
}

// replayed marks an answer repeated for an Idempotency-Key (Stripe's
// header name).
func replayed(w http.ResponseWriter) { w.Header().Set("Idempotent-Replayed", "true") }
