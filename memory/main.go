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
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(exitCode(err)) // 2 for usage/config errors, 1 otherwise
	}
}

// usageError is a bad flag or environment variable: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
