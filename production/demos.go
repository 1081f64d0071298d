package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demo is one numbered demo.
type demo struct {
	title string
	shows string
	run   func(ctx context.Context, e *demoEnv) error
}

// demos are the seven demos, in order. Each runs its pattern (exN_*.go),
// prints what happened and checks it (exN_*_show.go): it returns an error
// when the mechanism did not behave as designed, and reports through
// demoEnv.notShown a part the model did not let happen.
var demos = []demo{
	{"Robust Error Handling", "a tool's error result the agent recovers from, a Go error that stops the run, and a transient model failure retried away.", demoErrors},
	{"Using Trace for Debugging", "a run recorded in a trace file, and a summary read back from that file.", demoTrace},
	{"MaxLLMCalls Limit", "a runaway tool loop stopped at exactly MaxLLMCalls model calls, with the partial work kept.", demoMaxLLMCalls},
	{"Retry Configuration", "a 503 and a 429 with Retry-After retried away with Retries: 3, and the same failures exhausting Retries: 1.", demoRetries},
	{"Log Level Configuration", "the same run logged at Debug, Info, Warn and Error: which records each level keeps.", demoLogLevels},
	{"Cancellation, Tool Timeouts and Parallel Tools", "a slow tool stopped by a timeout and by a cancel, the *StoppedError saying where; a stop that never waits on a tool ignoring its context; a tool timeout the model sees; a response's tool calls run at once.", demoCancellation},
	{"Comprehensive Production Setup", "health check, rate limiter, timeout, trace, retries, MaxLLMCalls, log level and tools together, with the run's figures and estimated cost logged as structured slog.", demoSetup},
}

// runWith is the program with the process's effects injected.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	sys = sys.withDefaults()
	var cfg config
	model, p, err := cli.Start(spec(&cfg), &cfg.Config, args, sys.getenv, out, func() error { return cfg.check(sys.getenv, out) })
	if p == nil {
		return err
	}
	if sys.model != nil {
		model = sys.model
		p.Line("(Tests: the model is %s, supplied by the caller.)", model.ModelName())
	}
	pricing := resolvePricing(cfg.Model, cfg.price)
	p.Line("Runtime log: %s.", cfg.Log.From)
	p.Line("Trace files go to %s.", cfg.TraceDir)
	p.Line("Cost estimate: %s.", pricing)
	// -timeout bounds the whole session, every demo, as in every example.
	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Config)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // one line naming the server, before any demo starts
	}

	e := &demoEnv{p: p, model: model, cfg: cfg, logger: p.Logger(cfg.Log), pricing: pricing, sys: sys}
	var failed []error
	ran := 0
	for i, d := range demos {
		n := i + 1
		if cfg.demo != 0 && cfg.demo != n {
			continue
		}
		if ctx.Err() != nil {
			return interrupted(p, ctx, n, d.title)
		}
		p.Line("")
		p.Title("Demo %d: %s", n, d.title)
		p.Line("Shows %s", d.shows)
		p.Indent = "  "
		err := d.run(ctx, e)
		p.Indent = ""
		if ctx.Err() != nil {
			return interrupted(p, ctx, n, d.title)
		}
		if down := cli.ServerFault(err); down != nil {
			// No demo can run without the server: one line naming it,
			// or the failure it answers every request with.
			return down
		}
		ran++
		if err != nil {
			p.Bad("Demo %d did not behave as designed: %s", n, cli.Redacted(err))
			failed = append(failed, fmt.Errorf("demo %d (%s): %w", n, d.title, err))
		}
	}
	p.Line("")
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d demos did not behave as designed: %w", len(failed), ran, failures(failed))
	}
	if len(e.unseen) > 0 {
		p.NotSeen("%d of %d demos ran as designed, but on this model %s could not be shown: %s.",
			ran, ran, plural(len(e.unseen), "part"), strings.Join(e.unseen, "; "))
		return nil
	}
	if ran == 1 {
		p.Good("Demo %d showed its pattern.", cfg.demo)
		return nil
	}
	p.Good("All %d demos showed their pattern.", ran)
	return nil
}

// interrupted reports a signal, the session timeout (a *cli.SessionTimeout
// cause) or any end of the session's context, and returns the error that
// makes the exit status non-zero.
func interrupted(p *cli.Printer, ctx context.Context, n int, title string) error {
	p.Indent = ""
	cause := context.Cause(ctx)
	p.Line("")
	var st *cli.SessionTimeout
	if errors.As(cause, &st) {
		p.Bad("The session timeout (%s) ran out during demo %d: %s.", st.Setting(), n, title)
		p.Line("Every run is bound to the session's context, so the running agent stopped cleanly; the remaining demos were skipped. Raise -timeout (or TIMEOUT) for a slow model.")
		return fmt.Errorf("%w during demo %d (%s); raise -timeout or TIMEOUT for a slow model", cause, n, title)
	}
	p.Bad("Interrupted (%s) during demo %d: %s.", cli.Redacted(cause), n, title)
	p.Line("Every run is bound to the signal context, so the running agent stopped cleanly; the remaining demos were skipped.")
	return fmt.Errorf("interrupted during demo %d (%s): %w", n, title, cause)
}

// failures are the errors of the demos that did not behave as designed:
// one line, and errors.Is/As see each of them.
type failures []error

func (f failures) Error() string {
	msgs := make([]string, len(f))
	for i, err := range f {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (f failures) Unwrap() []error { return f }

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
