package mcptools

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// An agent served as an MCP tool: a client's call runs it and reads its
// answer; a failed run is an isError result, redacted; bad input is
// refused by the schema before the agent runs.
func TestAddAgent(t *testing.T) {
	const key = "sk-served-agent-7f3e1c9a2b"
	secret.Register(key)
	model := aitest.NewScripted(aitest.Reply("ord_1042 has shipped."), aitest.Fail(errors.New("upstream said "+key)))
	srv := mcp.NewServer(&mcp.Implementation{Name: "agents"}, nil)
	AddAgent(srv, "support", "Ask the support agent about an order.", aigentic.Agent{Model: model, Logger: quiet()})

	ct, st := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "host"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cs.Close(); ss.Wait() }()
	text := func(res *mcp.CallToolResult) string {
		var b strings.Builder
		for _, c := range res.Content {
			if tc, ok := c.(*mcp.TextContent); ok {
				b.WriteString(tc.Text)
			}
		}
		return b.String()
	}
	res, err := cs.CallTool(testCtx(t), &mcp.CallToolParams{Name: "support", Arguments: map[string]any{"input": "Where is ord_1042?"}})
	if err != nil || res.IsError || text(res) != "ord_1042 has shipped." {
		t.Fatalf("call: %v %+v", err, res)
	}
	res, err = cs.CallTool(testCtx(t), &mcp.CallToolParams{Name: "support", Arguments: map[string]any{"input": "again"}})
	if err != nil || !res.IsError || !strings.Contains(text(res), "the agent failed") || strings.Contains(text(res), key) {
		t.Fatalf("failed run: %v %q", err, text(res))
	}
	calls := model.Calls()
	res, err = cs.CallTool(testCtx(t), &mcp.CallToolParams{Name: "support", Arguments: map[string]any{"input": ""}})
	if err == nil && !res.IsError || model.Calls() != calls {
		t.Errorf("empty input: %v %+v; want it refused before the agent runs", err, res)
	}
}
