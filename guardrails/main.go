// Command guardrails shows a support agent whose answers are Go values and
// whose inputs and outputs are checked: a ticket classified into a typed
// struct (aigentic.ExecuteAs), a request carrying a card number refused
// before any model sees it, an answer leaking an internal URL stopped, and
// a fetched e-mail carrying a prompt injection refused before the model
// reads it (package aigentic/guard). Each demo says what happened, as it
// happened: what a model did not let happen is said plainly, never
// reported as shown.
//
//	go run ./guardrails
//	go run ./guardrails -q "The export button crashes the app since the last update"
//
// It runs on the built-in offline model unless OPENAI_API_KEY (or
// OPENAI_BASE_URL) is set.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// defaultTicket is classified when -q is not given.
const defaultTicket = "I was charged twice for order 1042. It is urgent: please fix it today!"

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
