// Command mcp gives an agent the tools of a Model Context Protocol server
// next to a local tool, safely, and shows the failures an MCP server
// brings happening: a slow tool hitting its timeout, a tool error the
// model reads, the server killed in the middle of a call.
//
// The server is our own orders server (package ./orders, also
// ./ordersserver on its own): this program started again as a real
// subprocess speaking MCP over stdio, or over streamable HTTP with -http.
// -server points the agent at any other MCP server instead.
//
//	go run ./mcp                  # the four demos, the server over stdio
//	go run ./mcp -http            # the same over streamable HTTP
//	go run ./mcp -demo 4          # one demo (-list lists them)
//	go run ./mcp -server 'npx -y @modelcontextprotocol/server-everything' -q 'Add 2 and 3'
//
// It runs on the built-in offline model unless OPENAI_API_KEY (or
// OPENAI_BASE_URL) is set.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// defaultQuestion is demo 1's question: an order (the MCP server) and a
// support ticket (the local tool).
const defaultQuestion = "What is the status of order ord_1042, and is support ticket T-881 resolved?"

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
