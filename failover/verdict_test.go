package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

const (
	tPrimary  = "aitest/offline"
	tFallback = "offline/offline"
)

// story is the facts of a story that went as designed, with -failures 2:
// two 503s (the breaker opening at the second), a request the open
// breaker sends straight to the fallback, and the probe after the wait.
func story() storyFacts {
	t0 := time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)
	att := func(name string, err error, skipped, movedOn bool) event {
		p, m, _ := strings.Cut(name, "/")
		return event{attempt: &failover.Attempt{Provider: p, Model: m, Err: err, Skipped: skipped, MovedOn: movedOn}}
	}
	change := func(from, to failover.State, at time.Time) event {
		return event{change: &failover.StateChange{Provider: "aitest", Model: "offline", From: from, To: to, At: at}}
	}
	e503 := errors.New("HTTP 503")
	return storyFacts{
		failures: 2, openTimeout: 2 * time.Second, primary: tPrimary, fallback: tFallback,
		reqs: []request{
			{n: 1, answeredBy: tFallback, primaryCalls: 1, start: t0,
				events: []event{att(tPrimary, e503, false, true), att(tFallback, nil, false, false)}},
			{n: 2, answeredBy: tFallback, primaryCalls: 2, start: t0,
				events: []event{att(tPrimary, e503, false, true), change(failover.StateClosed, failover.StateOpen, t0), att(tFallback, nil, false, false)}},
			{n: 3, answeredBy: tFallback, primaryCalls: 2, start: t0.Add(time.Millisecond),
				events: []event{att(tPrimary, &failover.OpenError{}, true, true), att(tFallback, nil, false, false)}},
			{n: 4, answeredBy: tPrimary, primaryCalls: 3, start: t0.Add(2 * time.Second),
				events: []event{change(failover.StateOpen, failover.StateHalfOpen, t0.Add(2*time.Second)), att(tPrimary, nil, false, false),
					change(failover.StateHalfOpen, failover.StateClosed, t0.Add(2*time.Second))}},
		},
		metrics: breakerMetrics{
			state:       map[string]failover.State{tPrimary: failover.StateClosed, tFallback: failover.StateClosed},
			transitions: map[string]map[failover.State]int64{tPrimary: {failover.StateOpen: 1, failover.StateHalfOpen: 1, failover.StateClosed: 1}},
		},
	}
}

func TestJudgeTheDesign(t *testing.T) {
	fs := judge(story())
	var goods []string
	for _, f := range fs.Notes {
		if f.Mark == cli.Held {
			goods = append(goods, f.Text)
		}
	}
	if len(goods) != 4 || len(fs.Failed()) != 0 {
		t.Fatalf("findings %+v; want 4 ✓ and nothing failed", fs)
	}
}

// Each verdict fed the outcome of a failure: a ✗ saying so, and no ✓
// for what did not happen.
func TestJudgeFailures(t *testing.T) {
	const (
		opened  = "The primary's breaker opened"
		skipped = "While open, the primary was not called"
		probed  = "the breaker half-opened; the probe reached the primary"
	)
	for _, c := range []struct {
		name      string
		change    func(f *storyFacts)
		wantBad   string
		notGood   string
		notSeenOK bool
	}{
		// Verdict 1: the breaker opened at request n, the fallback
		// answering the outage.
		{"the breaker never opened", func(f *storyFacts) {
			f.reqs[1].events = f.reqs[1].events[:1]
		}, "want the breaker opened at request 2", opened, false},
		{"the breaker opened at the first failure", func(f *storyFacts) {
			f.reqs[0].events = append(f.reqs[0].events, f.reqs[1].events[1])
		}, "it opened at request 1", opened, false},
		{"the outage answered by no one", func(f *storyFacts) { f.reqs[0].answeredBy = "" }, "the fallback answering requests 1–2", opened, false},
		{"the fallback's breaker opened, not the primary's", func(f *storyFacts) {
			f.reqs[1].events[1].change.Provider = "offline"
		}, "want the breaker opened at request 2", opened, false},
		// Verdict 2: request n+1 skipped the primary without calling it.
		{"the primary called while open", func(f *storyFacts) {
			f.reqs[2].events[0].attempt.Skipped = false
		}, "request 3: the primary was called", skipped, false},
		{"skipped, yet Faulty counted a call", func(f *storyFacts) { f.reqs[2].primaryCalls = 3 }, "aitest.Faulty counted 3 calls", skipped, false},
		{"skipped, answered by no one", func(f *storyFacts) { f.reqs[2].answeredBy = "" }, "request 3: aitest/offline was skipped", skipped, false},
		{"the fallback skipped, not the primary", func(f *storyFacts) {
			f.reqs[2].events[0].attempt.Provider = "offline"
		}, "request 3: offline/offline was skipped", skipped, false},
		{"no attempt", func(f *storyFacts) { f.reqs[2].events = nil }, "request 3: no model was attempted", skipped, false},
		// Verdict 3: half-open, the probe reached the primary, closed.
		{"never half-open", func(f *storyFacts) { f.reqs[3].events = f.reqs[3].events[1:] }, "half-open false", probed, false},
		{"never closed", func(f *storyFacts) { f.reqs[3].events = f.reqs[3].events[:2] }, "closed false", probed, false},
		{"the probe answered by the fallback", func(f *storyFacts) { f.reqs[3].answeredBy = tFallback }, "answered by offline/offline", probed, false},
		{"the metric says open", func(f *storyFacts) {
			f.metrics.state = map[string]failover.State{tPrimary: failover.StateOpen}
		}, "state open", probed, false},
		// The transitions metric.
		{"no transition counted", func(f *storyFacts) { f.metrics.transitions = nil }, "the transitions metric missed a transition", "", false},
		// Too few requests.
		{"a request missing", func(f *storyFacts) { f.reqs = f.reqs[:3] }, "want 4 requests", opened, false},
	} {
		f := story()
		c.change(&f)
		fs := judge(f)
		bads := strings.Join(fs.Failed(), "; ")
		if !strings.Contains(bads, c.wantBad) {
			t.Errorf("%s: failed %q, want one saying %q\n%+v", c.name, bads, c.wantBad, fs)
		}
		for _, x := range fs.Notes {
			if x.Mark == cli.Held && c.notGood != "" && strings.Contains(x.Text, c.notGood) {
				t.Errorf("%s: a ✓ it should not have: %q", c.name, x.Text)
			}
		}
	}
}

// A request after the open period found the breaker half-open: the
// fail-fast could not be shown, and the verdict says so instead of
// failing or claiming it.
func TestJudgeFailFastNotSeen(t *testing.T) {
	f := story()
	r := &f.reqs[2]
	r.start = r.start.Add(3 * time.Second)
	r.answeredBy, r.primaryCalls = tPrimary, 3
	r.events[0].attempt.Skipped, r.events[0].attempt.Err, r.events[0].attempt.MovedOn = false, nil, false
	r.events = r.events[:1]
	fs := judge(f)
	var seen bool
	for _, x := range fs.Notes {
		seen = seen || x.Mark == cli.NotShown && strings.Contains(x.Text, "Request 3 came 3.001s after the breaker opened")
		if x.Mark == cli.Held && strings.Contains(x.Text, "While open") {
			t.Errorf("a ✓ for the fail-fast: %q", x.Text)
		}
	}
	if !seen {
		t.Errorf("findings %+v; want the fail-fast said not seen", fs)
	}
}

// -failures 1 is said in the singular.
func TestJudgeOneFailure(t *testing.T) {
	f := story()
	f.failures = 1
	f.reqs = append(f.reqs[:0:0], f.reqs[1:]...)
	for i := range f.reqs {
		f.reqs[i].n = i + 1
		f.reqs[i].primaryCalls--
	}
	f.reqs[0].events = f.reqs[0].events[:0:0]
	f.reqs[0].events = append(f.reqs[0].events, story().reqs[1].events...)
	var texts []string
	for _, x := range judge(f).Notes {
		texts = append(texts, x.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		"The primary's breaker opened after 1 HTTP 503 (request 1); the fallback answered request 1.",
		"(aitest.Faulty counted 1 call, not 2)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "1–1") || strings.Contains(all, "1 calls") {
		t.Errorf("plural for one:\n%s", all)
	}
}
