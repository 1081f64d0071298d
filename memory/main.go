// Command memory shows an agent with a long-term memory: save_memory,
// get_memory and clear_memory tools (package memstore) over a file store
// that survives restarts.
//
//	go run ./memory                                              # save, then recall, in one session
//	go run ./memory -q "Remember that my favourite colour is blue"
//	go run ./memory -q "What is my favourite colour?"            # a new process remembers
//
// It runs on the built-in offline model unless OPENAI_API_KEY (or
// OPENAI_BASE_URL) is set.
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
