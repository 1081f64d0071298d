package aigentic

import "time"

// Stats are a run's counters. They are complete after the run ends —
// whether it succeeded or failed — and readable while it runs.
type Stats struct {
	// LLMCalls is the number of model calls that ran (each call counts once
	// however many attempts it took), sub-agents' calls included.
	LLMCalls int
	// Retries is the number of retried attempts (model calls and tools),
	// sub-agents' included.
	Retries int
	// ToolCalls is the number of this run's tool calls executed or
	// answered (a delegation to a sub-agent is one; the sub-agent's own
	// tool calls are in its trace and events, not here).
	ToolCalls int
	// ToolErrors is the number of this run's tool calls whose result was
	// an error.
	ToolErrors int
	// InputTokens and OutputTokens add up the usage reported by the model,
	// sub-agents included.
	InputTokens  int
	OutputTokens int
	// RateLimitWait is the time spent waiting for Agent.RateLimiter,
	// sub-agents' included.
	RateLimitWait time.Duration
	// Started is when the run started.
	Started time.Time
	// Duration is how long the run took (so far, while it runs).
	Duration time.Duration
}
