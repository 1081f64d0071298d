package aigentic

import (
	"context"
	"errors"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

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
	// CostUSD is the estimated cost of those tokens in US dollars, priced
	// with Agent.Pricing (sub-agents included, each priced with its own
	// Pricing or its parent's); 0 without Pricing.
	CostUSD float64
	// RateLimitWait is the time spent waiting for Agent.RateLimiter,
	// sub-agents' included.
	RateLimitWait time.Duration
	// Started is when the run started.
	Started time.Time
	// Duration is how long the run took (so far, while it runs).
	Duration time.Duration
}

// statsObserver keeps the run's Stats: the one observer the run reads
// back (Stats, LimitError). Its counters are under r.mu, since Stats may
// be read from any goroutine while the run goes on.
type statsObserver struct {
	baseObserver
	r *AgentRun
}

func (o *statsObserver) rateLimitWait(_ context.Context, s rateLimitWait) {
	o.r.mu.Lock()
	o.r.stats.RateLimitWait += s.d
	o.r.mu.Unlock()
}

func (o *statsObserver) modelStart(ctx context.Context, s modelStart) context.Context {
	if s.attempt == 1 {
		o.r.mu.Lock()
		o.r.stats.LLMCalls++
		o.r.mu.Unlock()
	}
	return ctx
}

func (o *statsObserver) modelEnd(_ context.Context, s modelEnd) {
	var u ai.Usage
	var te *ai.TruncatedError
	switch {
	case s.err == nil:
		u = s.resp.Usage
	case errors.As(s.err, &te):
		// A truncated answer was paid for: its tokens count.
		u = te.Usage
	}
	if u != (ai.Usage{}) {
		o.r.mu.Lock()
		o.r.stats.InputTokens += u.InputTokens
		o.r.stats.OutputTokens += u.OutputTokens
		o.r.stats.CostUSD += o.r.agent.Pricing.Cost(u)
		o.r.mu.Unlock()
	}
	if s.willRetry {
		o.retried()
	}
}

func (o *statsObserver) toolStart(ctx context.Context, _ toolStart) context.Context {
	o.r.mu.Lock()
	o.r.stats.ToolCalls++
	o.r.mu.Unlock()
	return ctx
}

func (o *statsObserver) toolAttemptEnd(_ context.Context, s toolAttemptEnd) {
	if s.willRetry {
		o.retried()
	}
}

func (o *statsObserver) toolEnd(_ context.Context, s toolEnd) {
	if s.err == nil && s.res.Error {
		o.r.mu.Lock()
		o.r.stats.ToolErrors++
		o.r.mu.Unlock()
	}
}

// subAgentEnd adds the sub-agent's model calls, retries, tokens, cost and
// rate-limit wait to this run's (its tool calls stay its own).
func (o *statsObserver) subAgentEnd(_ context.Context, s subAgentEnd) {
	o.r.mu.Lock()
	o.r.stats.LLMCalls += s.stats.LLMCalls
	o.r.stats.Retries += s.stats.Retries
	o.r.stats.RateLimitWait += s.stats.RateLimitWait
	o.r.stats.InputTokens += s.stats.InputTokens
	o.r.stats.OutputTokens += s.stats.OutputTokens
	o.r.stats.CostUSD += s.stats.CostUSD
	o.r.mu.Unlock()
}

func (o *statsObserver) retried() {
	o.r.mu.Lock()
	o.r.stats.Retries++
	o.r.mu.Unlock()
}
