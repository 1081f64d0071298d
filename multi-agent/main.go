// Command multi-agent shows a coordinator delegating to sub-agents: a
// Researcher, which searches the team's notes with a tool of its own, then
// a Writer, which turns the findings into a summary. Agent.Agents offers
// each sub-agent to the coordinator's model as a tool; the sub-runs share
// the session's cancellation, the trace and the log level, their LLM calls
// and tokens count in the coordinator's stats, and a failing sub-agent
// reaches the coordinator as an error result it can handle.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(cli.ExitCode(err)) // 2 for usage/config errors, 1 otherwise
	}
}
