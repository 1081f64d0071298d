package main

import (
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// spec is the command line: the shared flags only; -q is the ticket the
// first demo classifies.
func spec() cli.Spec {
	return cli.Spec{
		Name:         "guardrails",
		Summary:      "A support agent with typed answers and guardrails: a ticket classified into a\nGo struct, then an input, an output and a tool-result guard, each shown tripping.",
		Question:     defaultTicket,
		QuestionHelp: "the support ticket to classify",
		Timeout:      5 * time.Minute,
	}
}
