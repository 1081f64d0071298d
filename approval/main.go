// Command approval shows human-in-the-loop tool approval: an agent may send
// e-mail only after a person says yes. The send_email tool is marked
// RequireApproval, so the run stops at each call, emits an *ApprovalEvent
// (tool, arguments, a validation message) on run.Next() and waits for
// run.Approve. A denial, or no answer within -timeout, reaches the model as
// a tool error and nothing is sent; cancelling the session ends the run.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// defaultQuestion is asked when -q is not given.
const defaultQuestion = `Send an email to alice@example.com with subject "Quarterly report" saying "The Q3 report is ready for review."`

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
