package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/mcptools"
	"github.com/nexxia-ai/aigentic-examples/mcp/orders"
)

// An agent with the orders MCP server's tools — the server a real
// subprocess over stdio (here this test binary, which serves when
// orders.ServeEnv is set) — and a local tool. The server's answer
// reaches the model delimited as untrusted data; export_orders is
// withheld by the allow-list; closing stops the subprocess.
func Example() {
	exe, _ := os.Executable()
	ts, err := mcptools.Connect(context.Background(), mcptools.Server{
		Name:            "orders",
		Command:         []string{exe},
		Env:             []string{orders.ServeEnv + "=1"},
		Allow:           []string{"get_order", "cancel_order"},
		RequireApproval: []string{"cancel_order"},
		Logger:          slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	st := ts.Status()[0]
	fmt.Println("tools:", strings.Join(st.Tools, ", "), "| withheld:", strings.Join(st.Withheld, ", "))

	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`), aitest.Call("lookup_ticket", `{"ticket_id":"T-881"}`)),
		aitest.Reply("Order ord_1042 has shipped; ticket T-881 is resolved."))
	agent := aigentic.Agent{Model: model, Logger: slog.New(slog.DiscardHandler),
		AgentTools: append(ts.Tools(), lookupTicketTool())}
	run, _ := agent.Start("What is the status of order ord_1042, and is support ticket T-881 resolved?")
	answer, err := run.Wait(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range run.Messages() {
		if m.Role == "tool" {
			fmt.Printf("%s: untrusted data %v, shipped %v\n", m.Name, strings.Contains(m.Content, "<untrusted-data"), strings.Contains(m.Content, `"status":"shipped"`))
		}
	}
	fmt.Println(answer)
	ts.Close()
	fmt.Println("server stopped:", gone(st.PID))
	// Output:
	// tools: orders_cancel_order, orders_get_order | withheld: export_orders, track_shipment
	// orders_get_order: untrusted data true, shipped true
	// lookup_ticket: untrusted data false, shipped false
	// Order ord_1042 has shipped; ticket T-881 is resolved.
	// server stopped: true
}
