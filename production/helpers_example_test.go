package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// exampleAgent is the agent of the Examples: the offline model, the
// tools given, and a logger that discards (an Example's output is what it
// prints).
func exampleAgent(tools ...aigentic.AgentTool) aigentic.Agent {
	return aigentic.Agent{Model: offline.NewModel(), AgentTools: tools, Logger: slog.New(slog.DiscardHandler)}
}

// noWait is a RetryPolicy.Sleep (or a rate limiter's wait) that returns at
// once: the Examples take no real time, and their waits show as computed.
func noWait(ctx context.Context, d time.Duration) error { return ctx.Err() }

// withoutReference is a user message without its run ID, which changes
// from run to run.
func withoutReference(msg string) string {
	m, _, _ := strings.Cut(msg, " (reference: ")
	return m
}
