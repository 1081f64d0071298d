// Command failover shows an agent that keeps answering through an outage of
// its model: the model is a failover list (aigentic/failover) — a primary
// and a fallback, each behind a circuit breaker. The primary fails with
// HTTP 503s (injected by aitest.Faulty in front of whatever model runs the
// example), the fallback answers, the primary's breaker opens and the
// primary is skipped at once; later the breaker half-opens, a probe reaches
// the primary, which answers again, and the breaker closes.
//
//	go run ./failover
//	go run ./failover -failures 3 -open-timeout 5s
//
// It runs on the built-in offline model unless OPENAI_API_KEY (or
// OPENAI_BASE_URL) is set: the primary and the fallback are then that
// model, the primary behind the fault injector.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// defaultQuestion is asked when -q is not given.
const defaultQuestion = "In one sentence: why does a service need a fallback?"

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
