package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/mcptools"
	"github.com/nexxia-ai/aigentic-examples/mcp/orders"
)

// ordersAllow is demo 1's allow-list of the orders server's tools:
// get_order and track_shipment, and cancel_order with approval;
// export_orders (an administrator's tool) is left out. Demos 2-4 allow
// only the tool they arrange to fail.
var ordersAllow = []string{"get_order", "track_shipment", "cancel_order"}

// ordersConfig is the orders server as the agent reaches it: its tools
// prefixed "orders_", those allow lets through offered (the agent gets
// exactly these: Toolset.Tools), cancel_order only with approval.
func (e *demoEnv) ordersConfig(allow []string) mcptools.Server {
	var approve []string // the tools that act, where allowed
	if slices.Contains(allow, "cancel_order") {
		approve = []string{"cancel_order"}
	}
	return mcptools.Server{
		Name:            "orders",
		Allow:           allow,
		RequireApproval: approve,
		CallTimeout:     e.sys.callTimeout,
		StopGrace:       time.Second,
		Logger:          e.logger,
	}
}

// ordersServer is one start of the orders server for a demo: the toolset
// that reaches it and, over HTTP, the server process this program runs
// (and, in demo 4, restarts) itself.
type ordersServer struct {
	ts   *mcptools.Toolset
	http *httpServer // nil over stdio
}

// startOrders starts the orders server with the demo's arrangements
// (orders.Main's flags) and connects to it, allowing the tools allow
// names (the server's names).
func (e *demoEnv) startOrders(ctx context.Context, allow []string, arrange ...string) (*ordersServer, error) {
	cfg := e.ordersConfig(allow)
	s := &ordersServer{}
	if e.cfg.http {
		h, err := startHTTPServer(ctx, e.sys.self, "127.0.0.1:0", arrange)
		if err != nil {
			return nil, fmt.Errorf("starting the orders server over HTTP: %w", err)
		}
		e.pids = append(e.pids, h.pid())
		s.http, cfg.URL = h, h.url
	} else {
		// This program again, told by ServeEnv to be the orders server;
		// the toolset runs it, with a minimal environment.
		cfg.Command = append([]string{e.sys.self}, arrange...)
		cfg.Env = []string{orders.ServeEnv + "=1"}
	}
	ts, err := mcptools.Connect(ctx, cfg)
	if err != nil {
		if s.http != nil {
			s.http.stop()
		}
		return nil, err
	}
	s.ts = ts
	if st := ts.Status()[0]; st.PID != 0 {
		e.pids = append(e.pids, st.PID)
	}
	return s, nil
}

// describe says how the agent reaches the server.
func (s *ordersServer) describe() string {
	st := s.ts.Status()[0]
	if s.http != nil {
		return fmt.Sprintf("over streamable HTTP at %s (a server process of this program's, pid %d; session %s)", s.http.url, s.http.pid(), short(st.SessionID))
	}
	return fmt.Sprintf("over stdio: this program started again as a subprocess (pid %d), MCP %s", st.PID, st.ProtocolVersion)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

// stop closes the toolset (the subprocess over stdio) and the HTTP
// server process.
func (s *ordersServer) stop(e *demoEnv) {
	if st := s.ts.Status()[0]; st.PID != 0 {
		e.pids = append(e.pids, st.PID)
	}
	s.ts.Close()
	if s.http != nil {
		s.http.stop()
	}
}

// httpServer is the orders server over streamable HTTP, in a process
// this program starts, stops and — when demo 4 kills it — starts again
// on the same address, as a supervisor would.
type httpServer struct {
	self string
	args []string
	addr string // host:port, fixed after the first start
	url  string
	cmd  *exec.Cmd
	// stderr keeps the end of the process's standard error.
	stderr *tailBuffer
}

// startHTTPServer starts the server on addr ("127.0.0.1:0": a free
// port) and waits until it says where it listens.
func startHTTPServer(ctx context.Context, self, addr string, args []string) (*httpServer, error) {
	h := &httpServer{self: self, args: args, addr: addr}
	if err := h.start(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *httpServer) start(ctx context.Context) error {
	cmd := exec.Command(h.self, append([]string{"-http", h.addr}, h.args...)...)
	cmd.Env = []string{orders.ServeEnv + "=1", "PATH=" + os.Getenv("PATH")}
	h.stderr = &tailBuffer{max: 64 << 10}
	cmd.Stderr = h.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	h.cmd = cmd
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
	}()
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case s := <-line:
		url, ok := strings.CutPrefix(strings.TrimSpace(s), "listening on ")
		if !ok {
			h.kill()
			return fmt.Errorf("the server said %q, not where it listens", s)
		}
		h.url = url
		h.addr = strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/mcp")
		return nil
	case <-t.C:
		h.kill()
		return errors.New("the server did not say where it listens within 10s")
	case <-ctx.Done():
		h.kill()
		return ctx.Err()
	}
}

func (h *httpServer) pid() int { return h.cmd.Process.Pid }

// kill ends the process at once and reaps it.
func (h *httpServer) kill() {
	_ = h.cmd.Process.Kill()
	_ = h.cmd.Wait()
}

// stop asks the process to stop (SIGTERM), then kills it after 5 s.
func (h *httpServer) stop() {
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = h.cmd.Wait()
		close(done)
	}()
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		_ = h.cmd.Process.Kill()
		<-done
	}
}

// tailBuffer keeps the last max bytes written to it; safe for
// concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// gone reports whether the process pid has exited.
func gone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	if err := p.Signal(syscall.Signal(0)); err != nil {
		return true
	}
	// A zombie has exited too (its parent has not reaped it yet).
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
			return s[i+2] == 'Z' || s[i+2] == 'X'
		}
	}
	return false
}
