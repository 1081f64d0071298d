// Command production runs seven production patterns of aigentic, each made
// to happen whatever the model chooses and shown with the evidence the run
// left: error handling, traces, the MaxLLMCalls limit, retries, log
// levels, cancellation and run control (a stop that never waits on a
// stuck tool, tool timeouts, parallel tool calls), and all of them
// together in one production setup.
//
// It runs on the built-in offline model by default, and on OpenAI (or any
// OpenAI-compatible server) when OPENAI_API_KEY or OPENAI_BASE_URL is set.
// Each demo arranges its own misbehaviour (a tool that always fails, a
// model wrapper that loops or returns 503s, a tool that is always slow or
// hangs without looking at its context),
// so it does not depend on the model's choices; where a model can still
// avoid a pattern — by answering without calling any tool — the output
// says so plainly.
//
//	go run ./production            # all seven demos
//	go run ./production -list      # list them
//	go run ./production -demo 4    # run one
//	ENV=dev go run ./production    # with the runtime's debug log
//
// The HTTP service, tenants, background jobs and metrics that grow from
// these patterns are the service example (../service).
package main

import (
	"context"
	"io"
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}

// run loads a .env file when present, then runs the demos on the
// process's environment.
func run(ctx context.Context, args []string, out io.Writer) error {
	return cli.WithDotEnv(func() error { return runWith(ctx, args, out, system{getenv: os.Getenv}) })
}
