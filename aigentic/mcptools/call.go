package mcptools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// agentTool is d as an agent tool calling s.
func (s *server) agentTool(d toolDef) aigentic.AgentTool {
	meta := maps.Clone(s.meta)
	meta["aigentic.mcp.tool"] = d.name
	name := d.name
	return aigentic.AgentTool{
		Name:            d.exposed,
		Description:     d.description,
		InputSchema:     d.schema,
		RequireApproval: d.approval,
		Meta:            meta,
		Execute: func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			return s.call(run.Context(), name, args)
		},
	}
}

// call runs the server's tool name with args, within CallTimeout:
//
//   - the server's answer is a result marked Untrusted (Error when it set
//     isError), cut to MaxResultBytes;
//   - no answer within CallTimeout, an answer over MaxMessageBytes, a
//     JSON-RPC error from the server, a tool it no longer offers: an error
//     result the model reads;
//   - a transport failure (the connection broke, the server died): a
//     *ServerError wrapping ErrTransport, marked ai.Transient, so the run
//     retries it within Agent.Retries; the next call restarts the server;
//   - a server down (ErrServerDown) or a closed toolset (ErrClosed): a
//     permanent *ServerError that stops the run;
//   - the run's context ending: its error.
func (s *server) call(ctx context.Context, name string, args map[string]any) (*ai.ToolResult, error) {
	span := trace.SpanFromContext(ctx)
	if _, ok := s.def(name); !ok {
		return ai.ErrorText(fmt.Sprintf("MCP server %q no longer offers the tool %q; use another tool or answer without it", s.cfg.Name, name)), nil
	}
	c, restarted, err := s.get(ctx, name)
	if restarted && span.IsRecording() {
		span.AddEvent("aigentic.mcp.restart", trace.WithAttributes(attribute.Bool("aigentic.mcp.restart.ok", err == nil)))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrConnect) {
			// A restart that failed may succeed on the next attempt.
			return nil, ai.Transient(err)
		}
		return nil, err
	}
	if id := c.cs.ID(); id != "" && span.IsRecording() {
		span.SetAttributes(attribute.String("mcp.session.id", id))
	}
	callCtx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	res, err := c.cs.CallTool(callCtx, &mcp.CallToolParams{Name: name, Arguments: args})
	timedOut := callCtx.Err() != nil
	cancel()
	var wire *jsonrpc.Error
	switch {
	case err == nil:
		return toResult(res, s.cfg.MaxResultBytes), nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case s.ts.isClosed():
		return nil, s.fail(name, ErrClosed)
	case c.cut():
		s.broken(c, fmt.Errorf("%w: %w", ErrTransport, errMessageTooLarge))
		return ai.ErrorText(fmt.Sprintf("the answer of the %s tool (MCP server %q) exceeded %d bytes and was dropped; ask for less, or answer without it", name, s.cfg.Name, s.cfg.MaxMessageBytes)), nil
	case timedOut:
		c.timeouts.Add(1)
		if c.midMessage() {
			// Half a message is waiting on the pipe: the connection
			// cannot carry another one.
			s.broken(c, fmt.Errorf("%w: a call timed out in the middle of the server's answer", ErrTransport))
		}
		return ai.ErrorText(fmt.Sprintf("the %s tool (MCP server %q) did not answer within %s; the call was cancelled. Try again later, or answer without it", name, s.cfg.Name, s.cfg.CallTimeout)), nil
	case errors.As(err, &wire) && wire.Code == codeRejected:
		// The request did not get through. An HTTP status (429,
		// 502-504) leaves the session good; a network failure (refused,
		// reset, EOF) may mean a restarted server that lost it, so the
		// next call reconnects.
		var netErr *url.Error
		if errors.As(err, &netErr) {
			s.broken(c, err)
		} else {
			s.mu.Lock()
			s.lastErr = err
			s.mu.Unlock()
		}
		return nil, ai.Transient(s.fail(name, fmt.Errorf("%w: %w", ErrTransport, err)))
	case errors.As(err, &wire):
		if wire.Code == jsonrpc.CodeMethodNotFound || wire.Code == jsonrpc.CodeInvalidParams {
			s.refreshSoon() // perhaps the tool changed
		}
		r := ai.ErrorText(fmt.Sprintf("MCP server %q refused the call (JSON-RPC error %d): %s", s.cfg.Name, wire.Code, clipText(wire.Message, 1024)))
		r.Untrusted = true
		return r, nil
	}
	if c.proc != nil && errors.Is(err, io.EOF) {
		// The server closed its output: it is exiting. Its last words
		// on stderr are the best clue; they are in once it is reaped.
		c.proc.waitFor(s.cfg.StopGrace)
	}
	s.broken(c, err)
	return nil, ai.Transient(s.fail(name, fmt.Errorf("%w: %w", ErrTransport, err)))
}

// codeRejected is the SDK's JSON-RPC code for a request its transport
// could not deliver (jsonrpc2.ErrRejected: over HTTP, a refused
// connection or a 429, 502, 503 or 504), which leaves the connection up.
const codeRejected = -32005

// clipText cuts s to n bytes on a UTF-8 boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
