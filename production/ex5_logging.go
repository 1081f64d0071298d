package main

import (
	"context"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// Demo 5, log levels: Agent.LogLevel is the least level of the runtime's
// records — Debug every model request and tool call, Info one record per
// run at its end, Warn retries, tool error results and stops, Error
// failures — and Agent.Logger receives them, redacted, with the agent,
// session and run IDs. Always set the Logger: nil logs through
// slog.Default(). The demo's printing and checks are in
// ex5_logging_show.go.

// runLogged runs agent with its records at level and above going to
// handler (your log pipeline's: JSON to standard output, OpenTelemetry).
func runLogged(ctx context.Context, agent aigentic.Agent, question string, level slog.Level, handler slog.Handler) outcome {
	agent.LogLevel = level
	agent.Logger = slog.New(handler)
	return ask(ctx, agent, question)
}
