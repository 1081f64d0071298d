package main

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// TestDemo1DeniedCallIsACall is what the real llama-server's tiny model
// did: its only call was orders_cancel_order, denied approval. That is a
// call of the server's tool which never reached the server — not "the
// model called none of the orders server's tools".
func TestDemo1DeniedCallIsACall(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_cancel_order", `{"order_id":",","reason":""}`)),
		aitest.Reply("The task is complete."))
	out, err := runApp(t, []string{"-demo", "1"}, system{model: model})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Approval needed for orders_cancel_order",
		"– 1 (MCP) not shown: no call of the orders server's tools ran on the server; the model called orders_cancel_order, denied approval.",
		"✓ 1: orders_cancel_order asked for approval and was denied: it never reached the server.",
		"– 1 (local) not shown: the model did not call lookup_ticket.")
	mustNotContain(t, out, "called none", "did not behave")
}

// TestDemo1RefusedCallIsNotARun: a call with arguments the tool's schema
// refuses never reaches the server either; the verdict says so, and does
// not count it as a call that ran (whose answer would then be missing its
// untrusted-data block).
func TestDemo1RefusedCallIsNotARun(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_get_order", `{}`)),
		aitest.Reply("The task is complete."))
	out, err := runApp(t, []string{"-demo", "1"}, system{model: model})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		`– 1 (MCP) not shown: no call of the orders server's tools ran on the server; the model called orders_get_order, refused before the server (invalid arguments for tool "orders_get_order"`)
	mustNotContain(t, out, "called none", "did not behave", "✓ 1: 1 call ran")
}

// TestDemo1CallsThatRanAndOneDenied: calls that ran are counted as
// such, next to a denied one.
func TestDemo1CallsThatRanAndOneDenied(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`), aitest.Call("orders_cancel_order", `{"order_id":"ord_1042","reason":"x"}`)),
		aitest.Reply("Order ord_1042 has shipped."))
	out, err := runApp(t, []string{"-demo", "1"}, system{model: model})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"✓ 1: 1 call ran on the orders server; each answer reached the model inside an untrusted-data block.",
		"✓ 1: orders_cancel_order asked for approval and was denied: it never reached the server.")
	mustNotContain(t, out, "1 (MCP) not shown", "did not behave")
}

// TestArgsTextInNameOrder: the approval line lists the arguments in name
// order, the same on every run (a map's range order is random).
func TestArgsTextInNameOrder(t *testing.T) {
	args := map[string]any{"reason": "x", "order_id": "ord_1042", "a": 1, "z": true}
	for range 20 {
		if got := argsText(args); got != "a=1 order_id=ord_1042 reason=x z=true" {
			t.Fatalf("argsText = %q", got)
		}
	}
}
