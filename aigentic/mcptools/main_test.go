package mcptools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain serves as a test MCP server when started as one (see
// serveTest), and otherwise runs the tests, failing for any goroutine
// left behind.
func TestMain(m *testing.M) {
	if mode := os.Getenv(serverModeEnv); mode != "" {
		os.Exit(serveTest(mode))
	}
	dir, err := os.MkdirTemp("", "mcptools-cover-")
	if err != nil {
		panic(err)
	}
	coverDir = dir
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { os.RemoveAll(dir) }))
}

// coverDir is given to the test servers as GOCOVERDIR: a test binary
// built with -cover that has none prints a warning on stderr as it exits,
// which the tests would read as the server's last words.
var coverDir string

// coverEnv is the test servers' GOCOVERDIR setting.
func coverEnv() string { return "GOCOVERDIR=" + coverDir }

// stdioServer is a Server running this test binary as the test server
// of mode.
func stdioServer(mode string) Server {
	return Server{
		Name:      "orders",
		Command:   []string{os.Args[0]},
		Env:       []string{serverModeEnv + "=" + mode, coverEnv()},
		StopGrace: 200 * time.Millisecond,
		Logger:    quiet(),
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testCtx is a context that ends the test's wait on anything after 60 s:
// no test may hang.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// connect connects to servers and closes the toolset when the test ends.
func connect(t *testing.T, servers ...Server) *Toolset {
	t.Helper()
	ts, err := Connect(context.Background(), servers...)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { ts.Close() })
	return ts
}

// alive reports whether a process with pid exists and has not exited.
// A zombie has exited: the toolset reaps its own children, but an
// orphaned grandchild waits for init to reap it, which may take a while
// (or, in a container, forever).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// "pid (comm) S ...": the state follows the last ')'.
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
			return s[i+2] != 'Z' && s[i+2] != 'X'
		}
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// pidOf is the running subprocess of the toolset's first server.
func pidOf(t *testing.T, ts *Toolset) int {
	t.Helper()
	st := ts.Status()[0]
	if st.PID == 0 {
		t.Fatalf("no subprocess: %+v", st)
	}
	return st.PID
}

// waitGone waits until pid has exited (a retired connection is closed in
// the background), failing the test if it is still there after testCtx's
// 60 s.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	ctx := testCtx(t)
	for alive(pid) {
		select {
		case <-ctx.Done():
			t.Fatalf("pid %d still running", pid)
		case <-time.After(5 * time.Millisecond):
		}
	}
}
