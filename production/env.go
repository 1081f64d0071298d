package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoEnv is what every demo gets.
type demoEnv struct {
	p       *cli.Printer
	model   ai.Model
	cfg     config
	logger  *slog.Logger // the runtime's records: through p, or discarded
	pricing pricing
	sys     system
	// unseen lists the parts the model did not let happen, with why.
	unseen []string
}

// agent returns an agent on the demo's model, session and logger. The
// Logger is always set: never left to slog.Default().
func (e *demoEnv) agent(name string, session *aigentic.Session, tools ...aigentic.AgentTool) aigentic.Agent {
	return aigentic.Agent{
		Name:         name,
		Model:        e.model,
		Instructions: "You are a support and operations assistant. Use the tools to answer. When a tool reports an error, tell the user what failed and what they can do next.",
		Session:      session,
		LogLevel:     e.cfg.Log.Level,
		Logger:       e.logger,
		AgentTools:   tools,
	}
}

// follow prints the run's events as they happen, then its log records,
// and returns its outcome.
func (e *demoEnv) follow(run *aigentic.AgentRun) (string, error) {
	return e.p.Follow(run, nil)
}

// notShown says plainly that part's pattern did not happen on this model,
// and why; the summary lists it. It is not a failure: the model chose.
func (e *demoEnv) notShown(part, why string) {
	e.p.NotSeen("%s not shown: %s.", part, why)
	e.unseen = append(e.unseen, fmt.Sprintf("%s (%s)", part, why))
}

// retryPolicy returns p with the waits and jitter of the system (real
// ones when they are nil).
func (e *demoEnv) retryPolicy(p *aigentic.RetryPolicy) *aigentic.RetryPolicy {
	p.Sleep, p.Rand = e.sys.sleep, e.sys.rand
	return p
}

// fastRetries is a retry policy with short waits, so the demos that retry
// stay quick. Production keeps the defaults (500ms doubling to 20s).
func fastRetries() *aigentic.RetryPolicy {
	return &aigentic.RetryPolicy{BaseDelay: 20 * time.Millisecond, MaxDelay: 100 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond}
}

// roundDuration rounds d for display: to the millisecond from 10ms up,
// to the microsecond below.
func roundDuration(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
