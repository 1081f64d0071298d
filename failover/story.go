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

	n := d.cfg.failures
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
		d.p.Bad(format, args...)
	}

	// The outage: the primary failed each of requests 1..n, the fallback
	// answered, and the breaker opened at request n, not before.
	openedAt, fallbacks := 0, 0
	var openedTime time.Time
	for _, r := range d.reqs {
		for _, e := range r.events {
			if e.change != nil && e.change.To == failover.StateOpen && openedAt == 0 {
				openedAt, openedTime = r.n, e.change.At
			}
			if a := e.attempt; a != nil && a.MovedOn {
				fallbacks++
			}
		}
	}
	outageServed := true
	for _, r := range d.reqs[:n] {
		outageServed = outageServed && r.answeredBy == fallback
	}
	if openedAt == n && outageServed {
		d.p.Good("The primary's breaker opened after %s in a row (request %d); the fallback answered requests 1–%d.", plural(n, "HTTP 503"), n, n)
	} else {
		bad("want the breaker opened at request %d and the fallback answering requests 1–%d; it opened at request %d, answers by %s", n, n, openedAt, d.answeredBy())
	}

	// While open: request n+1 skipped the primary without calling it.
	r := d.reqs[n]
	first := r.events[firstAttempt(r.events)].attempt
	switch {
	case first.Skipped && r.primaryCalls == n && r.answeredBy == fallback:
		d.p.Good("While open, the primary was not called: request %d went straight to the fallback (aitest.Faulty counted %d calls, not %d).", n+1, n, n+1)
	case !first.Skipped:
		since := r.start.Sub(openedTime)
		d.p.NotSeen("Request %d came %s after the breaker opened — the fallback was slower than the %s open period — so it found the breaker half-open and probed the primary: raise -open-timeout to see it fail fast.", n+1, since.Round(time.Millisecond), d.cfg.openTimeout)
	default:
		bad("request %d: the primary was skipped but aitest.Faulty counted %d calls, answered by %s", n+1, r.primaryCalls, r.answeredBy)
	}

	// Later: half-open, the probe reached the primary, closed.
	last := d.reqs[len(d.reqs)-1]
	half, closed := false, false
	for _, r := range d.reqs[n:] {
		for _, e := range r.events {
			if e.change != nil {
				half = half || e.change.To == failover.StateHalfOpen
				closed = closed || half && e.change.To == failover.StateClosed
			}
		}
	}
	if half && closed && last.answeredBy == primary && m.state[primary] == failover.StateClosed {
		d.p.Good("After %s the breaker half-opened; the probe reached the primary, which answered (request %d), and the breaker closed.", d.cfg.openTimeout, last.n)
	} else {
		bad("want the breaker half-open, then closed, and the primary answering request %d; half-open %v, closed %v, answered by %s, state %s", last.n, half, closed, last.answeredBy, m.state[primary])
	}

	// One retry layer; every fallback counted.
	retries := 0
	for _, r := range d.reqs {
		retries += r.retries
	}
	if retries == 0 {
		d.p.Good("One retry layer, unused: each request was answered in its run's first attempt (Stats.Retries = 0); the %d fallbacks were seen attempt by attempt (failover.ObserveAttempts).", fallbacks)
	} else {
		d.p.Line("The run's retry layer retried %d times: a whole list failed at least once (the fallback too).", retries)
	}
	if m.transitions[primary][failover.StateOpen] < 1 || m.transitions[primary][failover.StateClosed] < 1 {
		bad("the transitions metric missed a transition of %s: %s", primary, m.transitionsOf(primary))
	}
	if len(problems) > 0 {
		return fmt.Errorf("the failover demo did not behave as designed: %s", strings.Join(problems, "; "))
	}
	return nil
}

// firstAttempt is the index of the first attempt among events.
func firstAttempt(events []event) int {
	for i, e := range events {
		if e.attempt != nil {
			return i
		}
	}
	return 0
}

func (d *demo) answeredBy() string {
	var s []string
	for _, r := range d.reqs {
		s = append(s, fmt.Sprintf("%d:%s", r.n, r.answeredBy))
	}
	return strings.Join(s, " ")
}
