package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// healthTimeout bounds demo 7's health check.
const healthTimeout = 5 * time.Second

// demoSetup is demo 7: every pattern together on one request, with the
// run's figures logged as one structured record.
//
// Forced: the health check, the session timeout (-timeout), the trace, the
// limits and the rate limiter apply to any run. Not forced: whether the
// model looks the order up (with no tool call the answer is unverified,
// and the output says so).
func demoSetup(ctx context.Context, e *demoEnv) error {
	p := e.p
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()

	// Health check first: a model that cannot be reached fails fast,
	// before any work starts.
	hctx, hcancel := context.WithTimeout(ctx, healthTimeout)
	pr, err := e.model.Ping(hctx)
	hcancel()
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	if pr.Unverified {
		// Reached, not checked (llama-server serves any model name): say
		// so, and do not call the setup held below.
		p.Say("Health check: the server answered, but could not verify model %s: %s.", pr.Model, aigentic.Redact(pr.Detail))
	} else {
		// Provider and model only: the ping's Detail may name the server's URL.
		p.Say("Health check: model.Ping ok: provider %s, model %s.", pr.Provider, pr.Model)
	}

	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	trace := aigentic.NewTrace()
	trace.Directory = e.cfg.TraceDir
	agent := e.agent("support-agent", session, lookupOrderTool(), checkSystemStatusTool())
	seen := &answeredBy{Model: agent.Model}
	agent.Model = seen
	agent.Instructions = "You are a customer support assistant for an online shop. Use the tools to answer; never guess an order's status."
	agent.Trace = trace
	agent.Retries = 2
	agent.RetryPolicy = e.retryPolicy(&aigentic.RetryPolicy{BaseDelay: 500 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: 10 * time.Second, AttemptTimeout: 30 * time.Second})
	agent.MaxLLMCalls = 10
	// One model request every 200ms on average: a *rate.Limiter is an
	// aigentic.RateLimiter.
	agent.RateLimiter = waiter{rate.NewLimiter(5, 1), e.sys.sleep}
	agent.Pricing = e.pricing.price
	p.Say("Setup: session timeout %s, Retries %d (attempt timeout %s), MaxLLMCalls %d, log level %s,",
		e.cfg.Timeout, agent.Retries, agent.RetryPolicy.AttemptTimeout, agent.MaxLLMCalls, agent.LogLevel)
	p.Say("rate limit 5 model requests/s (burst 1), trace in %s, %d tools.", trace.Directory, len(agent.AgentTools))

	run, err := agent.Start(e.cfg.Question)
	if err != nil {
		return err
	}
	answer, err := e.follow(run)
	st := run.Stats()
	figures := []any{
		"session", session.ID, "trace_file", run.TraceFilepath(),
		"duration_ms", st.Duration.Milliseconds(), "llm_calls", st.LLMCalls, "tool_calls", st.ToolCalls,
		"tool_errors", st.ToolErrors, "retries", st.Retries, "rate_limit_wait_ms", st.RateLimitWait.Milliseconds(),
		"tokens_in", st.InputTokens, "tokens_out", st.OutputTokens,
	}
	// cost_usd is always a number, so a log pipeline can type it; an
	// unknown price leaves it out and says so.
	if usd, known := e.pricing.cost(st); known {
		figures = append(figures, "cost_usd", usd)
	} else {
		figures = append(figures, "cost_known", false)
	}
	// The program's own record, at the program's log level: ENV=prod keeps
	// the failure (Error) and drops the success (Info).
	metrics := slog.New(slog.NewJSONHandler(p.Writer(), &slog.HandlerOptions{Level: e.cfg.Log.Level}))
	if err != nil {
		// Log for the monitoring system, then tell the user something useful.
		p.Say("The run's figures, as one structured slog record (JSON):")
		metrics.Error("agent run failed", append(figures, "error", cli.Redacted(err))...)
		p.Say("What the user is told: %s", userMessage(err, session.ID))
		return fmt.Errorf("the production run failed: %w", err)
	}
	p.Say("Answer:")
	p.Answer(answer)
	if metrics.Enabled(ctx, slog.LevelInfo) {
		p.Say("The run's figures, as one structured slog record (JSON):")
		metrics.Info("agent run succeeded", figures...)
	} else {
		p.Say("The run's figures are logged at Info, below the log level %s (%s): not shown.", e.cfg.Log.Level, e.cfg.Log.From)
	}
	if _, err := os.Stat(run.TraceFilepath()); run.TraceFilepath() == "" || err != nil {
		return fmt.Errorf("the run's trace file is missing (%q): %v", run.TraceFilepath(), err)
	}
	if got := seen.other(e.model.ModelName()); got != "" {
		p.Say("The answers came from model %s, not %s as asked: the server serves another model under that name.", got, e.model.ModelName())
	}
	if st.ToolCalls == 0 {
		e.notShown("7", "the model answered without calling a tool, so its answer was not looked up")
		return nil
	}
	if pr.Unverified {
		e.notShown("7", "the health check could not verify model "+pr.Model)
		return nil
	}
	p.Good("Health check, %s within the limit of %d, %s, trace file written: the production setup held.",
		plural(st.LLMCalls, "model call"), agent.MaxLLMCalls, plural(st.ToolCalls, "tool call"))
	return nil
}

// waiter is a rate limiter whose wait can be replaced (tests record it).
type waiter struct {
	*rate.Limiter
	sleep func(ctx context.Context, d time.Duration) error
}

// Wait implements aigentic.RateLimiter.
func (w waiter) Wait(ctx context.Context) error {
	if w.sleep == nil {
		return w.Limiter.Wait(ctx)
	}
	r := w.Reserve()
	return w.sleep(ctx, r.Delay())
}

// answeredBy records the model the server says answered (ai.Response's
// Model).
type answeredBy struct {
	ai.Model
	mu     sync.Mutex
	models []string
}

// Generate implements ai.Model.
func (a *answeredBy) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	resp, err := a.Model.Generate(ctx, req)
	if resp != nil && resp.Model != "" {
		a.mu.Lock()
		a.models = append(a.models, resp.Model)
		a.mu.Unlock()
	}
	return resp, err
}

// other returns a model that answered other than asked ("" when none):
// a dated version of it ("gpt-4o-mini-2024-07-18" for "gpt-4o-mini") is
// the same model.
func (a *answeredBy) other(asked string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range a.models {
		if !strings.HasPrefix(m, asked) {
			return m
		}
	}
	return ""
}
