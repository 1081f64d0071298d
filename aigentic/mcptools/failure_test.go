package mcptools

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// noWait is a retry policy that retries at once.
func noWait() *aigentic.RetryPolicy {
	return &aigentic.RetryPolicy{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
}

// The server dies in the middle of a call: the call fails in transport,
// a transient error; the run's retry restarts the server and the call
// succeeds.
func TestServerDyingMidCallIsRestarted(t *testing.T) {
	s := stdioServer("basic")
	s.Env = append(s.Env, "MCPTOOLS_TEST_MARK="+filepath.Join(t.TempDir(), "crashed"))
	ts := connect(t, s)
	first := pidOf(t, ts)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{Retries: 2, RetryPolicy: noWait()}, aitest.Call("orders_crash_once", `{}`))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if got := toolResults(run)[0]; got.IsError || got.Content == "" || !strings.Contains(got.Content, "recovered") {
		t.Errorf("result %q; want the restarted server's answer", got.Content)
	}
	if st := run.Stats(); st.Retries != 1 {
		t.Errorf("retries = %d, want 1", st.Retries)
	}
	if st := ts.Status()[0]; st.Restarts != 1 || st.PID == first || !st.Connected || !strings.Contains(st.LastError, "EOF") {
		t.Errorf("status %+v; want 1 restart, a new pid, connected, the EOF as last error", st)
	}
	waitGone(t, first)
}

// The server killed from outside while a run uses it (an OOM killer):
// noticed at the call or before it, restarted, and the call answered.
func TestServerKilledMidRunIsRestarted(t *testing.T) {
	ts := connect(t, stdioServer("basic"))
	first := pidOf(t, ts)
	var killed atomic.Bool
	kill := hook.ObserverFunc(func(ctx context.Context, step hook.Step) context.Context {
		if a, ok := step.(*hook.ToolAttempt); ok && a.Attempt == 1 && killed.CompareAndSwap(false, true) {
			_ = syscall.Kill(first, syscall.SIGKILL)
		}
		return ctx
	})
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{Retries: 2, RetryPolicy: noWait(), Observers: []aigentic.Observer{kill}},
		aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if got := toolResults(run)[0]; got.IsError || !strings.Contains(got.Content, "shipped") {
		t.Errorf("result %q; want the order, from the restarted server", got.Content)
	}
	if st := run.Stats(); st.Retries > 1 {
		t.Errorf("retries = %d, want 0 (the death noticed before the call) or 1", st.Retries)
	}
	st := ts.Status()[0]
	if st.Restarts != 1 || st.PID == first || !st.Connected {
		t.Errorf("status %+v; want 1 restart, a new pid, connected", st)
	}
	waitGone(t, first)
}

// A server that dies in every call: each attempt restarts it, until the
// retries run out — a *aigentic.ToolError, transient and exhausted,
// wrapping ErrTransport and naming the server, with its last stderr line.
func TestServerDyingEveryCallIsReported(t *testing.T) {
	ts := connect(t, stdioServer("basic"))
	_, _, err := runAgent(t, ts.Tools(), aigentic.Agent{Retries: 2, RetryPolicy: noWait()}, aitest.Call("orders_crash", `{}`))
	var te *aigentic.ToolError
	var se *ServerError
	if !errors.As(err, &te) || !te.Exhausted || te.Attempts != 3 || !ai.IsTransient(err) || !errors.Is(err, ErrTransport) || !errors.As(err, &se) {
		t.Fatalf("err = %v; want an exhausted *ToolError after 3 attempts, transient, wrapping a *ServerError with ErrTransport", err)
	}
	if se.Server != "orders" || se.Tool != "crash" || !strings.Contains(se.Stderr, "panic: runtime error") {
		t.Errorf("ServerError %+v; want server, tool and the server's last stderr line", se)
	}
	if st := ts.Status()[0]; st.Restarts != 2 {
		t.Errorf("restarts = %d, want 2 (attempts 2 and 3)", st.Restarts)
	}
}

// Past MaxRestarts within RestartWindow the server is down: a permanent
// error that stops the run at once; when the window has room it is
// restarted again.
func TestRestartLimit(t *testing.T) {
	s := stdioServer("basic")
	s.MaxRestarts = 1
	s.RestartWindow = time.Minute
	ts := connect(t, s)
	now := time.Now()
	var clock atomic.Int64
	ts.servers[0].now = func() time.Time { return now.Add(time.Duration(clock.Load())) }

	_, _, err := runAgent(t, ts.Tools(), aigentic.Agent{Retries: 5, RetryPolicy: noWait()}, aitest.Call("orders_crash", `{}`))
	var te *aigentic.ToolError
	if !errors.Is(err, ErrServerDown) || ai.IsTransient(err) || !errors.As(err, &te) || te.Attempts != 3 {
		t.Fatalf("err = %v; want ErrServerDown, permanent, on attempt 3 (1: crash, 2: restart and crash, 3: refused)", err)
	}
	if st := ts.Status()[0]; !st.Down || st.Connected || st.Restarts != 1 {
		t.Errorf("status %+v; want down after 1 restart", st)
	}
	clock.Store(int64(time.Minute))
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil || toolResults(run)[0].IsError {
		t.Fatalf("after the window: %v; want a restart and the order", err)
	}
	if st := ts.Status()[0]; st.Down || st.Restarts != 2 {
		t.Errorf("status %+v; want up after a second restart", st)
	}

	s = stdioServer("basic")
	s.MaxRestarts = -1
	ts = connect(t, s)
	_, _, err = runAgent(t, ts.Tools(), aigentic.Agent{Retries: 5, RetryPolicy: noWait()}, aitest.Call("orders_crash", `{}`))
	if !errors.Is(err, ErrServerDown) || !strings.Contains(err.Error(), "restarts are off") {
		t.Errorf("MaxRestarts -1: %v; want down at once", err)
	}
}

// A slow tool past CallTimeout: cancelled, an error result the model
// reads; the run goes on and the connection still serves.
func TestCallTimeout(t *testing.T) {
	s := stdioServer("basic")
	s.CallTimeout = 2 * time.Second // get_order, after, answers well within it under load
	ts := connect(t, s)
	pid := pidOf(t, ts)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{},
		aitest.Call("orders_slow", `{"ms":600000}`), aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	res := toolResults(run)
	if !res[0].IsError || !strings.Contains(res[0].Content, "did not answer within 2s") {
		t.Errorf("slow: %q; want a timeout error result", res[0].Content)
	}
	if res[1].IsError || pidOf(t, ts) != pid {
		t.Errorf("after the timeout: %q (pid %d, was %d); want the same server answering", res[1].Content, pidOf(t, ts), pid)
	}
}

// A server that ignores cancellation (its tool never returns) and
// SIGTERM: the call ends at CallTimeout, and Close still stops it
// (SIGKILL after StopGrace twice).
func TestServerIgnoringCancellation(t *testing.T) {
	s := stdioServer("ignoresigterm")
	s.CallTimeout = 200 * time.Millisecond
	ts := connect(t, s)
	pid := pidOf(t, ts)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_hang", `{}`), aitest.Call("orders_hang", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range toolResults(run) {
		if !r.IsError || !strings.Contains(r.Content, "did not answer within 200ms") {
			t.Errorf("hang: %q; want a timeout error result", r.Content)
		}
	}
	ts.Close()
	if alive(pid) {
		t.Errorf("pid %d survived Close", pid)
	}
}

// A never-ending message (a tool writing to stdout forever) and one over
// MaxMessageBytes: cut at the limit, an error result; the connection is
// replaced, and the next call restarts the server.
func TestHugeAndEndlessMessages(t *testing.T) {
	s := stdioServer("basic")
	s.MaxMessageBytes = 1 << 20
	ts := connect(t, s)
	first := pidOf(t, ts)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{},
		aitest.Call("orders_spew", `{}`), aitest.Call("orders_big", `{"bytes":3000000}`), aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	res := toolResults(run)
	for i, name := range []string{"spew", "big"} {
		if !res[i].IsError || !strings.Contains(res[i].Content, "exceeded 1048576 bytes") {
			t.Errorf("%s: %.200q; want an error result for a message over the limit", name, res[i].Content)
		}
	}
	if res[2].IsError || !strings.Contains(res[2].Content, "shipped") {
		t.Errorf("next call: %q; want the restarted server's answer", res[2].Content)
	}
	if st := ts.Status()[0]; st.Restarts != 2 {
		t.Errorf("status %+v; want 2 restarts", st)
	}
	waitGone(t, first)
}

// A frozen server (SIGSTOP: it reads nothing, answers nothing, ignores
// SIGTERM): a call times out; a call whose arguments fill the pipe does
// not block on the write past CallTimeout either; the next call restarts
// the server; Close leaves nothing behind.
func TestFrozenServer(t *testing.T) {
	s := stdioServer("basic")
	s.CallTimeout = time.Second
	ts := connect(t, s)
	pid := pidOf(t, ts)
	// Frozen before any call, by the test: the freeze tool would stop the
	// server itself, but a starved server may not get to it within the
	// call's timeout and then answer the next call.
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 1<<20)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{Retries: 1, RetryPolicy: noWait()},
		aitest.Call("orders_freeze", `{}`), aitest.Call("orders_echo", `{"text":"`+big+`"}`), aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	res := toolResults(run)
	for i, name := range []string{"freeze", "echo"} {
		if !res[i].IsError || !strings.Contains(res[i].Content, "did not answer within 1s") {
			t.Errorf("%s: %.100q; want a timeout", name, res[i].Content)
		}
	}
	if res[2].IsError || !strings.Contains(res[2].Content, "shipped") {
		t.Errorf("then: %q; want a restarted server's answer", res[2].Content)
	}
	if st := ts.Status()[0]; st.Restarts != 1 {
		t.Errorf("status %+v; want 1 restart after the blocked write", st)
	}
	waitGone(t, pid)
}

// A subprocess gets a minimal environment: our secrets stay ours unless
// InheritEnv.
func TestSubprocessEnvironment(t *testing.T) {
	t.Setenv("MCPTOOLS_TEST_DB_PASSWORD", "hunter2-hunter2")
	for _, inherit := range []bool{false, true} {
		s := stdioServer("basic")
		s.InheritEnv = inherit
		s.Env = append(s.Env, "ORDERS_REGION=eu")
		ts := connect(t, s)
		run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{},
			aitest.Call("orders_getenv", `{"text":"MCPTOOLS_TEST_DB_PASSWORD"}`), aitest.Call("orders_getenv", `{"text":"ORDERS_REGION"}`), aitest.Call("orders_getenv", `{"text":"PATH"}`))
		if err != nil {
			t.Fatal(err)
		}
		res := toolResults(run)
		want := []string{"MCPTOOLS_TEST_DB_PASSWORD set: " + map[bool]string{false: "false", true: "true"}[inherit], "ORDERS_REGION set: true", "PATH set: true"}
		for i, w := range want {
			if !strings.Contains(res[i].Content, w) {
				t.Errorf("InheritEnv=%v: %q, want %q", inherit, res[i].Content, w)
			}
		}
	}
}

// A server run through a wrapper (npx, uv: the real server is its
// child), both deaf to SIGTERM, the child busy in a call: Close stops
// the whole process group; no orphan is left.
func TestWrapperLeavesNoOrphan(t *testing.T) {
	s := stdioServer("wrapper")
	s.CallTimeout = time.Second
	ts := connect(t, s)
	wrapper := pidOf(t, ts)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_pid", `{}`), aitest.Call("orders_hang", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	child, err := strconv.Atoi(strings.TrimSpace(textOf(toolResults(run)[0].Content)))
	if err != nil || child == wrapper || !alive(child) {
		t.Fatalf("the real server's pid: %q (wrapper %d)", toolResults(run)[0].Content, wrapper)
	}
	ts.Close()
	// Close waits for the wrapper; the child, SIGKILLed with its group,
	// dies as the kernel gets to it — on a loaded machine, a moment
	// later. It must die: a generous bound, not a timing.
	for _, pid := range []int{wrapper, child} {
		deadline := time.Now().Add(10 * time.Second)
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("pid %d survived Close", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// textOf is the data inside an untrusted-data block.
func textOf(delimited string) string {
	if i := strings.Index(delimited, "\">\n"); i >= 0 {
		delimited = delimited[i+3:]
	}
	if i := strings.LastIndex(delimited, "\n</untrusted-data"); i >= 0 {
		delimited = delimited[:i]
	}
	return delimited
}
