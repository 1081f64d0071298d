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
	`CREATE TABLE IF NOT EXISTS aigentic_rate (
		tenant TEXT PRIMARY KEY,
		tokens DOUBLE PRECISION NOT NULL,
		updated_at BIGINT NOT NULL
	)`,
}
