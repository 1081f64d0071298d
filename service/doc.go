// Command service is the seed's Common Patterns as one deployable service:
// an HTTP API that runs agents now (Pattern 1: a request handler with the
// tenant's timeout) or as durable background jobs on River (Pattern 2),
// for tenants read from a config file (Pattern 3), each with its model
// limits, request rate and daily token budget. Tenants authenticate with
// API keys (`go run ./service keygen -tenant <id>` makes one).
//
//	go run ./service                          # local demo: API and worker, embedded SQLite, offline model, loopback only
//	go run ./service -tenants tenants.yaml    # tenants with keys
//	go run ./service -role worker -db postgres://...   # one more worker on PostgreSQL
//	open http://127.0.0.1:8080/riverui/       # River's UI (the admin key as password)
//
// How the pieces meet:
//
//   - main.go / config.go: flags (-role, -addr, -tenants, -db,
//     -trusted-proxies, -workers, -rescue-after, -debug-addr) and
//     DATABASE_URL; keygen.go: `service keygen`.
//   - database.go, queue.go, schema.go: the database (SQLite through
//     riversqlite on modernc.org/sqlite, or PostgreSQL through riverpgxv5
//     on pgx/v5), River's migrations, and this service's own tables.
//   - store.go: checkpoints, job results, tenants' token usage and the
//     tickets the example tool opens, in the same database as the queue.
//   - tenants.go, keys.go, auth.go: the tenants file, API keys (hashed,
//     compared in constant time) and who a request is (a key, a trusted
//     proxy's X-Tenant-ID, or the local demo's one tenant).
//   - input.go, json.go, errors.go, refusals.go: every client value
//     bounded; refusals counted and logged at a bounded rate.
//   - admission.go, queues.go, admin.go: the decision, in one database
//     transaction when a request arrives, to admit it (daily token budget
//     with reservations, queued-job cap, shared rate bucket); a River queue
//     per tenant; GET /v1/admin/tenants.
//   - redact.go: what the model and tools produce, redacted before it is
//     stored or served.
//   - agent.go, tools.go, breaker.go: the tenant's agent and its tools;
//     open_ticket and issue_refund have side effects and use the run's
//     idempotency key; every model behind a circuit breaker.
//   - args.go, worker.go, checkpoint.go, outcome.go: the River job, its
//     worker (a durable run resumed from its checkpoint, written with as
//     few writes as keep that guarantee), and how a run's end maps onto
//     River (complete, retry later, snooze, cancel) and its output.
//   - approvals.go: a job parked on a tool call a person must approve,
//     POST /v1/jobs/{id}/approvals/{approval_id}, and the resumption.
//   - idempotency.go: Idempotency-Key on POST /v1/jobs and /v1/runs.
//   - riverui.go: River's UI at /riverui/, behind the admin key.
//   - api.go, jobs.go, events.go: the HTTP API (404 and 405 with Allow
//     for what no route serves); metrics.go: GET /metrics, the service's
//     own instruments, bounded labels.
//   - serve.go: start-up by role and graceful shutdown.
//
// See README.md for the endpoints with real output, two workers on
// PostgreSQL, and deploy and rollback notes.
package main
