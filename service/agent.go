package main

import (
	"math"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// supportInstructions is the agent's system prompt.
const supportInstructions = "You are a customer support agent. Use the tools to look up orders and open tickets; answer from their results."

// tenantAgent is the tenant's agent (the seed's createTenantAgent): the
// tenant's model and limits, the service's logger, the support tools. The
// API's runs and the worker's jobs use the same agent. With a daily token
// budget, a run may use at most its reservation (Budget.MaxTotalTokens;
// a resumed job counts what it used before): the runtime refuses the next
// model call once the run has reached it, and ends the run after a
// response that takes it past — so a run spends at most its reservation
// plus that one response.
//
// Every run may execute at most the tenant's max_tool_calls tool calls
// (Budget.MaxToolCalls; default 20): one model response asking for
// thousands of open_ticket calls ends the run limited (a *LimitError
// naming Budget.MaxToolCalls, outcome "limited") after that many, instead
// of opening thousands of tickets. MaxLLMCalls alone does not bound it:
// one call may ask for any number of tools. The budget is per job, not
// per attempt: a job resumed from its checkpoint (after a crash, a River
// retry or an approval) starts its budget at the checkpoint's
// Stats.ToolCalls — the runtime restores the budgets from it
// (aigentic.Durable.From) — so the calls before count. The calls run
// again after a crash (those whose results were not checkpointed) are
// counted once, as the checkpoint never counted them.
//
// durable is a job's agent: it has issue_refund, whose approvals park the
// job (approvals.go), and the tenant's approval window.
func (s *service) tenantAgent(t *tenant, session *aigentic.Session, durable bool) aigentic.Agent {
	budget := aigentic.Budget{MaxToolCalls: t.toolCallBudget()}
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
