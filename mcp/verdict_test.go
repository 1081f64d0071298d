package main

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/mcptools"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// TestDemo1DeniedCallIsACall is what the real llama-server's tiny model
// did: its only call was orders_cancel_order, denied approval. That is a
// call of the server's tool which never reached the server — not "the
// model called none of the orders server's tools".
func TestDemo1DeniedCallIsACall(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_cancel_order", `{"order_id":",","reason":""}`)),
		aitest.Reply("The task is complete."))
	out, err := runApp(t, []string{"-demo", "1"}, system{model: model})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Approval needed for orders_cancel_order",
		"– 1 (MCP) not shown: no call of the orders server's tools ran on the server; the model called orders_cancel_order, denied approval.",
		"✓ 1: orders_cancel_order asked for approval and was denied: it never reached the server.",
		"– 1 (local) not shown: the model did not call lookup_ticket.")
	mustNotContain(t, out, "called none", "did not behave")
}

// TestDemo1RefusedCallIsNotARun: a call with arguments the tool's schema
// refuses never reaches the server either; the verdict says so, and does
// not count it as a call that ran (whose answer would then be missing its
// untrusted-data block).
func TestDemo1RefusedCallIsNotARun(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_get_order", `{}`)),
		aitest.Reply("The task is complete."))
	out, err := runApp(t, []string{"-demo", "1"}, system{model: model})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		`– 1 (MCP) not shown: no call of the orders server's tools ran on the server; the model called orders_get_order, refused before the server (invalid arguments for tool "orders_get_order"`)
	mustNotContain(t, out, "called none", "did not behave", "✓ 1: 1 call ran")
}

// TestDemo1CallsThatRanAndOneDenied: calls that ran are counted as
// such, next to a denied one.
func TestDemo1CallsThatRanAndOneDenied(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`), aitest.Call("orders_cancel_order", `{"order_id":"ord_1042","reason":"x"}`)),
		aitest.Reply("Order ord_1042 has shipped."))
	out, err := runApp(t, []string{"-demo", "1"}, system{model: model})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"✓ 1: 1 call ran on the orders server; each answer reached the model inside an untrusted-data block.",
		"✓ 1: orders_cancel_order asked for approval and was denied: it never reached the server.")
	mustNotContain(t, out, "1 (MCP) not shown", "did not behave")
}

// TestArgsTextInNameOrder: the approval line lists the arguments in name
// order, the same on every run (a map's range order is random).
func TestArgsTextInNameOrder(t *testing.T) {
	args := map[string]any{"reason": "x", "order_id": "ord_1042", "a": 1, "z": true}
	for range 20 {
		if got := argsText(args); got != "a=1 order_id=ord_1042 reason=x z=true" {
			t.Fatalf("argsText = %q", got)
		}
	}
}

// TestAllowListIsTheOnlyOne: the agent of demo 1 gets exactly the tools
// the toolset's allow-list lets through, and the verdict checks that the
// administrator's tool was withheld from every request to the model. A
// model that calls every tool offered (coop) would call export_orders if
// it were offered.
func TestAllowListIsTheOnlyOne(t *testing.T) {
	model := &recording{Model: coop{}}
	out, err := runApp(t, []string{"-demo", "1"}, system{model: model})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"withheld: export_orders.",
		"✓ 1: the allow-list withheld export_orders: the server lists it, and the model was never offered orders_export_orders.")
	want := []string{"lookup_ticket", "orders_cancel_order", "orders_get_order", "orders_track_shipment"}
	if got := model.offered(); !slices.Equal(got, want) {
		t.Errorf("the model was offered %v, want %v (what the allow-list lets through, and the local tool)", got, want)
	}
}

// recording is a model that records the tools each request offered.
type recording struct {
	ai.Model
	mu    sync.Mutex
	tools map[string]bool
}

func (r *recording) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	r.mu.Lock()
	if r.tools == nil {
		r.tools = map[string]bool{}
	}
	for _, t := range req.Tools {
		r.tools[t.Name] = true
	}
	r.mu.Unlock()
	return r.Model.Generate(ctx, req)
}

func (r *recording) offered() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.tools))
}

// findings is v's lines, as printed: "✓ text", "– part: text", "text".
func findings(v verdict) []string {
	var out []string
	for _, f := range v.Notes {
		switch f.Mark {
		case cli.Held:
			out = append(out, "✓ "+f.Text)
		case cli.NotShown:
			out = append(out, "– "+f.Part+": "+f.Text)
		default:
			out = append(out, f.Text)
		}
	}
	return out
}

// checkVerdict checks v: failing with an error containing wantErr, or
// (wantErr "") not failing; and no ✓ line containing each of notGood.
func checkVerdict(t *testing.T, name string, v verdict, wantErr string, notGood ...string) {
	t.Helper()
	lines := findings(v)
	switch {
	case wantErr == "" && v.err != nil:
		t.Errorf("%s: failed: %v\n%q", name, v.err, lines)
	case wantErr != "" && (v.err == nil || !strings.Contains(v.err.Error(), wantErr)):
		t.Errorf("%s: err = %v, want one saying %q\n%q", name, v.err, wantErr, lines)
	}
	for _, l := range lines {
		for _, n := range notGood {
			if strings.HasPrefix(l, "✓") && strings.Contains(l, n) {
				t.Errorf("%s: a ✓ it should not have: %q", name, l)
			}
		}
	}
}

var listed = []string{"orders_cancel_order", "orders_get_order", "orders_track_shipment", "orders_export_orders"}

// Demo 1's verdict fed failing outcomes: each is a failure, never a ✓
// for what did not happen.
func TestVerdictToolsFailures(t *testing.T) {
	okCall := toolCall{name: "orders_get_order", ran: true, delimited: true, result: "{}"}
	offered := []string{"orders_cancel_order", "orders_get_order", "orders_track_shipment", "lookup_ticket"}
	for _, c := range []struct {
		name    string
		f       toolsFacts
		wantErr string
		notGood []string
	}{
		{"the allow-list let the admin tool through",
			toolsFacts{listed: listed, offered: append(slices.Clone(offered), "orders_export_orders"), calls: []toolCall{okCall}, local: 1},
			"the allow-list let orders_export_orders through", []string{"withheld"}},
		{"a withheld tool ran on the server",
			toolsFacts{listed: listed, offered: offered, calls: []toolCall{{name: "orders_export_orders", ran: true, delimited: true}}, local: 1},
			"orders_export_orders ran on the server, though the allow-list withholds it", []string{"ran on the orders server"}},
		{"a successful answer not delimited",
			toolsFacts{listed: listed, offered: offered, calls: []toolCall{{name: "orders_get_order", ran: true, result: `{"status":"shipped"}`}}, local: 1},
			"1 of the server's answers reached the model not delimited", []string{"ran on the orders server"}},
		{"one answer delimited, one not",
			toolsFacts{listed: listed, offered: offered, calls: []toolCall{okCall, {name: "orders_track_shipment", ran: true}}, local: 1},
			"1 of the server's answers reached the model not delimited", []string{"ran on the orders server"}},
		{"a denied call that ran",
			toolsFacts{listed: listed, offered: offered, calls: []toolCall{{name: "orders_cancel_order", denied: true, ran: true}}, local: 1},
			"was denied approval, yet it ran on the server", []string{"denied"}},
	} {
		checkVerdict(t, c.name, verdictTools(c.f), c.wantErr, c.notGood...)
	}
}

// Demo 1's verdict on outcomes that are not failures: what each shows,
// and what it could not.
func TestVerdictToolsShown(t *testing.T) {
	offered := []string{"orders_get_order"}
	v := verdictTools(toolsFacts{listed: listed, offered: offered, local: 1, calls: []toolCall{
		{name: "orders_get_order", ran: true, delimited: true},
		{name: "orders_get_order", ran: true, isError: true, result: "did not answer within 2s"},
	}})
	checkVerdict(t, "a toolset error result", v, "")
	if got := findings(v); !slices.Contains(got, "✓ 1: 2 calls ran on the orders server; 1 of its answers reached the model inside an untrusted-data block, the other 1 were error results of the toolset itself.") {
		t.Errorf("findings %q", got)
	}
	// A server that does not list the admin tool: nothing was withheld,
	// and the verdict says it could not check.
	v = verdictTools(toolsFacts{listed: []string{"orders_get_order"}, offered: offered, local: 1})
	checkVerdict(t, "no admin tool listed", v, "", "withheld")
	if got := findings(v); !slices.Contains(got, "– 1 (allow-list): the server did not list orders_export_orders, so there was nothing to withhold") {
		t.Errorf("findings %q", got)
	}
	// No request to the model seen: what it was offered could not be
	// checked, and the verdict says so instead of a ✓.
	v = verdictTools(toolsFacts{listed: listed, local: 1})
	checkVerdict(t, "no request seen", v, "", "withheld")
	if got := findings(v); !slices.Contains(got, "– 1 (allow-list): no request to the model was seen, so whether it was offered orders_export_orders could not be checked") {
		t.Errorf("findings %q", got)
	}
}

// Demo 2's verdict fed failing outcomes.
func TestVerdictSlowFailures(t *testing.T) {
	timedOut := toolCall{name: "orders_track_shipment", ran: true, isError: true, result: `the track_shipment tool (MCP server "orders") did not answer within 2s`, duration: 2 * time.Second}
	st := mcptools.ServerStatus{Connected: true, PID: 7}
	good := slowFacts{calls: []toolCall{timedOut}, took: 2 * time.Second, slow: 30 * time.Second, callTimeout: 2 * time.Second, before: st, after: st}
	checkVerdict(t, "the design", verdictSlow(good), "")
	for _, c := range []struct {
		name    string
		change  func(*slowFacts)
		wantErr string
	}{
		{"the run failed", func(f *slowFacts) { f.runErr = errors.New("boom") }, "the run should have gone on after the timeout"},
		{"the call answered", func(f *slowFacts) { f.calls = []toolCall{{name: "orders_track_shipment", ran: true, result: "{}"}} }, "track_shipment should have timed out"},
		{"another error", func(f *slowFacts) {
			f.calls = []toolCall{{name: "orders_track_shipment", isError: true, result: "boom"}}
		}, "track_shipment should have timed out"},
		{"the run took as long as the slow tool", func(f *slowFacts) { f.took = 30 * time.Second }, "the timeout did not cut it"},
		{"the run took longer", func(f *slowFacts) { f.took = time.Minute }, "the timeout did not cut it"},
		{"the server restarted", func(f *slowFacts) { f.after.Restarts = 1 }, "a timeout should keep the connection"},
		{"another process", func(f *slowFacts) { f.after.PID = 8 }, "a timeout should keep the connection"},
		{"disconnected", func(f *slowFacts) { f.after.Connected = false }, "a timeout should keep the connection"},
	} {
		f := good
		c.change(&f)
		checkVerdict(t, c.name, verdictSlow(f), c.wantErr, "track_shipment was cancelled")
	}
	v := verdictSlow(slowFacts{slow: 30 * time.Second})
	checkVerdict(t, "no call", v, "", "cancelled")
	if got := findings(v); !slices.Equal(got, []string{"– 2: the model did not call track_shipment"}) {
		t.Errorf("findings %q", got)
	}
}

// Demo 3's verdict fed failing outcomes.
func TestVerdictToolErrorFailures(t *testing.T) {
	busy := toolCall{name: "orders_get_order", ran: true, isError: true, result: "the orders database is busy"}
	ok := toolCall{name: "orders_get_order", ran: true, result: "{}"}
	checkVerdict(t, "the design", verdictToolError(toolErrorFacts{calls: []toolCall{busy, ok}}), "")
	for _, c := range []struct {
		name    string
		f       toolErrorFacts
		wantErr string
	}{
		{"the run failed", toolErrorFacts{runErr: errors.New("boom"), calls: []toolCall{busy}}, "the run should have gone on after the error result"},
		{"the first call answered", toolErrorFacts{calls: []toolCall{ok}}, "should have been the server's isError"},
		{"another error", toolErrorFacts{calls: []toolCall{{name: "orders_get_order", isError: true, result: "no order"}}}, "should have been the server's isError"},
	} {
		checkVerdict(t, c.name, verdictToolError(c.f), c.wantErr, "3a", "3b")
	}
	// An error again on the second call is not a recovery.
	v := verdictToolError(toolErrorFacts{calls: []toolCall{busy, busy}})
	checkVerdict(t, "no recovery", v, "", "3b")
	if got := findings(v); !slices.Contains(got, "– 3b: the model did not call get_order again after the error; it answered with the error") {
		t.Errorf("findings %q", got)
	}
}

// Demo 4's verdict fed failing outcomes.
func TestVerdictKilledFailures(t *testing.T) {
	answered := toolCall{name: "orders_get_order", ran: true, result: "{}"}
	before := mcptools.ServerStatus{Connected: true, PID: 7, SessionID: "a"}
	after := mcptools.ServerStatus{Connected: true, PID: 9, SessionID: "a", Restarts: 1}
	good := killedFacts{calls: []toolCall{answered}, retries: 1, victim: 7, victimGone: true, before: before, after: after}
	checkVerdict(t, "the design", verdictKilled(good), "")
	httpGood := good
	httpGood.http, httpGood.after.PID, httpGood.after.SessionID = true, 7, "b"
	checkVerdict(t, "the design over HTTP", verdictKilled(httpGood), "")
	for _, c := range []struct {
		name    string
		base    killedFacts
		change  func(*killedFacts)
		wantErr string
	}{
		{"not killed, run failed", good, func(f *killedFacts) { f.victim, f.runErr = 0, errors.New("boom") }, "the run failed before the server could be killed"},
		{"the killer failed", good, func(f *killedFacts) { f.victim, f.killErr = 0, errors.New("ctx") }, "the server was not killed: ctx"},
		{"not killed", good, func(f *killedFacts) { f.victim = 0 }, "the model's call never reached it"},
		{"killed, run failed", good, func(f *killedFacts) { f.runErr = errors.New("boom") }, "the retry should have restarted the server"},
		{"killed, no call", good, func(f *killedFacts) { f.calls = nil }, "no call of get_order came back"},
		{"no retry", good, func(f *killedFacts) { f.retries = 0 }, "want the call retried"},
		{"not restarted", good, func(f *killedFacts) { f.after.Restarts = 0 }, "want the call retried"},
		{"restarted twice", good, func(f *killedFacts) { f.after.Restarts = 2 }, "want the call retried"},
		{"same pid", good, func(f *killedFacts) { f.after.PID = 7 }, "want the call retried"},
		{"victim alive", good, func(f *killedFacts) { f.victimGone = false }, "want the call retried"},
		{"disconnected", good, func(f *killedFacts) { f.after.Connected = false }, "want the call retried"},
		{"failed again", good, func(f *killedFacts) {
			f.calls = []toolCall{{name: "orders_get_order", isError: true, result: "transport"}}
		}, "want the call retried"},
		{"same session over HTTP", httpGood, func(f *killedFacts) { f.after.SessionID = "a" }, "want the call retried"},
	} {
		f := c.base
		c.change(&f)
		checkVerdict(t, c.name, verdictKilled(f), c.wantErr, "4:")
	}
}
