package mcptools_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/mcptools"
)

// An MCP server's tools in an agent: the server is a subprocess over
// stdio (here this test binary, run as a test server built with the
// SDK), its tools prefixed and allow-listed, its answers untrusted, a
// slow call cut at CallTimeout, and a server dying in every call
// reported (after a restart per retry) rather than hanging the run.
func ExampleConnect() {
	ts, err := mcptools.Connect(context.Background(), mcptools.Server{
		Name:        "orders",
		Command:     []string{os.Args[0]},
		Env:         []string{"MCPTOOLS_TEST_SERVER=basic"},
		Allow:       []string{"get_order", "slow", "crash"},
		CallTimeout: 2 * time.Second, // the slow call ends here; the others answer well within it, even under load
		Logger:      slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ts.Close()
	for _, t := range ts.Tools() {
		fmt.Println(t.Name, "on", t.Meta["aigentic.mcp.server"])
	}

	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`)),
		aitest.CallTools(aitest.Call("orders_slow", `{"ms":60000}`)),
		aitest.CallTools(aitest.Call("orders_crash", `{}`)),
		aitest.Reply("done"))
	agent := aigentic.Agent{Model: model, AgentTools: ts.Tools(), Retries: 1, Logger: slog.New(slog.DiscardHandler),
		RetryPolicy: &aigentic.RetryPolicy{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}}
	run, _ := agent.Start("go")
	_, err = run.Wait(0)
	for _, m := range run.Messages() {
		if m.Role == "tool" {
			fmt.Printf("%s: error %v, untrusted %v\n", m.Name, m.IsError, strings.Contains(m.Content, "<untrusted-data"))
		}
	}
	var te *aigentic.ToolError
	if !errors.As(err, &te) {
		fmt.Println("the run did not end with the crash's *ToolError:", err)
		return
	}
	fmt.Println(true, te.Attempts, errors.Is(err, mcptools.ErrTransport), ts.Status()[0].Restarts)
	// Output:
	// orders_crash on orders
	// orders_get_order on orders
	// orders_slow on orders
	// orders_get_order: error false, untrusted true
	// orders_slow: error true, untrusted false
	// true 2 true 1
}
