package mcptools

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// Malformed JSON-RPC: from a raw process at initialize, a clear
// ErrConnect; from an SDK server's tool writing garbage to stdout, a
// transport failure (transient) and a restart.
func TestMalformedJSONRPC(t *testing.T) {
	s := stdioServer("malformed")
	s.ConnectTimeout = 10 * time.Second
	_, err := Connect(testCtx(t), s)
	if !errors.Is(err, ErrConnect) {
		t.Fatalf("malformed server: %v, want ErrConnect", err)
	}
	if strings.Contains(err.Error(), "ConnectTimeout") {
		t.Errorf("malformed server: %v; want the decoding failure, not a timeout", err)
	}

	ts := connect(t, stdioServer("basic"))
	_, _, err = runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_garbage", `{}`))
	if !errors.Is(err, ErrTransport) || !ai.IsTransient(err) {
		t.Fatalf("garbage on stdout: %v; want a transient ErrTransport", err)
	}
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil || toolResults(run)[0].IsError {
		t.Fatalf("after garbage: %v; want a restart and the order", err)
	}
}

// Tool lists that cannot be offered: each a *ToolListError naming the
// server and tool, with its sentinel; nothing is left running.
func TestAbsurdToolLists(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "local.json")
	if err := os.WriteFile(secretFile, []byte(`{"enum":["SECRET-FROM-A-LOCAL-FILE"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var fetched atomic.Int32
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetched.Add(1)
		w.Write([]byte(`{"type":"string"}`))
	}))
	defer web.Close()

	for _, tc := range []struct {
		mode, ref string
		want      error
		text      string
	}{
		{mode: "dup", want: ErrDuplicateTool, text: "listed twice"},
		{mode: "many", want: ErrTooManyTools, text: "257 tools"},
		{mode: "schema-huge", want: ErrSchema, text: `tool "odd"`},
		{mode: "schema-deep", want: ErrSchema, text: "nested"},
		{mode: "schema-invalid", want: ErrSchema, text: "minimum"},
		{mode: "schema-notobject", want: ErrSchema, text: "/properties/n/type"},
		{mode: "schema-reffile", ref: secretFile, want: ErrSchema, text: "refers outside"},
		{mode: "schema-refurl", ref: web.URL + "/s.json", want: ErrSchema, text: "refers outside"},
	} {
		s := stdioServer(tc.mode)
		s.Env = append(s.Env, "MCPTOOLS_TEST_REF="+tc.ref)
		ts, err := Connect(testCtx(t), s)
		if err == nil {
			ts.Close()
			t.Errorf("%s: Connect accepted the tool list", tc.mode)
			continue
		}
		var le *ToolListError
		if !errors.Is(err, tc.want) || !errors.Is(err, ErrToolList) || !errors.As(err, &le) || le.Server != "orders" || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: err = %v; want a *ToolListError with %v, mentioning %q", tc.mode, err, tc.want, tc.text)
		}
		if strings.Contains(err.Error(), "SECRET-FROM-A-LOCAL-FILE") {
			t.Errorf("%s: the error shows a local file's content", tc.mode)
		}
	}
	if n := fetched.Load(); n != 0 {
		t.Errorf("a schema made this process fetch a URL %d times", n)
	}
	// The mechanism matters: the validator alone would read the file.
	if _, err := schema.Compile(map[string]any{"type": "object", "properties": map[string]any{"n": map[string]any{"$ref": "file://" + secretFile}}}); err != nil {
		t.Logf("note: schema.Compile refused the file reference by itself (%v)", err)
	}
}

// A server that exits at start, or never answers initialize: ErrConnect
// within ConnectTimeout, with its stderr; nothing left running.
func TestConnectFailures(t *testing.T) {
	_, err := Connect(testCtx(t), stdioServer("exit"))
	var se *ServerError
	if !errors.Is(err, ErrConnect) || !errors.As(err, &se) || !strings.Contains(se.Stderr, "permission denied") {
		t.Errorf("exiting server: %v; want ErrConnect with its stderr", err)
	}
	s := stdioServer("slowstart")
	s.ConnectTimeout = 300 * time.Millisecond
	ctx := testCtx(t)
	_, err = Connect(ctx, s)
	if !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "ConnectTimeout 300ms") {
		t.Errorf("silent server: %v; want ErrConnect naming ConnectTimeout", err)
	}
	if ctx.Err() != nil {
		t.Errorf("silent server: Connect returned when the test's context ended (%v), not at ConnectTimeout", ctx.Err())
	}
	s = stdioServer("basic")
	s.Command = []string{filepath.Join(t.TempDir(), "no-such-server")}
	if _, err = Connect(testCtx(t), s); !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "no-such-server") {
		t.Errorf("missing program: %v", err)
	}
}

// stderr is kept in a bounded ring, never logged: 1 MiB written, 16 KiB
// kept, from a whole line, ending with the last line.
func TestStderrBounded(t *testing.T) {
	s := stdioServer("noisy")
	s.MaxStderrBytes = 16 << 10
	ts := connect(t, s)
	st := ts.Status()[0]
	if len(st.Stderr) > 16<<10 || st.StderrBytes < 1<<20 || !strings.Contains(st.Stderr, "noisy: the last line") {
		t.Errorf("stderr kept %d bytes of %d, last line there: %v", len(st.Stderr), st.StderrBytes, strings.Contains(st.Stderr, "noisy: the last line"))
	}
	if !strings.HasPrefix(st.Stderr, "nnn") {
		t.Errorf("kept stderr does not start at a whole line: %.40q", st.Stderr)
	}
}

// tools/list_changed: the list is read again; Changed() fires; Tools()
// offers the new tool; a tool the server dropped is an error result.
func TestToolListChanged(t *testing.T) {
	ts := connect(t, stdioServer("basic"))
	before := ts.Tools()
	changed := ts.Changed()
	run, _, err := runAgent(t, before, aigentic.Agent{}, aitest.Call("orders_install", `{}`))
	if err != nil || toolResults(run)[0].IsError {
		t.Fatalf("install: %v", err)
	}
	select {
	case <-changed:
	case <-testCtx(t).Done():
		t.Fatal("Changed() did not fire after tools/list_changed")
	}
	after := ts.Tools()
	run, _, err = runAgent(t, after, aigentic.Agent{}, aitest.Call("orders_extra", `{}`))
	if err != nil || !strings.Contains(toolResults(run)[0].Content, "extra ran") {
		t.Fatalf("extra: %v %v", err, toolResults(run))
	}

	changed = ts.Changed()
	if _, _, err = runAgent(t, after, aigentic.Agent{}, aitest.Call("orders_uninstall", `{}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-testCtx(t).Done():
		t.Fatal("Changed() did not fire after the second change")
	}
	run, _, err = runAgent(t, after, aigentic.Agent{}, aitest.Call("orders_echo", `{"text":"hi"}`))
	if err != nil || !toolResults(run)[0].IsError || !strings.Contains(toolResults(run)[0].Content, "no longer offers") {
		t.Errorf("a dropped tool: %v %v; want an error result", err, toolResults(run))
	}
}
