package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoEnv is what every demo's printing side gets.
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

// agent returns an agent on the demo's model and logger, whose steps are
// printed as they happen (watch). The Logger is always set: never left to
// slog.Default().
func (e *demoEnv) agent(name string, tools ...aigentic.AgentTool) aigentic.Agent {
	return aigentic.Agent{
		Name:         name,
		Model:        e.model,
		Instructions: "You are a support and operations assistant. Use the tools to answer. When a tool reports an error, tell the user what failed and what they can do next.",
		LogLevel:     e.cfg.Log.Level,
		Logger:       e.logger,
		AgentTools:   tools,
		Observers:    []aigentic.Observer{hook.ObserverFunc(e.watch)},
	}
}

// watch is an observer that prints a run's steps as they happen, with the
// marks of every example (cli.Printer.Event): a tool call, its result or
// error result, a retry; and a tool call the run abandoned.
func (e *demoEnv) watch(ctx context.Context, step hook.Step) context.Context {
	switch s := step.(type) {
	case *hook.ToolStart:
		e.p.Event(&aigentic.ToolEvent{ToolName: s.Call.Name, Arguments: aigentic.Redact(s.Call.Arguments)})
	case *hook.ToolEnd:
		if s.Err == nil {
			e.p.Event(&aigentic.ToolResponseEvent{ToolName: s.Call.Name, Result: s.Result, Error: s.Result.Error})
		}
	case *hook.ToolAbandoned:
		e.p.Say("  %s %s abandoned: it had not returned %s after its context ended (%s)", cli.MarkError, s.Call.Name, s.Grace, s.Reason)
	case *hook.ModelEnd:
		if s.WillRetry {
			e.p.Event(&aigentic.RetryEvent{Step: fmt.Sprintf("model call %d", s.Call), Attempt: s.Attempt, Delay: s.RetryIn, Err: s.Err})
		}
	case *hook.ToolAttemptEnd:
		if s.WillRetry {
			e.p.Event(&aigentic.RetryEvent{Step: "tool " + s.Call.Name, Attempt: s.Attempt, Delay: s.RetryIn, Err: s.Err})
		}
	}
	return ctx
}

// flush prints the runtime's log records of the runs since the last
// flush, dimmed, after their events and before the verdict.
func (e *demoEnv) flush() { e.p.FlushLog() }

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
