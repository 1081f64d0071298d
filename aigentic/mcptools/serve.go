package mcptools

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// MaxAgentInputBytes bounds the input of an agent served by AddAgent.
const MaxAgentInputBytes = 64 << 10

// AgentInput is the input of an agent served as an MCP tool.
type AgentInput struct {
	Input string `json:"input" jsonschema:"what to ask the agent, in plain language"`
}

// AddAgent offers agent on srv as the MCP tool name, taking {"input":
// text} (at most MaxAgentInputBytes): each call runs the agent
// (ExecuteContext, with the call's context, so a client's cancellation
// stops the run) and answers with its final text. A failed run is an
// isError result with its (redacted) error; the run's other errors stay
// with the agent's logger. The other direction of this package: another
// MCP host can call an agent of ours.
func AddAgent(srv *mcp.Server, name, description string, agent aigentic.Agent) {
	in := map[string]any{"type": "object", "required": []any{"input"}, "additionalProperties": false,
		"properties": map[string]any{"input": map[string]any{"type": "string", "minLength": 1, "maxLength": MaxAgentInputBytes,
			"description": "what to ask the agent, in plain language"}}}
	mcp.AddTool(srv, &mcp.Tool{Name: name, Description: description, InputSchema: in},
		func(ctx context.Context, _ *mcp.CallToolRequest, a AgentInput) (*mcp.CallToolResult, any, error) {
			answer, err := agent.ExecuteContext(ctx, a.Input)
			if err != nil {
				return nil, nil, fmt.Errorf("the agent failed: %s", secret.Redact(err.Error()))
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: answer}}}, nil, nil
		})
}
