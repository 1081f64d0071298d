package mcptools

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// server is one configured server: its current connection, its tool
// list and its restart history.
type server struct {
	cfg    Server
	ts     *Toolset
	client *mcp.Client
	stderr *tail
	logger *slog.Logger
	// meta is what every tool of the server says about where it runs
	// (AgentTool.Meta), less the tool's own name.
	meta map[string]string
	now  func() time.Time

	mu  sync.Mutex
	cur *conn
	// dialing is closed when the restart under way ends; nil when none.
	dialing chan struct{}
	dialErr error
	tools   []toolDef
	// restarts holds the times of the restarts within RestartWindow.
	restarts []time.Time
	total    int // restarts ever
	lastErr  error
	// refreshing: a tool list refresh is under way; again: another was
	// asked for meanwhile.
	refreshing, again bool
	// down: the last restart was refused (ErrServerDown).
	down bool
	// withheld are the tools of the server's last list that Allow left
	// out.
	withheld []string
}

func newServer(ts *Toolset, cfg Server) *server {
	s := &server{cfg: cfg, ts: ts, stderr: newTail(cfg.MaxStderrBytes), now: time.Now}
	s.logger = slog.New(secret.NewLogHandler(cfg.Logger.Handler())).With("mcp_server", cfg.Name)
	s.meta = map[string]string{"aigentic.mcp.server": cfg.Name, "mcp.method.name": "tools/call"}
	if cfg.URL != "" {
		registerCredentials(cfg.URL, cfg.Header)
		s.meta["network.transport"] = "tcp"
		s.meta["network.protocol.name"] = "http"
		host, port := hostPort(cfg.URL)
		s.meta["server.address"], s.meta["server.port"] = host, port
	} else {
		s.meta["network.transport"] = "pipe"
	}
	s.client = mcp.NewClient(&mcp.Implementation{Name: "aigentic-mcptools", Version: "1"}, &mcp.ClientOptions{
		Logger: slog.New(atLeast{secret.NewLogHandler(cfg.Logger.Handler()), slog.LevelWarn}).With("mcp_server", cfg.Name, "component", "mcp-sdk"),
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			s.refreshSoon()
		},
		//lint:ignore SA1019 servers of protocol versions before 2026-07-28 still send log notifications: they join the stderr ring rather than vanish
		LoggingMessageHandler: func(_ context.Context, req *mcp.LoggingMessageRequest) {
			// The server's log notifications join its stderr: kept,
			// bounded, never logged as ours.
			if req.Params != nil {
				fmt.Fprintf(s.stderr, "[notifications/message %s] %s\n", req.Params.Level, clipJSON(req.Params.Data))
			}
		},
	})
	return s
}

// dial starts (or reaches) the server, initializes a session and lists
// its tools, within ConnectTimeout and ctx.
func (s *server) dial(parent context.Context) (*conn, []toolDef, error) {
	ctx, cancel := context.WithTimeout(parent, s.cfg.ConnectTimeout)
	defer cancel()
	c := &conn{dead: make(chan struct{}), tooLarge: new(atomic.Bool), grace: s.cfg.StopGrace, cancelled: make(chan struct{}, 1)}
	var t mcp.Transport
	if s.cfg.URL != "" {
		t = httpTransport(&s.cfg, c.tooLarge, c.cancelSent)
	} else {
		p, err := startProc(&s.cfg, s.stderr, c.cancelSent)
		if err != nil {
			return nil, nil, s.fail("", fmt.Errorf("%w: starting %s: %w", ErrConnect, commandLine(&s.cfg), err))
		}
		c.proc, c.pid = p, p.PID()
		t = p.transport()
	}
	cs, err := s.client.Connect(ctx, t, nil)
	if err != nil {
		if c.proc != nil {
			c.proc.stop()
		}
		return nil, nil, s.fail("", fmt.Errorf("%w: %w", ErrConnect, s.ctxCause(parent, ctx, err)))
	}
	c.cs = cs
	defs, err := s.list(ctx, cs)
	if err != nil {
		c.close()
		if errors.Is(err, ErrToolList) {
			return nil, nil, err
		}
		return nil, nil, s.fail("", fmt.Errorf("%w: listing tools: %w", ErrConnect, s.ctxCause(parent, ctx, err)))
	}
	return c, defs, nil
}

// ctxCause says that a connect timed out, rather than the SDK's
// "context deadline exceeded" alone — when ConnectTimeout ended it, not
// the caller's context (parent).
func (s *server) ctxCause(parent, ctx context.Context, err error) error {
	if parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within ConnectTimeout %s: %w", s.cfg.ConnectTimeout, err)
	}
	return err
}

// list reads the whole tool list (all pages, at most MaxTools tools) and
// builds its definitions.
func (s *server) list(ctx context.Context, cs *mcp.ClientSession) ([]toolDef, error) {
	var all []*mcp.Tool
	for t, err := range cs.Tools(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if all = append(all, t); len(all) > MaxTools {
			break
		}
	}
	var withheld []string
	for _, t := range all {
		if t != nil && s.cfg.Allow != nil && !slices.Contains(s.cfg.Allow, t.Name) {
			withheld = append(withheld, clipName(t.Name))
		}
	}
	s.mu.Lock()
	s.withheld = withheld
	s.mu.Unlock()
	return buildTools(&s.cfg, all)
}

// fail is err as a *ServerError for tool, with the end of the server's
// stderr.
func (s *server) fail(tool string, err error) error {
	se := &ServerError{Server: s.cfg.Name, Tool: tool, Err: err}
	if s.cfg.URL == "" {
		se.Stderr = lastLine(s.stderr.String(), 256)
	}
	return se
}

// start makes the first connection (no restart).
func (s *server) start(ctx context.Context) error {
	c, defs, err := s.dial(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.tools = defs
	s.mu.Unlock()
	return s.adopt(c)
}

// adopt makes c the current connection and watches it.
func (s *server) adopt(c *conn) error {
	if !s.ts.track(func() {
		_ = c.cs.Wait()
		close(c.dead)
	}) {
		c.close()
		return s.fail("", ErrClosed)
	}
	s.mu.Lock()
	s.cur, s.down = c, false
	s.mu.Unlock()
	return nil
}

// get returns the live connection, restarting the server when the last
// one died (within the restart limit). restarted is true when this call
// waited for a restart.
func (s *server) get(ctx context.Context, tool string) (c *conn, restarted bool, err error) {
	s.mu.Lock()
	if s.ts.isClosed() {
		s.mu.Unlock()
		return nil, false, s.fail(tool, ErrClosed)
	}
	if c := s.cur; c != nil && !c.isDead() {
		s.mu.Unlock()
		return c, false, nil
	}
	old := s.cur
	s.cur = nil
	if s.dialing == nil {
		if err := s.allowRestartLocked(); err != nil {
			s.mu.Unlock()
			s.ts.closeConn(old)
			return nil, false, s.fail(tool, err)
		}
		ch := make(chan struct{})
		if !s.ts.track(func() { s.redial(ch) }) {
			s.mu.Unlock()
			s.ts.closeConn(old)
			return nil, false, s.fail(tool, ErrClosed)
		}
		s.dialing = ch
	}
	ch := s.dialing
	s.mu.Unlock()
	s.ts.closeConn(old)
	select {
	case <-ch:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && !s.cur.isDead() {
		return s.cur, true, nil
	}
	if s.dialErr != nil {
		var se *ServerError
		if errors.As(s.dialErr, &se) && tool != "" {
			cp := *se
			cp.Tool = tool
			return nil, true, &cp
		}
		return nil, true, s.dialErr
	}
	return nil, true, s.fail(tool, fmt.Errorf("%w: the restarted server ended at once", ErrTransport))
}

// allowRestartLocked counts a restart, or says why there may be none.
func (s *server) allowRestartLocked() error {
	now := s.now()
	keep := s.restarts[:0]
	for _, t := range s.restarts {
		if now.Sub(t) < s.cfg.RestartWindow {
			keep = append(keep, t)
		}
	}
	s.restarts = keep
	if s.cfg.MaxRestarts < 0 || len(s.restarts) >= s.cfg.MaxRestarts {
		why := "restarts are off (MaxRestarts < 0)"
		if s.cfg.MaxRestarts >= 0 {
			why = fmt.Sprintf("restarted %d times within %s", len(s.restarts), s.cfg.RestartWindow)
		}
		s.down = true
		if s.lastErr != nil {
			return fmt.Errorf("%w: %s; last failure: %v", ErrServerDown, why, s.lastErr)
		}
		return fmt.Errorf("%w: %s", ErrServerDown, why)
	}
	s.restarts = append(s.restarts, now)
	s.total++
	return nil
}

// redial restarts the server, then closes ch.
func (s *server) redial(ch chan struct{}) {
	c, defs, err := s.dial(s.ts.life)
	if err == nil {
		if err = s.ts.acceptTools(s, defs); err != nil {
			c.close()
		}
	}
	if err == nil {
		err = s.adopt(c)
	}
	s.mu.Lock()
	s.dialing, s.dialErr = nil, err
	if err != nil {
		s.lastErr = err
		s.logger.Warn("MCP server restart failed", "restarts", s.total, "error", err.Error())
	} else {
		s.logger.Warn("MCP server restarted", "restarts", s.total, "pid", c.pid, "after", errText(s.lastErr))
	}
	s.mu.Unlock()
	close(ch)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// broken retires c after a transport failure: the next call restarts
// the server.
func (s *server) broken(c *conn, why error) {
	s.mu.Lock()
	s.lastErr = why
	if s.cur != c {
		s.mu.Unlock()
		return
	}
	s.cur = nil
	s.mu.Unlock()
	s.logger.Debug("MCP connection retired", "reason", why.Error())
	s.ts.closeConn(c)
}

// atLeast passes on the records of level min and above: the SDK's Info
// chatter stays out of the program's log.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(as []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(as), h.min}
}

func (h atLeast) WithGroup(n string) slog.Handler { return atLeast{h.Handler.WithGroup(n), h.min} }
