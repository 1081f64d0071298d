// Command multi-agent shows a coordinator delegating to sub-agents: a
// Researcher, which searches the team's notes with a tool of its own, then
// a Writer, which turns the findings into a summary. Agent.Agents offers
// each sub-agent to the coordinator's model as a tool; the sub-runs share
// the session's cancellation, the trace and the log level, their LLM calls
// and tokens count in the coordinator's stats, and a failing sub-agent
// reaches the coordinator as an error result it can handle.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// defaultQuestion is asked when -q is not given.
const defaultQuestion = "Research what our notes say about cancellation and sub-agents, then write a short summary for the team."

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
