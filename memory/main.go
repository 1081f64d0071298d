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
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(cli.ExitCode(err)) // 2 for usage/config errors, 1 otherwise
	}
}
