package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

// printEvents prints a request's attempts and breaker transitions. A
// transition into half_open comes before the attempt it lets through; the
// others are printed after the attempt that caused them.
func (d *demo) printEvents(r request) {
	var held []*failover.StateChange
	flush := func(name string) {
		rest := held[:0]
		for _, c := range held {
			if name == "" || c.Provider+"/"+c.Model == name {
				d.p.Say("    breaker of %s: %s → %s%s", c.Provider+"/"+c.Model, c.From, c.To, why(c, d.cfg.openTimeout))
			} else {
				rest = append(rest, c)
			}
		}
		held = rest
	}
	for _, e := range r.events {
		if c := e.change; c != nil {
			if c.To == failover.StateHalfOpen {
				d.p.Say("    breaker of %s: %s → %s%s", c.Provider+"/"+c.Model, c.From, c.To, why(c, d.cfg.openTimeout))
			} else {
				held = append(held, c)
			}
			continue
		}
		a := e.attempt
		var oe *failover.OpenError
		switch {
		case a.Err == nil:
			d.p.Say("  %s %s answered: %s", cli.ArrowResult, a.Name(), cli.Clip(firstLine(r.answer), 80))
		case errors.As(a.Err, &oe) && a.Skipped:
			d.p.Say("  %s %s not called: its breaker is open for %s more", cli.MarkError, a.Name(), oe.RetryAfter.Round(time.Millisecond))
		default:
			d.p.Say("  %s %s failed: %s", cli.MarkError, a.Name(), cli.Clip(cli.Redacted(a.Err), 110))
		}
		flush(a.Name())
	}
	flush("")
}

// why says what a transition means.
func why(c *failover.StateChange, openFor time.Duration) string {
	switch c.To {
	case failover.StateOpen:
		return fmt.Sprintf(" (skipped for %s)", openFor)
	case failover.StateHalfOpen:
		return " (one probe let through)"
	}
	return " (the model is back)"
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// conclude prints the metrics and the verdicts, computed from what the
// requests saw. A verdict that does not hold is an error.
func (d *demo) conclude(ctx context.Context, primary, fallback string) error {
	m, err := readMetrics(ctx, d.reader)
	if err != nil {
		return err
	}
	d.p.Line("")
	d.p.Line("Metrics (read back with an OpenTelemetry manual reader):")
	d.p.Say("  %s: %s %s, %s %s", failover.MetricState, primary, m.state[primary], fallback, m.state[fallback])
	d.p.Say("  %s: %s %s; %s %s", failover.MetricTransitions, primary, m.transitionsOf(primary), fallback, m.transitionsOf(fallback))
	d.p.Line("")

	fs := judge(storyFacts{failures: d.cfg.failures, openTimeout: d.cfg.openTimeout,
		primary: primary, fallback: fallback, reqs: d.reqs, metrics: m})
	d.p.Verdict(fs)
	if problems := fs.Failed(); len(problems) > 0 {
		return fmt.Errorf("the failover demo did not behave as designed: %s", strings.Join(problems, "; "))
	}
	return nil
}
