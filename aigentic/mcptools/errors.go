package mcptools

import (
	"errors"
	"fmt"
)

// Sentinel errors; match them with errors.Is through the chain.
var (
	// ErrConfig is a Server that cannot be used as configured: no Name,
	// neither or both of Command and URL, a bad URL, a negative limit,
	// an Allow or RequireApproval entry naming a tool the server does not
	// offer.
	ErrConfig = errors.New("mcptools: invalid MCP server configuration")
	// ErrConnect is a server that could not be started, reached or
	// initialized within its ConnectTimeout.
	ErrConnect = errors.New("mcptools: cannot connect to the MCP server")
	// ErrToolList is a tool list that cannot be offered to a model; the
	// *ToolListError says which tool and why (ErrSchema,
	// ErrDuplicateTool, ErrToolName or ErrTooManyTools).
	ErrToolList = errors.New("mcptools: unusable MCP tool list")
	// ErrSchema is a tool whose input schema is not an object schema,
	// is too large or too deeply nested, refers outside itself, or does
	// not compile with the runtime's validator (aigentic/schema).
	ErrSchema = errors.New("mcptools: unusable tool input schema")
	// ErrDuplicateTool is two tools with one name: twice in one server's
	// list, or two servers' tools that are one name once prefixed.
	ErrDuplicateTool = errors.New("mcptools: duplicate tool name")
	// ErrToolName is a tool with an empty name.
	ErrToolName = errors.New("mcptools: invalid tool name")
	// ErrTooManyTools is a server listing more than MaxTools tools.
	ErrTooManyTools = errors.New("mcptools: too many tools")
	// ErrTransport is a call that failed in transport: the connection
	// broke, the server died, a message could not be sent or read. The
	// call's error is also marked ai.Transient, so the run retries it
	// within Agent.Retries; the next call restarts the server.
	ErrTransport = errors.New("mcptools: MCP transport failure")
	// ErrServerDown is a server restarted MaxRestarts times within
	// RestartWindow: it is not restarted again until the window has room.
	// The error is permanent: the run stops with a *aigentic.ToolError.
	ErrServerDown = errors.New("mcptools: MCP server is down")
	// ErrClosed is a call on a closed Toolset.
	ErrClosed = errors.New("mcptools: toolset closed")
)

// ServerError is a failure of a server, or of a call on it, that the
// model does not see: Server is the configured name, Tool the server's
// name of the tool ("" when not in a call). Err wraps ErrConnect,
// ErrTransport, ErrServerDown, ErrClosed, ErrConfig or ErrToolList. Its text
// may end with the last line the server wrote on its standard error
// (redacted, at most 256 bytes).
type ServerError struct {
	Server string
	Tool   string
	Err    error
	// Stderr is the end of the server's standard error when the error
	// happened, redacted and cut ("" for none or an HTTP server).
	Stderr string
}

// Error implements error.
func (e *ServerError) Error() string {
	s := "MCP server " + fmt.Sprintf("%q", e.Server)
	if e.Tool != "" {
		s += fmt.Sprintf(", tool %q", e.Tool)
	}
	s += ": " + e.Err.Error()
	if e.Stderr != "" {
		s += fmt.Sprintf(" (its stderr ends: %q)", e.Stderr)
	}
	return s
}

// Unwrap returns the underlying error.
func (e *ServerError) Unwrap() error { return e.Err }

// ToolListError is a tool of a server's list that cannot be offered to a
// model. Tool is the server's name for it (quoted, cut to 80 bytes when
// absurd); Err wraps ErrSchema, ErrDuplicateTool, ErrToolName or
// ErrTooManyTools. It matches ErrToolList too.
type ToolListError struct {
	Server string
	Tool   string
	Err    error
}

// Error implements error.
func (e *ToolListError) Error() string {
	if e.Tool == "" {
		return fmt.Sprintf("MCP server %q: %v", e.Server, e.Err)
	}
	return fmt.Sprintf("MCP server %q, tool %q: %v", e.Server, e.Tool, e.Err)
}

// Unwrap returns the underlying error.
func (e *ToolListError) Unwrap() error { return e.Err }

// Is reports whether target is ErrToolList.
func (e *ToolListError) Is(target error) bool { return target == ErrToolList }
