// Command ordersserver is the mcp example's orders MCP server on its own:
// point any MCP host at it.
//
//	go run ./mcp/ordersserver                       # stdio
//	go run ./mcp/ordersserver -http 127.0.0.1:8080  # streamable HTTP at http://127.0.0.1:8080/mcp
//
// -slow tool=duration, -busy tool=n and -hold-once tool=file arrange the
// failures the example shows (see package orders).
package main

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/mcp/orders"
)

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // exit status 2 for a bad flag
	}
}

// run serves on the process's standard input and output.
func run(ctx context.Context, args []string, out io.Writer) error {
	err := orders.Main(ctx, args, os.Stdin, out, os.Stderr)
	if errors.Is(err, orders.ErrUsage) {
		return cli.Usage(err)
	}
	return err
}
