package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/mcptools"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
	"github.com/nexxia-ai/aigentic-examples/mcp/orders"
)

// TestMain is the orders server when a test starts this binary as one
// (orders.ServeEnv, as the program itself does), and otherwise runs the
// tests, failing for any goroutine left behind.
func TestMain(m *testing.M) {
	args := os.Args[1:]
	asCommand := len(args) > 0 && args[0] == testServerArg
	if os.Getenv(orders.ServeEnv) == "1" || asCommand {
		if asCommand {
			args = args[1:]
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := orders.Main(ctx, args, os.Stdin, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// testServerArg, first on this test binary's command line, makes it the
// orders server: how -server's command line reaches it (a subprocess
// gets a minimal environment, without orders.ServeEnv).
const testServerArg = "-orders-server-for-tests"

// self is this test binary, which serves as the orders server.
func self(t testing.TB) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// runApp runs the program with sys (self and short timeouts filled in)
// and returns its output.
func runApp(t *testing.T, args []string, sys system) (string, error) {
	t.Helper()
	if sys.getenv == nil {
		sys.getenv = testutil.Offline
	}
	sys.self = self(t)
	if sys.callTimeout == 0 {
		sys.callTimeout = 2 * time.Second
	}
	sys.retryDelay = time.Millisecond
	var out testutil.SyncBuffer
	err := runWith(testContext(t), args, &out, sys)
	return out.String(), err
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

func mustNotContain(t *testing.T, out string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(out, w) {
			t.Errorf("output has %q\n--- output ---\n%s", w, out)
		}
	}
}

// coop is a model that makes the choices the demos hope for: it calls
// every tool offered at once (cancel_order too: its approval is denied),
// with the IDs of the question's world, calls get_order again after a
// "busy" error, then answers.
type coop struct{}

func (coop) ModelName() string { return "coop" }

func (coop) Ping(context.Context) (*ai.PingResult, error) { return &ai.PingResult{}, nil }

func (coop) Generate(_ context.Context, req ai.Request) (*ai.Response, error) {
	last := 0
	for i, m := range req.Messages {
		if m.Role == ai.RoleUser {
			last = i
		}
	}
	var results []ai.Message
	for _, m := range req.Messages[last:] {
		if m.Role == ai.RoleTool {
			results = append(results, m)
		}
	}
	values := map[string]any{"order_id": "ord_1042", "ticket_id": "T-881", "reason": "changed my mind"}
	call := func(name string, i int) ai.ToolCall {
		args := map[string]any{}
		for _, t := range req.Tools {
			if props, _ := t.InputSchema["properties"].(map[string]any); t.Name == name {
				for p := range props {
					args[p] = values[p]
				}
			}
		}
		b, _ := json.Marshal(args)
		return ai.ToolCall{ID: fmt.Sprintf("coop_%d_%d", len(results), i), Name: name, Arguments: string(b)}
	}
	if len(results) == 0 {
		var calls []ai.ToolCall
		for i, t := range req.Tools {
			calls = append(calls, call(t.Name, i))
		}
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: calls}}, nil
	}
	if r := results[len(results)-1]; r.Name == "orders_get_order" && r.IsError && strings.Contains(r.Content, "busy") {
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{call("orders_get_order", 0)}}}, nil
	}
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "Here is what the tools said."}}, nil
}

// wantAllShown are the verdicts of every demo on a model that lets
// each happen.
var wantAllShown = []string{
	"✓ 1: the allow-list withheld export_orders: the server lists it, and the model was never offered orders_export_orders.",
	"✓ 1: 2 calls ran on the orders server; each answer reached the model inside an untrusted-data block.",
	"✓ 1: lookup_ticket ran in this process",
	"Approval needed for orders_cancel_order",
	"✓ 1: orders_cancel_order asked for approval and was denied",
	"✓ 2: track_shipment was cancelled after",
	"✓ 3a: the server's isError reached the model as an error result",
	"✓ 3b: the model called get_order again and got the order",
	"The demo kills the orders server (pid",
	"✓ 4: the server (pid",
	"✓ No server process is left: the",
	"✓ Every demo showed its pattern.",
}

// On a model that cooperates, every demo shows its pattern, over stdio
// and over HTTP, and no server process is left.
func TestDemosShowTheirPatterns(t *testing.T) {
	for _, args := range [][]string{nil, {"-http"}} {
		out, err := runApp(t, args, system{model: coop{}})
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		mustContain(t, out, wantAllShown...)
		mustContain(t, out, transportLines(args)...)
		mustNotContain(t, out, "not shown", "did not behave")
	}
}

// The naive model (the first tool offered, arguments from its schema,
// then "Done."), reached over HTTP as an OpenAI-compatible server
// (openaitest), with the orders server as a subprocess over stdio and
// over streamable HTTP (-http): the failures still happen and are shown
// where it calls the tool; what it does not do is reported as not shown.
func TestNaiveModel(t *testing.T) {
	for _, args := range [][]string{nil, {"-http"}} {
		_, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
		out, err := runApp(t, args, system{getenv: testutil.Getenv(env)})
		if err != nil {
			t.Fatalf("%v: run: %v\n%s", args, err, out)
		}
		mustContain(t, out,
			`→ orders_get_order {"order_id":"x"}`, `no order "x"`,
			// Demo 1 offers what the allow-list lets through, the first
			// of them orders_cancel_order: the naive model calls it, and
			// its approval is denied.
			"✓ 1: the allow-list withheld export_orders",
			"– 1 (MCP) not shown: no call of the orders server's tools ran on the server; the model called orders_cancel_order, denied approval.",
			"✓ 1: orders_cancel_order asked for approval and was denied: it never reached the server.",
			"– 1 (local) not shown: the model did not call lookup_ticket",
			"✓ 2: track_shipment was cancelled after",
			"✓ 3a:", "– 3b not shown",
			"✓ 4: the server (pid", "✓ No server process is left")
		mustNotContain(t, out, "did not behave")
		mustContain(t, out, transportLines(args)...)
	}
}

// transportLines are what the output says of the orders server's
// transport: a subprocess over stdio, or a server process over HTTP.
func transportLines(args []string) []string {
	if args == nil {
		return []string{"over stdio: this program started again as a subprocess", "the retry restarted the server (pid"}
	}
	return []string{"over streamable HTTP at http://127.0.0.1:", "the retry opened a new session"}
}

// The built-in offline model, with the orders server over stdio and
// over HTTP (-http): the program succeeds, every demo ends in a verdict,
// and no server process is left. (Which parts it shows depends on the
// offline model; each one it does not is said.)
func TestOfflineModel(t *testing.T) {
	for _, args := range [][]string{nil, {"-http"}} {
		out, err := runApp(t, args, system{})
		if err != nil {
			t.Fatalf("%v: run: %v\n%s", args, err, out)
		}
		// The offline model calls each demo's tool, so every part it can
		// show is shown (3b needs a model that retries after an error
		// result).
		mustContain(t, out, "Model: the built-in offline model", "Demo 4: The server killed mid-call", "✓ No server process is left",
			"✓ 1: 1 call ran on the orders server", "✓ 2: track_shipment was cancelled", "✓ 3a:", "✓ 4: the server (pid")
		mustContain(t, out, transportLines(args)...)
		mustNotContain(t, out, "did not behave")
	}
}

// -server: another MCP server, by URL or command line, with -q.
func TestOtherServer(t *testing.T) {
	srv := orders.NewServer(orders.Options{})
	web := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	defer func() {
		web.Close()
		for ss := range srv.Sessions() {
			ss.Close()
		}
	}()
	out, err := runApp(t, []string{"-server", web.URL, "-allow", "get_order", "-q", "What is the status of order ord_1042?"}, system{model: coop{}})
	if err != nil {
		t.Fatalf("URL: %v\n%s", err, out)
	}
	mustContain(t, out, "Connected over http", "the model gets 1 tools: server_get_order", `"status":"shipped"`, "✓ 1 call to the server's tools")

	out, err = runApp(t, []string{"-server", self(t) + " " + testServerArg, "-q", "Where is order ord_1042?"}, system{model: coop{}})
	if err != nil {
		t.Fatalf("command: %v\n%s", err, out)
	}
	mustContain(t, out, "Connected over stdio", "server_get_order", "server_export_orders", "✓ 4 calls to the server's tools")

	// A server that cannot start is a clear error, not a hang.
	out, err = runApp(t, []string{"-server", "/nonexistent/mcp-server", "-q", "x"}, system{model: coop{}})
	if !errors.Is(err, mcptools.ErrConnect) || !strings.Contains(err.Error(), "mcp-server") {
		t.Errorf("missing command: %v\n%s", err, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-demo", "9"}, "-demo 9: no such demo"},
		{[]string{"-server", "http://127.0.0.1:1/mcp"}, "-server needs -q"},
		{[]string{"-allow", "x"}, "-allow needs -server"},
		{[]string{"-server", "x", "-q", "y", "-demo", "1"}, "leave out -demo and -http"},
		{[]string{"-server", "http:///mcp", "-q", "y"}, "is not a valid URL"},
	} {
		out, err := runApp(t, tc.args, system{})
		if cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) || out != "" {
			t.Errorf("%v: err %v (exit %d), output %q; want exit 2 with %q and nothing printed", tc.args, err, cli.ExitCode(err), out, tc.want)
		}
	}
}

func TestHelpAndList(t *testing.T) {
	out, err := runApp(t, []string{"-h"}, system{})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "usage: go run ./mcp [flags]", "-server command", "-http", "-demo N")
	out, err = runApp(t, []string{"-list"}, system{})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "1  MCP tools next to a local tool", "4  The server killed mid-call")
}

// -timeout bounds the whole session (cli.WithSessionTimeout): the error
// names it, so the user knows which knob to turn.
func TestSessionTimeoutIsNamed(t *testing.T) {
	err := func() error { _, err := runApp(t, []string{"-timeout=1ns"}, system{}); return err }()
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "the session timeout (-timeout 1ns) ran out") {
		t.Fatalf("err = %v, want one naming the session timeout", err)
	}
}

// -server with a server that never answers: when the session timeout
// runs out while connecting, the error names -timeout (cli.TimedOut),
// not only "context deadline exceeded".
func TestServerConnectTimeoutIsNamed(t *testing.T) {
	out, err := runApp(t, []string{"-server", "sleep 60", "-q", "hi", "-timeout", "300ms"}, system{})
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, mcptools.ErrConnect) ||
		!strings.Contains(err.Error(), "connecting to sleep: the session timeout (-timeout 300ms) ran out; raise -timeout or TIMEOUT") {
		t.Fatalf("err = %v, want one naming -timeout\n%s", err, out)
	}
}
