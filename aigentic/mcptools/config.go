package mcptools

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Defaults of a Server's zero fields, and the limits every tool list is
// held to.
const (
	// DefaultConnectTimeout bounds starting a server (or reaching it) and
	// its initialize handshake and tool list.
	DefaultConnectTimeout = 30 * time.Second
	// DefaultCallTimeout bounds each tools/call: past it the call is
	// cancelled (notifications/cancelled) and the model reads that the
	// tool did not answer in time.
	DefaultCallTimeout = 60 * time.Second
	// DefaultMaxRestarts restarts within DefaultRestartWindow are allowed,
	// as systemd's StartLimitBurst within StartLimitIntervalSec; past
	// that the server is down (ErrServerDown).
	DefaultMaxRestarts   = 3
	DefaultRestartWindow = time.Minute
	// DefaultMaxResultBytes is the most text of one result the model
	// reads; the rest is cut with a marker.
	DefaultMaxResultBytes = 64 << 10
	// DefaultMaxMessageBytes is the most bytes of one JSON-RPC message
	// read from a server (a line on stdio, a response body or an SSE
	// event over HTTP); a larger one breaks the connection, and the call
	// it answered becomes an error result.
	DefaultMaxMessageBytes = 4 << 20
	// DefaultMaxStderrBytes is how much of a server's standard error is
	// kept: the last bytes, in a ring.
	DefaultMaxStderrBytes = 16 << 10
	// DefaultStopGrace is how long a stopping server has after its
	// standard input closes, and again after SIGTERM, before SIGKILL (the
	// MCP stdio shutdown sequence).
	DefaultStopGrace = 2 * time.Second

	// MaxTools is the most tools a server may list.
	MaxTools = 256
	// MaxSchemaBytes is the largest input schema accepted, in JSON bytes.
	MaxSchemaBytes = 64 << 10
	// MaxSchemaDepth is the deepest nesting of objects and arrays
	// accepted in an input schema.
	MaxSchemaDepth = 32
	// MaxDescriptionBytes is the most of a tool's description the model
	// reads; the rest is cut.
	MaxDescriptionBytes = 2 << 10
)

// Server configures one MCP server: how to reach it (Command for a
// subprocess over stdio, URL for streamable HTTP), which of its tools the
// model may use, and its limits. Zero fields take the defaults above.
type Server struct {
	// Name identifies the server in tool names, logs, errors and spans
	// ("aigentic.mcp.server"): 1-32 letters, digits, _ or -.
	Name string

	// Command is the program and its arguments, run as a subprocess
	// that speaks MCP on its standard input and output. It runs in its
	// own process group, which is killed when the server stops.
	Command []string
	// Env is added to the subprocess's environment, as "KEY=value".
	Env []string
	// InheritEnv passes this process's whole environment to the
	// subprocess. By default it gets only PATH, HOME, USER, LOGNAME,
	// SHELL, LANG, LC_ALL, LC_CTYPE, TZ, TMPDIR and Env: an MCP server
	// has no business with OPENAI_API_KEY or a database password.
	InheritEnv bool
	// Dir is the subprocess's working directory ("" for ours).
	Dir string

	// URL is a streamable HTTP endpoint ("http://localhost:8080/mcp").
	URL string
	// Header is sent with every HTTP request (an Authorization header).
	// The values of credential headers (Authorization, Cookie, X-Api-Key,
	// ...) and the URL's password and credential-named query values are
	// registered for redaction.
	Header http.Header
	// HTTPClient sends the requests; nil uses a client on
	// http.DefaultTransport's settings. Its Timeout must be 0: a call's
	// stream lasts as long as the call.
	HTTPClient *http.Client

	// NoPrefix offers the tools under the server's own names. By
	// default each is Name + "_" + its name, so two servers' tools cannot
	// collide. Either way a name is cut to 64 bytes of letters, digits, _
	// and - (other bytes become _; a cut name ends in a hash).
	NoPrefix bool
	// Allow lists the server's tools (by the server's names) the model
	// may use; nil allows every tool. A name the server does not offer
	// when connecting is an ErrConfig error.
	Allow []string
	// RequireApproval lists the server's tools (by the server's names)
	// that run only when a person approves each call
	// (AgentTool.RequireApproval).
	RequireApproval []string

	// ConnectTimeout bounds each start (or restart) with its handshake
	// and tool list.
	ConnectTimeout time.Duration
	// CallTimeout bounds each tool call.
	CallTimeout time.Duration
	// MaxRestarts is how many restarts are allowed within RestartWindow;
	// negative: never restart (a dead server is down at once).
	MaxRestarts   int
	RestartWindow time.Duration
	// MaxResultBytes, MaxMessageBytes and MaxStderrBytes: see the
	// defaults.
	MaxResultBytes  int
	MaxMessageBytes int
	MaxStderrBytes  int
	// StopGrace: see DefaultStopGrace.
	StopGrace time.Duration

	// Logger receives the package's records about this server (restarts,
	// refresh failures, the SDK's own errors), redacted and capped; nil
	// means slog.Default(). The server's stderr and log notifications
	// are never logged: read them with Toolset.Status.
	Logger *slog.Logger
}

// withDefaults checks s and fills its zero fields.
func (s Server) withDefaults() (Server, error) {
	bad := func(format string, args ...any) (Server, error) {
		return s, fmt.Errorf("%w: server %q: %s", ErrConfig, clipName(s.Name), fmt.Sprintf(format, args...))
	}
	if !validServerName(s.Name) {
		return bad("Name must be 1-32 letters, digits, _ or -")
	}
	switch {
	case len(s.Command) == 0 && s.URL == "":
		return bad("set Command (a subprocess over stdio) or URL (streamable HTTP)")
	case len(s.Command) > 0 && s.URL != "":
		return bad("set Command or URL, not both")
	case len(s.Command) > 0 && s.Command[0] == "":
		return bad("Command[0] is empty")
	}
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("URL must be an http or https URL with a host")
		}
		if s.HTTPClient != nil && s.HTTPClient.Timeout != 0 {
			return bad("HTTPClient.Timeout must be 0 (CallTimeout bounds each call)")
		}
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"ConnectTimeout", &s.ConnectTimeout, DefaultConnectTimeout}, {"CallTimeout", &s.CallTimeout, DefaultCallTimeout},
		{"RestartWindow", &s.RestartWindow, DefaultRestartWindow}, {"StopGrace", &s.StopGrace, DefaultStopGrace}} {
		if *d.v < 0 {
			return bad("%s is negative", d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	for _, n := range []struct {
		name string
		v    *int
		def  int
	}{{"MaxResultBytes", &s.MaxResultBytes, DefaultMaxResultBytes}, {"MaxMessageBytes", &s.MaxMessageBytes, DefaultMaxMessageBytes},
		{"MaxStderrBytes", &s.MaxStderrBytes, DefaultMaxStderrBytes}} {
		if *n.v < 0 {
			return bad("%s is negative", n.name)
		}
		if *n.v == 0 {
			*n.v = n.def
		}
	}
	if s.MaxRestarts == 0 {
		s.MaxRestarts = DefaultMaxRestarts
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	s.Command = slices.Clone(s.Command)
	s.Env = slices.Clone(s.Env)
	s.Allow = slices.Clone(s.Allow)
	s.RequireApproval = slices.Clone(s.RequireApproval)
	return s, nil
}

// validServerName reports whether n is 1-32 letters, digits, _ or -.
func validServerName(n string) bool {
	if n == "" || len(n) > 32 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !nameByte(n[i]) {
			return false
		}
	}
	return true
}

// nameByte reports whether c may appear in a tool name as model APIs
// accept them.
func nameByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// clipName quotes at most 80 bytes of an untrusted name for an error.
func clipName(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
