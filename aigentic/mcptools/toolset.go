package mcptools

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// Toolset is the tools of one or more MCP servers, connected: give
// Tools() to an agent, and Close it (or let Connect's context end) when
// done. It is safe for concurrent use by many runs.
type Toolset struct {
	servers []*server
	// life is cancelled by Close: restarts and refreshes use it.
	life   context.Context
	cancel context.CancelFunc
	stop   func() bool // stops the AfterFunc that closes on ctx's end

	mu      sync.Mutex
	closed  bool
	wg      sync.WaitGroup
	changed chan struct{}
	// listMu serialises accepting a server's new tool list, so that no
	// two servers' tools ever share a name.
	listMu sync.Mutex

	closeOnce sync.Once
	closeDone chan struct{}
}

// ServerStatus is a server's state (Toolset.Status).
type ServerStatus struct {
	// Name is the configured name; Transport "stdio" or "http".
	Name, Transport string
	// Connected is true while a session is live; PID is the subprocess's
	// (stdio), SessionID the Mcp-Session-Id (HTTP), ProtocolVersion the
	// MCP version agreed.
	Connected       bool
	PID             int
	SessionID       string
	ProtocolVersion string
	// Restarts counts the restarts since Connect; Down is true when the
	// last restart was refused (ErrServerDown).
	Restarts int
	Down     bool
	// Tools are the names offered to models; Withheld the server's
	// names of the tools it listed that Allow leaves out.
	Tools    []string
	Withheld []string
	// Stderr is the end of the server's standard error and log
	// notifications (at most MaxStderrBytes, from a whole line, redacted);
	// StderrBytes how many bytes it wrote in all.
	Stderr      string
	StderrBytes int64
	// LastError is the last failure of the server ("" for none).
	LastError string
}

// Connect starts (or reaches) each server, initializes an MCP session
// with it and reads its tool list, each within its ConnectTimeout, all
// at once. Any server that fails fails Connect (nothing is left
// running): a bad configuration (ErrConfig), a server that cannot be
// started or reached (ErrConnect), a tool that cannot be offered
// (*ToolListError: a schema the validator cannot compile, duplicate
// names, ...).
//
// ctx is the toolset's life, as exec.CommandContext's is a process's:
// when it ends the toolset closes. Pass a Session's Context to close it
// with the session, or context.Background() and call Close.
func Connect(ctx context.Context, servers ...Server) (*Toolset, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrConfig)
	}
	if len(servers) == 0 {
		return nil, fmt.Errorf("%w: no servers", ErrConfig)
	}
	cfgs := make([]Server, len(servers))
	for i, s := range servers {
		c, err := s.withDefaults()
		if err != nil {
			return nil, err
		}
		for _, prev := range cfgs[:i] {
			if prev.Name == c.Name {
				return nil, fmt.Errorf("%w: two servers named %q", ErrConfig, c.Name)
			}
		}
		cfgs[i] = c
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ts := &Toolset{changed: make(chan struct{}), closeDone: make(chan struct{})}
	ts.life, ts.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, c := range cfgs {
		ts.servers = append(ts.servers, newServer(ts, c))
	}
	errs := make([]error, len(ts.servers))
	var wg sync.WaitGroup
	for i, s := range ts.servers {
		wg.Go(func() { errs[i] = s.start(ctx) })
	}
	wg.Wait()
	err := errors.Join(errs...)
	if err == nil {
		err = ts.checkNames()
	}
	if err != nil {
		ts.Close()
		return nil, err
	}
	ts.stop = context.AfterFunc(ctx, func() { ts.Close() })
	return ts, nil
}

// checkNames fails when two servers' tools share a name, or an Allow or
// RequireApproval entry names a tool its server does not offer.
func (ts *Toolset) checkNames() error {
	owner := map[string]string{}
	for _, s := range ts.servers {
		offered := map[string]bool{}
		for _, d := range s.tools {
			offered[d.name] = true
			if o, ok := owner[d.exposed]; ok {
				return &ToolListError{Server: s.cfg.Name, Tool: d.name, Err: fmt.Errorf("%w: %q is also a tool of server %q", ErrDuplicateTool, d.exposed, o)}
			}
			owner[d.exposed] = s.cfg.Name
		}
		for _, list := range []struct {
			field string
			names []string
		}{{"Allow", s.cfg.Allow}, {"RequireApproval", s.cfg.RequireApproval}} {
			for _, n := range list.names {
				if !offered[n] {
					return fmt.Errorf("%w: server %q: %s names %q, which it does not offer%s", ErrConfig, s.cfg.Name, list.field, clipName(n), allowedNote(s, list.field))
				}
			}
		}
	}
	return nil
}

func allowedNote(s *server, field string) string {
	if field == "RequireApproval" && s.cfg.Allow != nil {
		return " (or Allow leaves out)"
	}
	return ""
}

// acceptTools makes defs s's tool list unless one of them shares a name
// with another server's tool; it signals Changed when the list changed.
func (ts *Toolset) acceptTools(s *server, defs []toolDef) error {
	ts.listMu.Lock()
	defer ts.listMu.Unlock()
	for _, o := range ts.servers {
		if o == s {
			continue
		}
		o.mu.Lock()
		for _, od := range o.tools {
			for _, d := range defs {
				if d.exposed == od.exposed {
					o.mu.Unlock()
					return &ToolListError{Server: s.cfg.Name, Tool: d.name, Err: fmt.Errorf("%w: %q is also a tool of server %q", ErrDuplicateTool, d.exposed, o.cfg.Name)}
				}
			}
		}
		o.mu.Unlock()
	}
	s.mu.Lock()
	same := slices.EqualFunc(s.tools, defs, sameDef)
	s.tools = defs
	s.mu.Unlock()
	if !same {
		ts.mu.Lock()
		close(ts.changed)
		ts.changed = make(chan struct{})
		ts.mu.Unlock()
	}
	return nil
}

func sameDef(a, b toolDef) bool {
	return a.name == b.name && a.exposed == b.exposed && a.description == b.description && a.approval == b.approval && reflect.DeepEqual(a.schema, b.schema)
}

// Tools returns the servers' tools as agent tools, in server order, as
// the servers last listed them: an agent built after a server said its
// list changed (tools/list_changed) gets the new list. A run keeps the
// tools it started with; a call to a tool the server no longer offers is
// an error result the model reads.
//
// Each tool validates its arguments against the server's input schema
// (the runtime does), runs with the server's CallTimeout, and returns
// the server's answer marked Untrusted (the runtime delimits it for the
// model). Its Meta names the server for the execute_tool span:
// aigentic.mcp.server, aigentic.mcp.tool (the server's name of the tool),
// mcp.method.name, network.transport, and over HTTP
// network.protocol.name, server.address and server.port. A call also
// sets mcp.session.id on the span (HTTP) and adds an aigentic.mcp.restart
// event when it restarted the server.
func (ts *Toolset) Tools() []aigentic.AgentTool {
	var out []aigentic.AgentTool
	for _, s := range ts.servers {
		s.mu.Lock()
		defs := s.tools
		s.mu.Unlock()
		for _, d := range defs {
			out = append(out, s.agentTool(d))
		}
	}
	return out
}

// Changed returns a channel closed when a server's tool list next
// changes: build agents again from Tools() then.
func (ts *Toolset) Changed() <-chan struct{} {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.changed
}

// Status reports each server's state, in server order.
func (ts *Toolset) Status() []ServerStatus {
	out := make([]ServerStatus, len(ts.servers))
	for i, s := range ts.servers {
		out[i] = s.status()
	}
	return out
}

// Close ends every session and stops every subprocess (closing its
// input, then SIGTERM and SIGKILL to its process group after StopGrace
// each), waits for all of it and for the toolset's goroutines, and
// returns nil. Calls under way fail with ErrClosed. Close is idempotent
// and safe to call concurrently; every call returns when the first is
// done.
func (ts *Toolset) Close() error {
	ts.closeOnce.Do(func() {
		ts.mu.Lock()
		ts.closed = true
		ts.mu.Unlock()
		if ts.stop != nil {
			ts.stop()
		}
		ts.cancel()
		var wg sync.WaitGroup
		for _, s := range ts.servers {
			s.mu.Lock()
			c := s.cur
			s.cur = nil
			s.mu.Unlock()
			if c != nil {
				wg.Go(c.close)
			}
		}
		wg.Wait()
		ts.wg.Wait()
		close(ts.closeDone)
	})
	<-ts.closeDone
	return nil
}

// track runs f in a goroutine Close waits for; false (and f not run)
// once the toolset is closing.
func (ts *Toolset) track(f func()) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.closed {
		return false
	}
	ts.wg.Go(f)
	return true
}

// closeConn closes c in the background, or at once when the toolset is
// closing (nothing may outlive Close).
func (ts *Toolset) closeConn(c *conn) {
	if c == nil {
		return
	}
	if !ts.track(c.close) {
		c.close()
	}
}

func (ts *Toolset) isClosed() bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.closed
}
