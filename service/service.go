package main

import (
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"riverqueue.com/riverui"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/internal/telemetry"
)

// service is one process's state, whatever its role.
type service struct {
	cfg     config
	db      *database
	store   *store
	queue   queue
	tenants map[string]*tenant
	// auth decides who a request is (auth.go); admit whether it may run
	// (admission.go).
	auth     *authenticator
	admit    *admission
	logger   *slog.Logger
	logLevel slog.Level
	// now is the clock of admission and of the refusal log's rate.
	now func() time.Time
	// models are the distinct models of the tenants, pinged by /readyz.
	models []ai.Model
	// eventPoll is how often GET /v1/jobs/{id}/events looks for new steps.
	eventPoll time.Duration
	// stopping is closed when shutdown begins: event streams end then, so
	// they do not hold the HTTP shutdown up.
	stopping chan struct{}
	// afterTool, when set (tests), is called after a tool's effect.
	afterTool func(run *aigentic.AgentRun, tool string)
	// addWorkers, when set (benchmarks), registers more River workers.
	addWorkers func(*river.Workers)
	// telemetry: the agents' metrics and traces, GET /metrics (metrics.go);
	// metrics: the service's own instruments; refusals: refused requests
	// counted and logged at a bounded rate (refusals.go).
	telemetry *telemetry.Providers
	metrics   *serviceMetrics
	refusals  *refusalLog
	// breakers are the tenants' models, each behind a circuit breaker
	// (breaker.go).
	breakers []*failover.Model
	// ui is River's UI (riverui.go), nil on a worker.
	ui *riverui.Handler
}
