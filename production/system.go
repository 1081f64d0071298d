package main

import (
	"context"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// defaultDeadline is demo 6a's timeout, counted from the slow tool's
// start (see ex6_cancellation_show.go), and demo 6d's tool timeout.
const defaultDeadline = time.Second

// system is what runWith takes from the process; tests pass their own.
type system struct {
	// getenv reads the environment (os.Getenv, or a map in tests).
	getenv func(string) string
	// deadline is demo 6a's timeout, counted from the tool's start
	// (default 1s); tests shorten it.
	deadline time.Duration
	// toolTimeout is demo 6d's AgentTool.Timeout (default 1s); tests
	// shorten it.
	toolTimeout time.Duration
	// stopGrace is demo 6c's Agent.StopGrace (default
	// aigentic.DefaultStopGrace); tests shorten it.
	stopGrace time.Duration
	// lookup, when set, is each order lookup's wait in demo 6e, given the
	// number of tool calls in the model response it answers; nil waits
	// lookupTakes (ending early when the run stops). Tests meet the other
	// calls of the turn there, so the calls overlap by construction.
	lookup func(ctx context.Context, calls int) error
	// model, when set, replaces the model chosen from the environment.
	model ai.Model
	// sleep, when set, replaces the retry policies' and the rate
	// limiter's waits: tests record the delays and return at once.
	sleep func(ctx context.Context, d time.Duration) error
	// now, when set, is demo 7's rate limiter's clock (tests fix it, so
	// the limiter asks for the same waits on any machine).
	now func() time.Time
	// rand, when set, is the retry policies' jitter (tests fix it).
	rand func() float64
}

func (s system) withDefaults() system {
	if s.getenv == nil {
		s.getenv = func(string) string { return "" }
	}
	if s.deadline <= 0 {
		s.deadline = defaultDeadline
	}
	if s.toolTimeout <= 0 {
		s.toolTimeout = defaultDeadline
	}
	if s.stopGrace <= 0 {
		s.stopGrace = aigentic.DefaultStopGrace
	}
	if s.lookup == nil {
		s.lookup = func(ctx context.Context, _ int) error { return sleepCtx(ctx, lookupTakes) }
	}
	return s
}
