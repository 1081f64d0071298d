package aigentic

import (
	"context"
	"errors"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// statsObserver keeps the run's Stats: the one observer the run reads
// back (Stats, LimitError). Its counters are under r.mu, since Stats may
// be read from any goroutine while the run goes on.
type statsObserver struct {
	r *AgentRun
}

func (o *statsObserver) Observe(ctx context.Context, step hook.Step) context.Context {
	r := o.r
	switch s := step.(type) {
	case *hook.RateLimitWait:
		r.mu.Lock()
		r.stats.RateLimitWait += s.Wait
		r.mu.Unlock()
	case *hook.ModelStart:
		if s.Attempt == 1 {
			r.mu.Lock()
			r.stats.LLMCalls++
			r.mu.Unlock()
		}
	case *hook.ModelEnd:
		o.modelEnd(s)
	case *hook.ToolStart:
		r.mu.Lock()
		r.stats.ToolCalls++
		r.mu.Unlock()
	case *hook.ToolAttemptEnd:
		if s.WillRetry {
			o.retried()
		}
	case *hook.ToolEnd:
		if s.Err == nil && s.Result.Error {
			r.mu.Lock()
			r.stats.ToolErrors++
			r.mu.Unlock()
		}
	case *hook.ToolAbandoned:
		r.mu.Lock()
		r.stats.ToolsAbandoned++
		r.mu.Unlock()
	case *hook.Decision:
		switch s.Action {
		case "compact":
			r.mu.Lock()
			r.stats.Compactions++
			r.stats.CompactedTokens += max(s.TokensBefore-s.TokensAfter, 0)
			r.mu.Unlock()
		case "fallback":
			r.mu.Lock()
			r.stats.Fallbacks++
			r.mu.Unlock()
		}
	case *hook.SubAgentEnd:
		// The sub-agent's model calls, retries, tokens, cost and rate-limit
		// wait count in this run's (its tool calls stay its own).
		c := &s.ChildStats
		r.mu.Lock()
		r.stats.LLMCalls += c.LLMCalls
		r.stats.Retries += c.Retries
		r.stats.RateLimitWait += c.RateLimitWait
		r.stats.InputTokens += c.InputTokens
		r.stats.OutputTokens += c.OutputTokens
		r.stats.CostUSD += c.CostUSD
		r.stats.FollowUps += c.FollowUps
		r.stats.CachedInputTokens += c.CachedInputTokens
		r.stats.ReasoningTokens += c.ReasoningTokens
		r.stats.ToolUseFailures += c.ToolUseFailures
		r.stats.Compactions += c.Compactions
		r.stats.CompactedTokens += c.CompactedTokens
		r.stats.Fallbacks += c.Fallbacks
		r.mu.Unlock()
	}
	return ctx
}

func (o *statsObserver) modelEnd(s *hook.ModelEnd) {
	var u ai.Usage
	switch {
	case s.Err == nil:
		u = s.Response.Usage
	default:
		// A truncated answer was paid for: its tokens count.
		if te, ok := errors.AsType[*ai.TruncatedError](s.Err); ok {
			u = te.Usage
		}
	}
	u = u.Bounded()
	r := o.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.Err == nil && s.Response != nil {
		r.stats.ResponseModel, r.stats.ResponseProvider = o.answeredBy(s.Response)
	}
	r.stats.InputTokens += u.InputTokens
	r.stats.OutputTokens += u.OutputTokens
	r.stats.CachedInputTokens += u.CachedInputTokens
	r.stats.ReasoningTokens += u.ReasoningTokens
	r.stats.CostUSD += s.CostUSD
	if s.WillRetry {
		r.stats.Retries++
	}
}

// answeredBy is who gave resp: see Stats.ResponseModel.
func (o *statsObserver) answeredBy(resp *ai.Response) (model, provider string) {
	model, provider = resp.Model, resp.Provider
	if model == "" {
		model = o.r.info.Model
	}
	if provider == "" {
		provider = o.r.info.Provider
	}
	return model, provider
}

func (o *statsObserver) retried() {
	o.r.mu.Lock()
	o.r.stats.Retries++
	o.r.mu.Unlock()
}
