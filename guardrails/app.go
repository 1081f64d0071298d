package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// system is what the program takes from its process; tests pass their
// own.
type system struct {
	getenv func(string) string
}

// run is the program: it loads .env, then runs with the real environment.
func run(ctx context.Context, args []string, out io.Writer) error {
	return cli.WithDotEnv(func() error { return runWith(ctx, args, out, system{getenv: os.Getenv}) })
}

// runWith runs the four demos, each a run of its own on the same model and
// the same guards, and says which were shown.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	var cfg cli.Config
	model, p, err := cli.Start(spec(), &cfg, args, sys.getenv, out, nil)
	if p == nil {
		return err
	}
	ctx, cancel := cli.WithSessionTimeout(ctx, cfg)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // one line naming the server, not three failed demos
	}
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	d := &desk{ctx: ctx, model: model, guards: newGuards(), p: p, session: session, log: cfg.Log}

	shown := []demo{d.classify(cfg.Question), d.cardNumber(), d.internalURL(), d.injection()}
	p.Line("")
	var missing, failed []string
	for i, s := range shown {
		if !s.shown {
			missing = append(missing, fmt.Sprintf("%d (%s)", i+1, s.name))
		}
		if s.failed != "" {
			failed = append(failed, fmt.Sprintf("%d (%s): %s", i+1, s.name, s.failed))
		}
	}
	if len(missing) == 0 {
		p.Good("Shown: all %d.", len(shown))
	} else {
		p.NotSeen("Shown: %d of %d; not shown: %s.", len(shown)-len(missing), len(shown), strings.Join(missing, ", "))
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("the session ended early: %w", context.Cause(ctx))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d demos failed: %s", len(failed), len(shown), strings.Join(failed, "; "))
	}
	return nil
}

// desk runs the demos: one model, one set of guards, one session.
type desk struct {
	ctx     context.Context
	model   ai.Model
	guards  *guard.Guards
	p       *cli.Printer
	session *aigentic.Session
	log     cli.LogConfig
}

// demo is what a demo showed: its name, whether its pattern happened,
// and, when the demo failed (a guard did not hold, a run failed), why.
type demo struct {
	name   string
	shown  bool
	failed string
}

// agent is the support agent with the given tools, in the session, with
// the program's log.
func (d *desk) agent(tools ...aigentic.AgentTool) aigentic.Agent {
	a := newAgent(d.model, d.guards, tools...)
	a.Session, a.LogLevel, a.Logger = d.session, d.log.Level, d.p.Logger(d.log)
	return a
}

// follow prints a run's tool calls, results and decisions (the guards',
// the typed check's) as they happen, and returns its outcome.
func (d *desk) follow(run *aigentic.AgentRun) (string, error) {
	return d.p.Follow(run, func(ev aigentic.Event) bool {
		e, ok := ev.(*aigentic.DecisionEvent)
		if !ok {
			return false
		}
		if e.Action == "pass" {
			d.p.Faint("  %s passed the %s", e.By, e.Step)
			return true
		}
		what := map[string]string{"rewrite": "rewrote the", "trip": "tripped on the", "retry": "sent back the"}[e.Action]
		if what == "" {
			what = e.Action + " on the"
		}
		d.p.Say("  %s %s %s: %s", e.By, what, e.Step, e.Reason)
		return true
	})
}

// heading starts demo n.
func (d *desk) heading(n int, title, what, message string) {
	d.p.Line("")
	d.p.Title("%d. %s", n, title)
	d.p.Line("%s: %s", what, message)
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
