package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Demo 7, a production setup: the patterns of demos 1 to 6 on one
// request, plus a health check, a rate limiter and the cost, and the
// run's figures logged as one structured record for the monitoring
// system. The demo's printing and checks are in ex7_setup_show.go.

// production is how a service runs its agent.
type production struct {
	Timeout     time.Duration         // the whole request's
	TraceDir    string                // a trace file per run
	Retries     int                   // transient failures retried
	RetryPolicy *aigentic.RetryPolicy // with an AttemptTimeout: no attempt hangs
	MaxLLMCalls int                   // a model that loops is stopped
	RateLimiter aigentic.RateLimiter  // paces model requests: a *rate.Limiter is one
	Pricing     *aigentic.Pricing     // prices the tokens; nil: the cost is unknown
	Metrics     *slog.Logger          // gets one record per request with the run's figures
	// ToolTimeout bounds each tool call: past it the model is told, and
	// the run goes on. ParallelToolCalls runs a response's calls at once,
	// at most that many (the tools must be safe for concurrent use).
	// StopGrace is the longest a stop waits on a tool that ignores its
	// context (0: aigentic.DefaultStopGrace).
	ToolTimeout       time.Duration
	ParallelToolCalls int
	StopGrace         time.Duration
}

// healthCheck asks the model's server whether it serves the model, within
// timeout: a model that cannot be reached fails fast, before any work.
// Run it at start-up and in a readiness probe.
func healthCheck(ctx context.Context, model ai.Model, timeout time.Duration) (*ai.PingResult, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pr, err := model.Ping(ctx)
	if err != nil {
		return nil, fmt.Errorf("health check: %w", err)
	}
	return pr, nil
}

// served is one request's outcome.
type served struct {
	outcome
	// UserMessage is what the user is told when the run failed.
	UserMessage string
}

// serve answers one request with every limit of s set on agent, then logs
// the run's figures as one record — Info on success, Error with the
// error on failure — and turns a failure into a message for the user.
func serve(ctx context.Context, agent aigentic.Agent, question string, s production) served {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	trace := aigentic.NewTrace()
	trace.Directory = s.TraceDir
	agent.Trace, agent.Retries, agent.RetryPolicy, agent.MaxLLMCalls = trace, s.Retries, s.RetryPolicy, s.MaxLLMCalls
	agent.RateLimiter, agent.Pricing = s.RateLimiter, s.Pricing
	agent.ToolTimeout, agent.ParallelToolCalls, agent.StopGrace = s.ToolTimeout, s.ParallelToolCalls, s.StopGrace
	r := served{outcome: ask(ctx, agent, question)}
	st := r.Stats
	figures := []any{
		"run", r.RunID, "trace_file", r.TraceFile,
		"duration_ms", st.Duration.Milliseconds(), "llm_calls", st.LLMCalls, "tool_calls", st.ToolCalls,
		"tool_errors", st.ToolErrors, "tool_timeouts", st.ToolTimeouts, "tools_abandoned", st.ToolsAbandoned,
		"retries", st.Retries, "rate_limit_wait_ms", st.RateLimitWait.Milliseconds(),
		"tokens_in", st.InputTokens, "tokens_out", st.OutputTokens,
	}
	// cost_usd is always a number, so a log pipeline can type it; an
	// unknown price leaves it out and says so.
	if s.Pricing != nil {
		figures = append(figures, "cost_usd", st.CostUSD)
	} else {
		figures = append(figures, "cost_known", false)
	}
	if r.Err != nil {
		s.Metrics.Error("agent run failed", append(figures, "error", aigentic.Redact(r.Err.Error()))...)
		r.UserMessage = userMessage(r.Err, r.RunID)
		return r
	}
	s.Metrics.Info("agent run succeeded", figures...)
	return r
}
