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

func main() {
	ctx, stop := cli.SignalContext()
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		cli.Exit(err)
	}
}
