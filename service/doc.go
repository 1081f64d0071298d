// Command service is the seed's Common Patterns as one deployable service:
// an HTTP API that runs agents now (Pattern 1: a request handler with the
// tenant's timeout) or as durable background jobs on River (Pattern 2),
// for tenants read from a config file (Pattern 3), each with its model
// limits, request rate and daily token budget.
//
//	go run ./service                          # API and worker, embedded SQLite, offline model
//	go run ./service -role worker -db postgres://...   # one more worker on PostgreSQL
//
// How the pieces meet:
//
//   - main.go / config.go: flags (-role, -addr, -tenants, -db,
//     -rescue-after, -debug-addr) and DATABASE_URL.
//   - database.go, queue.go, schema.go: the database (SQLite through
//     riversqlite on modernc.org/sqlite, or PostgreSQL through riverpgxv5
//     on pgx/v5), River's migrations, and this service's own tables.
//   - store.go: checkpoints, job results, tenants' token usage and the
//     tickets the example tool opens, in the same database as the queue.
//   - tenants.go, admission.go: the tenants file and the decision, made
//     when a request arrives, to admit it (rate, daily token budget).
//   - agent.go, tools.go: the tenant's agent and its tools; open_ticket
//     has a side effect and uses the run's idempotency key.
//   - args.go, worker.go, outcome.go: the River job, its worker (a durable
//     run resumed from its checkpoint), and how a run's end maps onto
//     River (complete, retry later, snooze, cancel).
//   - api.go, jobs.go, events.go, json.go, errors.go: the HTTP API;
//     GET /metrics is internal/telemetry's Prometheus handler.
//   - serve.go: start-up by role and graceful shutdown.
//
// See README.md for the endpoints with real output, two workers on
// PostgreSQL, and deploy and rollback notes.
package main
