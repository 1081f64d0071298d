package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// The story's verdicts: a pure function from what the requests saw and
// the metrics read back to what the demo concludes, apart from the code
// that runs the story, so a test can feed it the outcomes of failures.

// storyFacts is what the story saw.
type storyFacts struct {
	// failures is -failures: the outage's length and the breaker's
	// threshold; openTimeout is -open-timeout.
	failures    int
	openTimeout time.Duration
	// primary and fallback are the models' "provider/model" names.
	primary, fallback string
	// reqs are the requests, in order: the outage (1..failures), one
	// while the breaker is open, one after the wait.
	reqs    []request
	metrics breakerMetrics
}

// judge is the story's verdicts: the breaker opened at request failures
// with the fallback answering the outage; while open the next request
// skipped the primary without calling it (or, when it came after the open
// period, the demo says it could not show that); after the wait the
// breaker half-opened, the probe reached the primary, which answered, and
// the breaker closed; the retry layer; the transitions metric.
func judge(f storyFacts) cli.Verdict {
	var out cli.Verdict
	add := out.Add
	n := f.failures
	if n < 1 || len(f.reqs) < n+2 {
		add(cli.Failed, "want %d requests (%s, one while the breaker is open, one after the wait); the story has %d", n+2, plural(n, "failure"), len(f.reqs))
		return out
	}

	// The outage: the primary failed each of requests 1..n, the fallback
	// answered, and the breaker opened at request n, not before.
	openedAt, fallbacks := 0, 0
	var openedTime time.Time
	for _, r := range f.reqs {
		for _, e := range r.events {
			if e.change != nil && e.change.To == failover.StateOpen && e.change.Provider+"/"+e.change.Model == f.primary && openedAt == 0 {
				openedAt, openedTime = r.n, e.change.At
			}
			if a := e.attempt; a != nil && a.MovedOn {
				fallbacks++
			}
		}
	}
	outageServed := true
	for _, r := range f.reqs[:n] {
		outageServed = outageServed && r.answeredBy == f.fallback
	}
	if openedAt == n && outageServed {
		add(cli.Held, "The primary's breaker opened after %s (request %d); the fallback answered %s.", inARow(n, "HTTP 503"), n, requests(1, n))
	} else {
		add(cli.Failed, "want the breaker opened at request %d and the fallback answering %s; it opened at request %d, answers by %s", n, requests(1, n), openedAt, answeredBy(f.reqs))
	}

	// While open: request n+1 skipped the primary without calling it.
	r := f.reqs[n]
	var first *failover.Attempt
	for _, e := range r.events {
		if e.attempt != nil {
			first = e.attempt
			break
		}
	}
	switch {
	case first == nil:
		add(cli.Failed, "request %d: no model was attempted", n+1)
	case first.Skipped && first.Name() == f.primary && r.primaryCalls == n && r.answeredBy == f.fallback:
		add(cli.Held, "While open, the primary was not called: request %d went straight to the fallback (aitest.Faulty counted %s, not %d).", n+1, plural(n, "call"), n+1)
	case !first.Skipped && first.Name() == f.primary && openedAt > 0 && r.start.Sub(openedTime) >= f.openTimeout:
		since := r.start.Sub(openedTime)
		add(cli.NotShown, "Request %d came %s after the breaker opened — the fallback was slower than the %s open period — so it found the breaker half-open and probed the primary: raise -open-timeout to see it fail fast.", n+1, since.Round(time.Millisecond), f.openTimeout)
	case !first.Skipped:
		add(cli.Failed, "request %d: the primary was called %s after its breaker opened, within the %s open period", n+1, r.start.Sub(openedTime).Round(time.Millisecond), f.openTimeout)
	default:
		add(cli.Failed, "request %d: %s was skipped but aitest.Faulty counted %s, answered by %s", n+1, first.Name(), plural(r.primaryCalls, "call"), r.answeredBy)
	}

	// Later: half-open, the probe reached the primary, closed.
	last := f.reqs[len(f.reqs)-1]
	half, closed := false, false
	for _, r := range f.reqs[n:] {
		for _, e := range r.events {
			if c := e.change; c != nil && c.Provider+"/"+c.Model == f.primary {
				half = half || c.To == failover.StateHalfOpen
				closed = closed || half && c.To == failover.StateClosed
			}
		}
	}
	state := f.metrics.state[f.primary]
	if half && closed && last.answeredBy == f.primary && state == failover.StateClosed {
		add(cli.Held, "After %s the breaker half-opened; the probe reached the primary, which answered (request %d), and the breaker closed.", f.openTimeout, last.n)
	} else {
		add(cli.Failed, "want the breaker half-open, then closed, and the primary answering request %d; half-open %v, closed %v, answered by %s, state %s", last.n, half, closed, last.answeredBy, state)
	}

	// One retry layer; every fallback counted.
	retries := 0
	for _, r := range f.reqs {
		retries += r.retries
	}
	if retries == 0 {
		add(cli.Held, "One retry layer, unused: each request was answered in its run's first attempt (Stats.Retries = 0); the %s %s seen attempt by attempt (failover.ObserveAttempts).",
			plural(fallbacks, "fallback"), map[bool]string{true: "was", false: "were"}[fallbacks == 1])
	} else {
		add(cli.Said, "The run's retry layer retried %s: a whole list failed at least once (the fallback too).", plural(retries, "time"))
	}
	if f.metrics.transitions[f.primary][failover.StateOpen] < 1 || f.metrics.transitions[f.primary][failover.StateClosed] < 1 {
		add(cli.Failed, "the transitions metric missed a transition of %s: %s", f.primary, f.metrics.transitionsOf(f.primary))
	}
	return out
}

// inARow is "1 HTTP 503" or "2 HTTP 503s in a row".
func inARow(n int, what string) string {
	if n == 1 {
		return plural(n, what)
	}
	return plural(n, what) + " in a row"
}

// requests is "request 1" or "requests 1–3".
func requests(from, to int) string {
	if from == to {
		return fmt.Sprintf("request %d", from)
	}
	return fmt.Sprintf("requests %d–%d", from, to)
}

// answeredBy is who answered each request: "1:offline/offline 2:…".
func answeredBy(reqs []request) string {
	var s []string
	for _, r := range reqs {
		s = append(s, fmt.Sprintf("%d:%s", r.n, r.answeredBy))
	}
	return strings.Join(s, " ")
}
