package main

import (
	"math"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// supportInstructions is the agent's system prompt.
const supportInstructions = "You are a customer support agent. Use the tools to look up orders and open tickets; answer from their results."

// maxToolCallsPerRun is the tool calls one run (one attempt of a job, or
// one POST /v1/runs) may execute: a support answer needs a few lookups
// and at most a ticket or refund, so 20 leaves room for a long
// conversation turn while a model asking for thousands is stopped.
const maxToolCallsPerRun = 20

// tenantAgent is the tenant's agent (the seed's createTenantAgent): the
// tenant's model and limits, the service's logger, the support tools. The
// API's runs and the worker's jobs use the same agent. With a daily token
// budget, a run may use at most its reservation (Budget.MaxTotalTokens;
// a resumed job counts what it used before): the runtime refuses the next
// model call once the run has reached it, and ends the run after a
// response that takes it past — so a run spends at most its reservation
// plus that one response.
//
// Every run may execute at most maxToolCallsPerRun tool calls
// (Budget.MaxToolCalls): one model response asking for thousands of
// open_ticket calls ends the run limited (a *LimitError naming
// Budget.MaxToolCalls, outcome "limited") after that many, instead of
// opening thousands of tickets. MaxLLMCalls alone does not bound it: one
// call may ask for any number of tools.
//
// durable is a job's agent: it has issue_refund, whose approvals park the
// job (approvals.go), and the tenant's approval window.
func (s *service) tenantAgent(t *tenant, session *aigentic.Session, durable bool) aigentic.Agent {
	budget := aigentic.Budget{MaxToolCalls: maxToolCallsPerRun}
	if t.cfg.DailyTokenBudget > 0 {
		budget.MaxTotalTokens = int(min(t.cfg.RunTokenReservation, math.MaxInt32))
	}
	a := aigentic.Agent{
		Budget:       budget,
		Name:         "support",
		Model:        t.model,
		Instructions: supportInstructions,
		Session:      session,
		MaxLLMCalls:  t.cfg.MaxLLMCalls,
		Retries:      t.cfg.Retries,
		Logger:       s.logger.With("tenant", t.id),
		LogLevel:     s.logLevel,
		AgentTools:   s.tools(t.id, durable),
		// The process's providers (metrics.go): GET /metrics, OTLP export.
		MeterProvider:  s.telemetry.MeterProvider,
		TracerProvider: s.telemetry.TracerProvider,
		// Tokens and cost by tenant (metrics.go).
		Observers: []hook.Observer{s.metrics.tenantUsage(t.id)},
	}
	if durable {
		// A job's approvals: unanswered within the window, denied.
		a.ApprovalTimeout = t.cfg.ApprovalWindow
	}
	return a
}
