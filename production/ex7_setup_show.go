package main

import (
	"bytes"
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
)

// healthTimeout bounds demo 7's health check; requestTimeout its
// request, within the session's -timeout (default 2m).
const (
	healthTimeout  = 5 * time.Second
	requestTimeout = time.Minute
)

// demoSetup shows demo 7 (ex7_setup.go): every pattern together on one
// request, with the run's figures logged as one structured record.
//
// Forced: the health check, the request's timeout, the trace, the limits
// and the rate limiter apply to any run, and the verdict reads each from
// what the run did (checkSetup, in ex7_checks_show.go). Not forced:
// whether the model looks up the order the question asks about (with no
// tool call, or another order looked up, the answer is unverified, and
// the output says so; a question naming no order number cannot be
// checked, and the output says that).
func demoSetup(ctx context.Context, e *demoEnv) error {
	p := e.p
	watch := &setupWatch{Model: e.model}
	pr, err := healthCheck(ctx, watch, healthTimeout)
	if err != nil {
		return err
	}
	if pr.Unverified {
		// Reached, not checked (llama-server serves any model name): say
		// so, and do not call the setup held below.
		p.Say("Health check: the server answered, but could not verify model %s: %s.", pr.Model, aigentic.Redact(pr.Detail))
	} else {
		// Provider and model only: the ping's Detail may name the server's URL.
		p.Say("Health check: model.Ping ok: provider %s, model %s.", pr.Provider, pr.Model)
	}

	var record bytes.Buffer // the figures' record, printed after the answer
	limiter := rate.NewLimiter(5, 1)
	s := production{
		Timeout:     requestTimeout,
		TraceDir:    e.cfg.TraceDir,
		Retries:     2,
		RetryPolicy: e.retryPolicy(&aigentic.RetryPolicy{BaseDelay: 500 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: 10 * time.Second, AttemptTimeout: 30 * time.Second}),
		MaxLLMCalls: 10,
		// One model request every 200ms on average.
		RateLimiter: waiter{Limiter: limiter, sleep: e.sys.sleep, now: e.sys.now},
		Pricing:     e.pricing.price,
		// The program's own record, at the program's log level: ENV=prod
		// keeps the failure (Error) and drops the success (Info).
		Metrics: slog.New(slog.NewJSONHandler(&record, &slog.HandlerOptions{Level: e.cfg.Log.Level})),
		// Demo 6's run control: no tool call holds the request longer
		// than 10s, a response's lookups run at once, and a stop waits on
		// a stuck tool for 250ms at most.
		ToolTimeout:       10 * time.Second,
		ParallelToolCalls: 4,
		StopGrace:         aigentic.DefaultStopGrace,
	}
	agent := e.agent("support-agent", lookupOrderTool(), checkSystemStatusTool())
	lookups := &lookupWatch{}
	agent.Model = watch
	agent.Observers = append(agent.Observers, lookups, watch)
	seen := &answeredBy{Model: agent.Model}
	agent.Model = seen
	agent.Instructions = "You are a customer support assistant for an online shop. Use the tools to answer; never guess an order's status."
	p.Say("Setup: timeout %s, Retries %d (attempt timeout %s), MaxLLMCalls %d, log level %s,",
		s.Timeout, s.Retries, s.RetryPolicy.AttemptTimeout, s.MaxLLMCalls, agent.LogLevel)
	p.Say("tool timeout %s, %d tool calls at once, stop grace %s, rate limit %g model requests/s (burst %d),",
		s.ToolTimeout, s.ParallelToolCalls, s.StopGrace, float64(limiter.Limit()), limiter.Burst())
	p.Say("trace in %s, %d tools.", s.TraceDir, len(agent.AgentTools))

	r := serve(ctx, agent, e.cfg.Question, s)
	e.flush()
	if r.Err == nil {
		p.Say("Answer:")
		p.Answer(r.Answer)
	}
	if record.Len() > 0 {
		p.Say("The run's figures, as one structured slog record (JSON):")
		p.Writer().Write(record.Bytes())
	} else {
		p.Say("The run's figures are logged at Info, below the log level %s (%s): not shown.", e.cfg.Log.Level, e.cfg.Log.From)
	}
	if r.Err != nil {
		p.Say("What the user is told: %s", r.UserMessage)
		return fmt.Errorf("the production run failed: %w", r.Err)
	}
	if _, err := os.Stat(r.TraceFile); r.TraceFile == "" || err != nil {
		return fmt.Errorf("the run's trace file is missing (%q): %v", r.TraceFile, err)
	}
	if err := checkSetup(s, healthTimeout, watch.seen()); err != nil {
		return err
	}
	if got := seen.other(e.model.ModelName()); got != "" {
		p.Say("The answers came from model %s, not %s as asked: the server serves another model under that name.", got, e.model.ModelName())
	}
	if r.Stats.ToolCalls == 0 {
		e.notShown("7", "the model answered without calling a tool, so its answer was not looked up")
		return nil
	}
	if pr.Unverified {
		e.notShown("7", "the health check could not verify model "+pr.Model)
		return nil
	}
	// The answer is only as good as its source: the orders looked up must
	// be the ones asked about.
	asked := askedOrders(e.cfg.Question)
	if len(asked) == 0 {
		e.notShown("7", "the question names no order number, so which order the model looked up could not be checked")
		return nil
	}
	if diff := lookups.mismatch(asked); diff != "" {
		e.notShown("7", diff+": the answer is not about what was asked")
		return nil
	}
	ws := watch.seen()
	p.Say("Seen in the run: the health check within %s, the run within %s, MaxLLMCalls %d and Retries %d in its RunInfo;",
		healthTimeout, s.Timeout, ws.MaxLLMCalls, ws.Retries)
	p.Say("each of the %s within %s and after the rate limiter (its waits: %s).",
		plural(ws.Requests, "model request"), s.RetryPolicy.AttemptTimeout, roundDuration(ws.RateWaited))
	p.Good("Health check, %s within the limit of %d, %s (%s, as asked), trace file written: the production setup held.",
		plural(r.Stats.LLMCalls, "model call"), s.MaxLLMCalls, plural(r.Stats.ToolCalls, "tool call"), orderList(asked))
	return nil
}

// waiter is a rate limiter whose wait and clock can be replaced: tests
// record the waits and fix the clock, so the delays the limiter asks for
// do not depend on how fast the machine is.
type waiter struct {
	*rate.Limiter
	sleep func(ctx context.Context, d time.Duration) error // nil: the limiter's own Wait
	now   func() time.Time                                 // nil: time.Now
}

// Wait implements aigentic.RateLimiter.
func (w waiter) Wait(ctx context.Context) error {
	if w.sleep == nil {
		return w.Limiter.Wait(ctx)
	}
	now := time.Now()
	if w.now != nil {
		now = w.now()
	}
	return w.sleep(ctx, w.ReserveN(now, 1).DelayFrom(now))
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
