package main

import (
	"context"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// defaultDeadline is demo 6a's timeout, counted from the slow tool's
// start (see ex6_cancellation_show.go).
const defaultDeadline = time.Second

// system is what runWith takes from the process; tests pass their own.
type system struct {
	// getenv reads the environment (os.Getenv, or a map in tests).
	getenv func(string) string
	// deadline is demo 6a's timeout, counted from the tool's start
	// (default 1s); tests shorten it.
	deadline time.Duration
	// model, when set, replaces the model chosen from the environment.
	model ai.Model
	// sleep, when set, replaces the retry policies' and the rate
	// limiter's waits: tests record the delays and return at once.
	sleep func(ctx context.Context, d time.Duration) error
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
	return s
}
