// Package mcptools gives an agent the tools of Model Context Protocol
// servers, on the official Go SDK (github.com/modelcontextprotocol/go-sdk):
// a server run as a subprocess over stdio, or reached over streamable
// HTTP. Each tool the server lists becomes an aigentic.AgentTool with the
// server's input schema, validated by the runtime's validator like any
// tool's.
//
//	ts, err := mcptools.Connect(session.Context, mcptools.Server{
//		Name:            "orders",
//		Command:         []string{"orders-server"},
//		Allow:           []string{"get_order", "cancel_order"},
//		RequireApproval: []string{"cancel_order"},
//		CallTimeout:     10 * time.Second,
//	})
//	if err != nil { ... }          // *ServerError, *ToolListError: which server, which tool, why
//	defer ts.Close()
//	agent.AgentTools = append(localTools, ts.Tools()...)  // orders_get_order, orders_cancel_order
//	agent.Retries = 2                                       // a dead server is restarted on retry
//
// # What a call does
//
// The model sees an MCP tool as Name_tool ("orders_get_order"): prefixed
// so two servers cannot collide, made a valid tool name (letters, digits,
// _ and -, at most 64 bytes), described by the server (cut to
// MaxDescriptionBytes). Its arguments are checked against the server's
// schema before anything is sent. Then:
//
//   - the answer is a result marked ai.ToolResult.Untrusted (the runtime
//     delimits it for the model: a server's text is data, not
//     instructions); isError is an error result the model reads;
//   - past CallTimeout the call is cancelled (notifications/cancelled) and
//     the model reads that the tool did not answer: a slow server does not
//     hold a run, and one that ignores cancellation costs nothing more;
//   - an answer larger than MaxMessageBytes breaks the connection at that
//     size (the model reads that it was dropped; the server is restarted
//     on the next call); one larger than MaxResultBytes is cut with
//     CutMarker;
//   - a transport failure (the server died, the connection broke, garbage
//     on its output) is a *ServerError wrapping ErrTransport and marked
//     ai.Transient: the run retries it within Agent.Retries, and the retry
//     restarts the server. At most MaxRestarts restarts within
//     RestartWindow (systemd's StartLimitBurst and StartLimitIntervalSec);
//     past that the server is down (ErrServerDown, permanent: the run
//     stops with a *aigentic.ToolError). A server is restarted when a call
//     needs it, never in a loop of its own.
//
// # Safety
//
//   - Allow lists the tools a model may use; RequireApproval the ones a
//     person must approve call by call. Neither may name a tool the server
//     does not offer (ErrConfig at Connect: a typo is not silently open).
//   - A tool list is refused whole (*ToolListError) for a duplicate name,
//     more than MaxTools tools, or a schema that is not an object schema,
//     is over MaxSchemaBytes or MaxSchemaDepth, refers outside itself
//     ($ref to a file or URL, $id, an unknown $schema: compiling it must
//     not read a file or fetch a URL), or does not compile. Allow leaves
//     out what you do not need, bad tools included.
//   - A subprocess gets a minimal environment (no API keys) unless
//     InheritEnv, runs in its own process group, and is stopped as the MCP
//     spec says — its input closed, then SIGTERM, then SIGKILL, StopGrace
//     apart — group and all, whenever its connection ends: Close, the end
//     of Connect's context, or a broken connection. Each write to it is
//     bounded, so a server that stops reading cannot hang a call.
//   - Its stderr, and the log notifications it sends, go to a ring of
//     MaxStderrBytes, never to our logs: Status shows it redacted; an
//     error quotes its last line (256 bytes, redacted).
//   - Arguments and results are the runtime's to log, trace and put on
//     spans, and it redacts them as any tool's; a server's HTTP Header
//     values are registered for redaction.
//   - Sampling and elicitation are not offered to servers.
//
// # Observability
//
// Each call is the runtime's execute_tool span and aigentic.tool.calls
// count. The tool's Meta names the server in OpenTelemetry's MCP
// semantic conventions (mcp.method.name "tools/call", network.transport
// "pipe" or "tcp", network.protocol.name, server.address, server.port)
// and aigentic.mcp.server (the configured Name) and aigentic.mcp.tool (the
// server's name of the tool); the call adds mcp.session.id (HTTP) and,
// when it restarted the server, an aigentic.mcp.restart event.
//
// # The other direction
//
// AddAgent offers an agent on an MCP server of yours (built with the
// SDK) as one tool: another MCP host can then call it.
//
// # Tool list changes
//
// When a server sends notifications/tools/list_changed the list is read
// again in the background (kept as it was if the new one cannot be
// offered) and Changed() fires. A run keeps the tools it started with:
// build the next agent from Tools() to use the new list.
package mcptools
