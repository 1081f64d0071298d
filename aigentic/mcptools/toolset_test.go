package mcptools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// toolNames are the names of tools.
func toolNames(tools []aigentic.AgentTool) []string {
	var out []string
	for _, t := range tools {
		out = append(out, t.Name)
	}
	return out
}

func find(t *testing.T, tools []aigentic.AgentTool, name string) aigentic.AgentTool {
	t.Helper()
	for _, tl := range tools {
		if tl.Name == name {
			return tl
		}
	}
	t.Fatalf("no tool %q in %v", name, toolNames(tools))
	return aigentic.AgentTool{}
}

// runAgent runs an agent with tools on a scripted model making calls
// (one per turn), then answering "done"; it denies every approval.
func runAgent(t *testing.T, tools []aigentic.AgentTool, agent aigentic.Agent, calls ...ai.ToolCall) (*aigentic.AgentRun, string, error) {
	t.Helper()
	var steps []aitest.Step
	for _, c := range calls {
		steps = append(steps, aitest.CallTools(c))
	}
	steps = append(steps, aitest.Reply("done"))
	agent.Model = aitest.NewScripted(steps...)
	agent.AgentTools = tools
	if agent.Logger == nil {
		agent.Logger = quiet()
	}
	run, err := agent.StartContext(testCtx(t), "go")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	for ev := range run.Next() {
		if a, ok := ev.(*aigentic.ApprovalEvent); ok {
			// Every approval is denied.
			_ = run.Approve(a.ApprovalID, false)
		}
	}
	answer, err := run.Wait(0)
	return run, answer, err
}

// toolResults are the tool messages of a run, in order.
func toolResults(run *aigentic.AgentRun) []ai.Message {
	var out []ai.Message
	for _, m := range run.Messages() {
		if m.Role == ai.RoleTool {
			out = append(out, m)
		}
	}
	return out
}

// A stdio server's tools reach an agent prefixed, with the server's
// schemas, validated, their results marked untrusted; isError is an
// error result the model reads; closing stops the subprocess.
func TestStdioToolsInAnAgent(t *testing.T) {
	ts := connect(t, stdioServer("basic"))
	tools := ts.Tools()
	names := toolNames(tools)
	for _, want := range []string{"orders_get_order", "orders_slow", "orders_echo", "orders_install"} {
		if !slices.Contains(names, want) {
			t.Errorf("tools %v lack %s", names, want)
		}
	}
	get := find(t, tools, "orders_get_order")
	if !strings.Contains(get.Description, "ord_1042") {
		t.Errorf("description %q is not the server's", get.Description)
	}
	props, _ := get.InputSchema["properties"].(map[string]any)
	if _, ok := props["order_id"]; !ok {
		t.Errorf("schema %v lacks the server's order_id", get.InputSchema)
	}
	wantMeta := map[string]string{"aigentic.mcp.server": "orders", "aigentic.mcp.tool": "get_order", "mcp.method.name": "tools/call", "network.transport": "pipe"}
	for k, v := range wantMeta {
		if get.Meta[k] != v {
			t.Errorf("Meta[%q] = %q, want %q (Meta %v)", k, get.Meta[k], v, get.Meta)
		}
	}

	run, _, err := runAgent(t, tools, aigentic.Agent{},
		aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`),
		aitest.Call("orders_get_order", `{"order_id":"ord_9"}`),
		aitest.Call("orders_get_order", `{"order":"ord_1042"}`))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	res := toolResults(run)
	if len(res) != 3 {
		t.Fatalf("%d tool results, want 3", len(res))
	}
	if res[0].IsError || !strings.Contains(res[0].Content, `"status":"shipped"`) || !strings.HasPrefix(res[0].Content, untrusted.Notice) {
		t.Errorf("found order: error=%v content %q; want the server's answer, delimited as untrusted", res[0].IsError, res[0].Content)
	}
	if !res[1].IsError || !strings.Contains(res[1].Content, `no order \"ord_9\"`) && !strings.Contains(res[1].Content, `no order "ord_9"`) {
		t.Errorf("missing order: error=%v content %q; want the server's isError text as an error result", res[1].IsError, res[1].Content)
	}
	if !res[2].IsError || !strings.Contains(res[2].Content, "invalid arguments") {
		t.Errorf("bad arguments: error=%v content %q; want the runtime's validation against the server's schema", res[2].IsError, res[2].Content)
	}

	pid := pidOf(t, ts)
	if !alive(pid) {
		t.Fatalf("server pid %d not running", pid)
	}
	ts.Close()
	if alive(pid) {
		t.Errorf("server pid %d still running after Close", pid)
	}
	if _, err := ts.servers[0].call(testCtx(t), "get_order", map[string]any{"order_id": "ord_1042"}); !errors.Is(err, ErrClosed) {
		t.Errorf("call after Close: %v, want ErrClosed", err)
	}
}

// The context given to Connect is the toolset's life: when it ends, the
// subprocess is stopped.
func TestConnectContextEndCloses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ts, err := Connect(ctx, stdioServer("basic"))
	if err != nil {
		t.Fatal(err)
	}
	pid := pidOf(t, ts)
	cancel()
	select {
	case <-ts.closeDone:
	case <-testCtx(t).Done():
		t.Fatal("the toolset did not close when its context ended")
	}
	if alive(pid) {
		t.Errorf("server pid %d still running", pid)
	}
}

// Allow offers only the tools named; RequireApproval makes a tool ask
// (and a run that cannot ask denies it: the server never sees the call).
func TestAllowAndApproval(t *testing.T) {
	s := stdioServer("basic")
	s.Allow = []string{"get_order", "echo"}
	s.RequireApproval = []string{"echo"}
	ts := connect(t, s)
	tools := ts.Tools()
	if got := toolNames(tools); !slices.Equal(got, []string{"orders_echo", "orders_get_order"}) {
		t.Fatalf("tools %v, want only the allowed ones", got)
	}
	if find(t, tools, "orders_get_order").RequireApproval || !find(t, tools, "orders_echo").RequireApproval {
		t.Fatalf("RequireApproval not as configured")
	}
	if w := ts.Status()[0].Withheld; !slices.Contains(w, "crash") || slices.Contains(w, "echo") {
		t.Errorf("Withheld = %v; want the tools Allow leaves out", w)
	}
	run, _, err := runAgent(t, tools, aigentic.Agent{}, aitest.Call("orders_echo", `{"text":"should not run"}`), aitest.Call("orders_crash", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	res := toolResults(run)
	if !res[0].IsError || !strings.Contains(res[0].Content, "was not run: the user denied") {
		t.Errorf("echo: %q; want a denial", res[0].Content)
	}
	if !res[1].IsError || !strings.Contains(res[1].Content, "unknown tool") {
		t.Errorf("crash (not allowed): %q; want an unknown tool", res[1].Content)
	}
	if st := ts.Status()[0]; strings.Contains(st.Stderr, "echo:") || !st.Connected {
		t.Errorf("the server ran a denied tool, or crashed: %+v", st)
	}

	for _, bad := range []func(*Server){
		func(s *Server) { s.Allow = []string{"get_order", "nope"} },
		func(s *Server) { s.RequireApproval = []string{"nope"} },
	} {
		s := stdioServer("basic")
		bad(&s)
		if _, err := Connect(testCtx(t), s); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), `"nope"`) {
			t.Errorf("a list naming a tool the server lacks: %v, want ErrConfig naming it", err)
		}
	}
}

// Tool names become valid model tool names, distinct, at most 64 bytes,
// and calls use the server's own names.
func TestToolNamesMadeValid(t *testing.T) {
	s := stdioServer("weirdnames")
	s.NoPrefix = true
	ts := connect(t, s)
	tools := ts.Tools()
	seen := map[string]bool{}
	for _, tl := range tools {
		if len(tl.Name) > 64 || strings.ContainsFunc(tl.Name, func(r rune) bool { return !nameByte(byte(r)) || r > 127 }) {
			t.Errorf("name %q is not a valid tool name", tl.Name)
		}
		if seen[tl.Name] {
			t.Errorf("name %q twice", tl.Name)
		}
		seen[tl.Name] = true
	}
	if len(tools) != 5 {
		t.Fatalf("%d tools, want 5: %v", len(tools), toolNames(tools))
	}
	tl := find(t, tools, "get_order")
	run, _, err := runAgent(t, []aigentic.AgentTool{tl}, aigentic.Agent{}, aitest.Call("get_order", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := toolResults(run)[0].Content; !strings.Contains(got, "ran get.order") {
		t.Errorf("result %q: the call did not reach the server's get.order", got)
	}
}

// Text, images, resources: the model reads text and a line for what it
// cannot read; a result over MaxResultBytes is cut with a marker.
func TestResultContentAndCut(t *testing.T) {
	s := stdioServer("basic")
	s.MaxResultBytes = 1000
	ts := connect(t, s)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{},
		aitest.Call("orders_mixed", `{}`), aitest.Call("orders_big", `{"bytes":200000}`))
	if err != nil {
		t.Fatal(err)
	}
	res := toolResults(run)
	for _, want := range []string{"a chart:", "[image, image/png, 7 bytes: not shown]", "resource text", `[resource link "x": https://example.com/x]`} {
		if !strings.Contains(res[0].Content, want) {
			t.Errorf("mixed result lacks %q: %q", want, res[0].Content)
		}
	}
	cut := fmt.Sprintf(CutMarker, 1000, 200000)
	if !strings.Contains(res[1].Content, cut) || strings.Count(res[1].Content, "é") != 500 {
		t.Errorf("big result: %d bytes, marker %v; want 500 é then %q", len(res[1].Content), strings.Contains(res[1].Content, "result cut"), cut)
	}
}

// Bad configurations are ErrConfig at once, starting nothing.
func TestBadConfig(t *testing.T) {
	ok := stdioServer("basic")
	for name, mod := range map[string]func(*Server){
		"no name":     func(s *Server) { s.Name = "" },
		"bad name":    func(s *Server) { s.Name = "or ders" },
		"long name":   func(s *Server) { s.Name = strings.Repeat("x", 33) },
		"neither":     func(s *Server) { s.Command = nil },
		"both":        func(s *Server) { s.URL = "http://127.0.0.1:1/mcp" },
		"empty cmd":   func(s *Server) { s.Command = []string{""} },
		"bad url":     func(s *Server) { s.Command, s.URL = nil, "ftp://x/y" },
		"neg timeout": func(s *Server) { s.CallTimeout = -1 },
		"neg bytes":   func(s *Server) { s.MaxResultBytes = -1 },
		"client timer": func(s *Server) {
			s.Command, s.URL, s.HTTPClient = nil, "http://127.0.0.1:1/mcp", &http.Client{Timeout: 1}
		},
	} {
		s := ok
		mod(&s)
		if _, err := Connect(testCtx(t), s); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
	if _, err := Connect(testCtx(t), ok, ok); !errors.Is(err, ErrConfig) {
		t.Errorf("two servers with one name: %v, want ErrConfig", err)
	}
	//lint:ignore SA1012 a nil context is the bad input under test
	if _, err := Connect(nil, ok); !errors.Is(err, ErrConfig) { //nolint:staticcheck
		t.Errorf("nil context: %v", err)
	}
}

// Two servers offering the same tools: the prefixes keep them apart (each
// call reaches its own server's process); without prefixes the names
// collide, and Connect refuses the pair naming both servers, starting
// nothing that stays.
func TestTwoServersDoNotCollide(t *testing.T) {
	a, b := stdioServer("basic"), stdioServer("basic")
	b.Name = "shop"
	ts := connect(t, a, b)
	names := toolNames(ts.Tools())
	for _, want := range []string{"orders_pid", "shop_pid", "orders_get_order", "shop_get_order"} {
		if !slices.Contains(names, want) {
			t.Errorf("tools %v lack %s", names, want)
		}
	}
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_pid", `{}`), aitest.Call("shop_pid", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	res := toolResults(run)
	st := ts.Status()
	for i, want := range []int{st[0].PID, st[1].PID} {
		if got := strings.TrimSpace(textOf(res[i].Content)); got != fmt.Sprint(want) {
			t.Errorf("call %d answered by pid %s, want %d (server %s)", i, got, want, st[i].Name)
		}
	}

	a.NoPrefix, b.NoPrefix = true, true
	both, err := Connect(testCtx(t), a, b)
	if err == nil {
		both.Close()
		t.Fatalf("two unprefixed servers with one tool name: connected, tools %v; want ErrDuplicateTool", toolNames(both.Tools()))
	}
	var le *ToolListError
	if !errors.Is(err, ErrDuplicateTool) || !errors.As(err, &le) || !strings.Contains(err.Error(), `server "orders"`) || !strings.Contains(err.Error(), `server "shop"`) {
		t.Errorf("two unprefixed servers with one tool name: %v; want ErrDuplicateTool naming both servers", err)
	}
}
