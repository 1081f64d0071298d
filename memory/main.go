// Command memory shows an agent with a long-term memory: save_memory,
// get_memory and clear_memory tools (package memstore) over a file store
// that survives restarts.
//
//	go run ./memory                                              # save, then recall, in one session
//	go run ./memory -q 'Save to memory that my "favourite colour" is "blue".'
//	go run ./memory -q 'Look up my "favourite colour" in memory.'   # a new process remembers
//
// It runs on the built-in offline model unless OPENAI_API_KEY (or
// OPENAI_BASE_URL) is set.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// The demo's two questions. A first run (nothing remembered yet) asks
// both; a later run asks only DemoRecall, answered from what the first
// run saved.
const (
	DemoSave   = `Save to memory that my "favourite colour" is "blue".`
	DemoRecall = `Look up my "favourite colour" in memory.`
)

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
