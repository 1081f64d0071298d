package mcptools

import (
	"context"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// What one MCP tool call costs: a tools/call round trip to a subprocess
// over stdio, or to an in-process server over loopback HTTP, against the
// same tool run in-process; and a whole run (one tool call, one answer)
// with the MCP tool against a local tool.
//
//	go test -run '^$' -bench . -benchmem ./aigentic/mcptools/

func benchToolset(b *testing.B, s Server) *Toolset {
	ts, err := Connect(context.Background(), s)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ts.Close() })
	return ts
}

var orderArgs = map[string]any{"order_id": "ord_1042"}

func benchCall(b *testing.B, ts *Toolset) {
	ctx := context.Background()
	s := ts.servers[0]
	for b.Loop() {
		res, err := s.call(ctx, "get_order", orderArgs)
		if err != nil || res.Error {
			b.Fatal(err, res)
		}
	}
}

func BenchmarkCallStdio(b *testing.B) { benchCall(b, benchToolset(b, stdioServer("basic"))) }

func BenchmarkCallHTTP(b *testing.B) {
	h := newHTTPMCP(b, nil)
	benchCall(b, benchToolset(b, h.server()))
}

// localGetOrder is the orders server's get_order as a local tool.
func localGetOrder() aigentic.AgentTool {
	return aigentic.AgentTool{
		Name:        "orders_get_order",
		InputSchema: map[string]any{"type": "object", "properties": map[string]any{"order_id": map[string]any{"type": "string"}}, "required": []any{"order_id"}},
		Execute: func(_ *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			r := ai.Text(`{"order_id":"ord_1042","status":"shipped","total":"129.90 EUR"}`)
			r.Untrusted = true
			return r, nil
		},
	}
}

func benchRun(b *testing.B, tool aigentic.AgentTool) {
	agent := aigentic.Agent{Logger: quiet(), AgentTools: []aigentic.AgentTool{tool}}
	for b.Loop() {
		agent.Model = aitest.NewScripted(aitest.CallTools(aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`)), aitest.Reply("shipped"))
		if _, err := agent.Execute("Where is ord_1042?"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRunLocalTool(b *testing.B) { benchRun(b, localGetOrder()) }

func BenchmarkRunMCPToolStdio(b *testing.B) {
	for _, t := range benchToolset(b, stdioServer("basic")).Tools() {
		if t.Name == "orders_get_order" {
			benchRun(b, t)
		}
	}
}
