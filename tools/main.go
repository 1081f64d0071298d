// Command tools shows production-ready tools for an aigentic agent: a
// hardened calculator built with aigentic.NewTool from a typed input, and a
// current-time tool built by hand as an AgentTool with a JSON schema.
//
//	go run ./tools
//	go run ./tools -q "What is 2 ^ 10 / 8?"
//	go run ./tools -stream      # the answer printed as it arrives
//
// It runs on the built-in offline model unless OPENAI_API_KEY (or
// OPENAI_BASE_URL) is set.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// DefaultQuestion is asked when -q is not given. It writes the
// arithmetic with symbols and the place as an IANA zone name: the forms
// the tools' schemas ask for, which the offline model can take as they
// are (a real model would also understand "15 multiplied by 23" and "New
// York").
const DefaultQuestion = "What is 15 * 23 + 100? Also, what time is it in America/New_York?"

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
