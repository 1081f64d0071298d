package main

import (
	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// supportInstructions is the agent's system prompt.
const supportInstructions = "You are a customer support agent. Use the tools to look up orders and open tickets; answer from their results."

// tenantAgent is the tenant's agent (the seed's createTenantAgent): the
// tenant's model and limits, the service's logger, the support tools. The
// API's runs and the worker's jobs use the same agent.
func (s *service) tenantAgent(t *tenant, session *aigentic.Session) aigentic.Agent {
	return aigentic.Agent{
		Name:         "support",
		Model:        t.model,
		Instructions: supportInstructions,
		Session:      session,
		MaxLLMCalls:  t.cfg.MaxLLMCalls,
		Retries:      t.cfg.Retries,
		Logger:       s.logger.With("tenant", t.id),
		LogLevel:     s.logLevel,
		AgentTools:   s.tools(t.id),
		// The process's providers (metrics.go): GET /metrics, OTLP export.
		MeterProvider:  s.telemetry.MeterProvider,
		TracerProvider: s.telemetry.TracerProvider,
	}
}
