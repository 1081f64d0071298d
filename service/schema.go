package main

// schema is this service's own tables, next to River's, in SQL both
// SQLite and PostgreSQL accept. Times are Unix milliseconds.
//
//   - aigentic_run: one row per job — its latest checkpoint (JSON of
//     aigentic.Checkpoint) and, once the run ended, its outcome, answer or
//     error. River's job row keeps the state; this row keeps the work.
//   - aigentic_tenant_usage: tokens used per tenant and UTC day, for the
//     daily budget; added in the same transaction as each checkpoint.
//   - aigentic_ticket: what the example tool open_ticket creates, keyed by
//     the tool call's idempotency key so a call repeated after a crash
//     opens no second ticket.
//   - aigentic_job: the public id a client sees for each job ("job_" and
//     26 random base32 characters: 128 bits, not guessable) and its
//     River id and tenant; a lookup by public id and tenant is how the API
//     finds a job, so another tenant's job is simply not found.
//   - aigentic_reservation: tokens reserved from a tenant's daily budget
//     by a run (until settled, or expires_at) or a job (while River has
//     not finished it).
//   - aigentic_rate: each tenant's request token bucket (tokens left at
//     updated_at), shared by every API process.
//   - aigentic_approval: each tool call a job parked on (approvals.go):
//     its public id ("apr_…"), the runtime's id for it (the tool call's
//     id), what a person deciding sees (tool, arguments, note, all
//     redacted), when it was asked and its deadline, where it falls in the
//     job's steps, and the decision once made (approved, denied or
//     expired; why; who decided, from the API key; when).
//   - aigentic_refund: what the example tool issue_refund does, keyed by
//     the tool call's idempotency key like aigentic_ticket.
//   - aigentic_idempotency: Idempotency-Key of POST /v1/jobs and
//     POST /v1/runs (idempotency.go): per tenant and key (its SHA-256),
//     the request's fingerprint, the job it made or the run's answer, and
//     until when it counts.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS aigentic_run (
		job_id BIGINT PRIMARY KEY,
		tenant TEXT NOT NULL,
		checkpoint TEXT NOT NULL DEFAULT '',
		tokens BIGINT NOT NULL DEFAULT 0,
		outcome TEXT NOT NULL DEFAULT '',
		answer TEXT NOT NULL DEFAULT '',
		error TEXT NOT NULL DEFAULT '',
		updated_at BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS aigentic_tenant_usage (
		tenant TEXT NOT NULL,
		day TEXT NOT NULL,
		tokens BIGINT NOT NULL,
		PRIMARY KEY (tenant, day)
	)`,
	`CREATE TABLE IF NOT EXISTS aigentic_ticket (
		idempotency_key TEXT PRIMARY KEY,
		ticket_id TEXT NOT NULL,
		tenant TEXT NOT NULL,
		subject TEXT NOT NULL,
		created_at BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS aigentic_job (
		public_id TEXT PRIMARY KEY,
		job_id BIGINT NOT NULL UNIQUE,
		tenant TEXT NOT NULL,
		created_at BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS aigentic_reservation (
		id TEXT PRIMARY KEY,
		tenant TEXT NOT NULL,
		tokens BIGINT NOT NULL,
		job_id BIGINT,
		expires_at BIGINT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS aigentic_reservation_tenant ON aigentic_reservation (tenant)`,
	// The pruner's (prune.go) range scans: rows older than a cutoff.
	`CREATE INDEX IF NOT EXISTS aigentic_run_updated_at ON aigentic_run (updated_at)`,
	`CREATE INDEX IF NOT EXISTS aigentic_job_created_at ON aigentic_job (created_at)`,
	`CREATE INDEX IF NOT EXISTS aigentic_tenant_usage_day ON aigentic_tenant_usage (day)`,
	`CREATE TABLE IF NOT EXISTS aigentic_rate (
		tenant TEXT PRIMARY KEY,
		tokens DOUBLE PRECISION NOT NULL,
		updated_at BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS aigentic_approval (
		approval_id TEXT PRIMARY KEY,
		job_id BIGINT NOT NULL,
		call_id TEXT NOT NULL,
		tenant TEXT NOT NULL,
		tool TEXT NOT NULL,
		arguments TEXT NOT NULL,
		message TEXT NOT NULL DEFAULT '',
		validation_errors TEXT NOT NULL DEFAULT '',
		step INTEGER NOT NULL,
		asked_at BIGINT NOT NULL,
		deadline BIGINT NOT NULL,
		decision TEXT NOT NULL DEFAULT '',
		reason TEXT NOT NULL DEFAULT '',
		decided_by TEXT NOT NULL DEFAULT '',
		decided_at BIGINT NOT NULL DEFAULT 0,
		UNIQUE (job_id, call_id)
	)`,
	`CREATE TABLE IF NOT EXISTS aigentic_refund (
		idempotency_key TEXT PRIMARY KEY,
		refund_id TEXT NOT NULL,
		tenant TEXT NOT NULL,
		order_id BIGINT NOT NULL,
		created_at BIGINT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS aigentic_idempotency (
		tenant TEXT NOT NULL,
		key_sha256 TEXT NOT NULL,
		fingerprint TEXT NOT NULL,
		public_id TEXT NOT NULL DEFAULT '',
		status INTEGER NOT NULL DEFAULT 0,
		response TEXT NOT NULL DEFAULT '',
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		PRIMARY KEY (tenant, key_sha256)
	)`,
	`CREATE INDEX IF NOT EXISTS aigentic_idempotency_expires_at ON aigentic_idempotency (expires_at)`,
	`CREATE INDEX IF NOT EXISTS aigentic_idempotency_public_id ON aigentic_idempotency (public_id)`,
}

// uniqueEffectIndex is a unique index on an effect table's id column: two
// idempotency keys must never name one ticket (or refund). Ids are 128
// bits now (effectID), but a database written by an earlier version holds
// 32-bit ids, which collide at even odds by about 77,000 rows; those rows
// are left as they are (their ids were answered to a model and a user
// already, so rewriting them would break every reference to them), and
// the index is not created while they exist (database.migrate warns).
type uniqueEffectIndex struct{ name, table, column string }

// uniqueEffectIndexes are created after schema, each skipped with a
// warning on a database whose table has duplicate ids.
var uniqueEffectIndexes = []uniqueEffectIndex{
	{"aigentic_ticket_ticket_id", "aigentic_ticket", "ticket_id"},
	{"aigentic_refund_refund_id", "aigentic_refund", "refund_id"},
}
