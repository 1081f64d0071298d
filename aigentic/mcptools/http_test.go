package mcptools

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// httpMCP is a real SDK server over streamable HTTP on loopback, whose
// handler can be replaced (a restarted server: its sessions are gone).
type httpMCP struct {
	srv     *httptest.Server
	handler atomic.Pointer[http.Handler]
	auth    atomic.Value // the last Authorization header seen
	opts    *mcp.StreamableHTTPOptions
	mu      sync.Mutex
	servers []*mcp.Server
	// cancelDelay delays each notifications/cancelled (a time.Duration).
	cancelDelay atomic.Int64
}

func newHTTPMCP(t testing.TB, opts *mcp.StreamableHTTPOptions) *httpMCP {
	h := &httpMCP{opts: opts}
	h.restart()
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.auth.Store(r.Header.Get("Authorization"))
		if d := h.cancelDelay.Load(); d > 0 && r.Body != nil {
			// A slow network for cancellations: what lets a close
			// overtake them.
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if bytes.Contains(b, []byte("notifications/cancelled")) {
				time.Sleep(time.Duration(d))
			}
		}
		(*h.handler.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		h.srv.Close()
		// Sessions a client abandoned (a "restarted" server's, a
		// closed listener's) end with the test.
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, srv := range h.servers {
			for ss := range srv.Sessions() {
				ss.Close()
			}
		}
	})
	return h
}

// restart replaces the server with a new one: sessions are lost.
func (h *httpMCP) restart() {
	srv := testServer("basic")
	h.mu.Lock()
	h.servers = append(h.servers, srv)
	h.mu.Unlock()
	var handler http.Handler = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, h.opts)
	h.handler.Store(&handler)
}

func (h *httpMCP) server() Server {
	return Server{Name: "orders", URL: h.srv.URL + "/mcp", Logger: quiet(), StopGrace: 200 * time.Millisecond}
}

// Over streamable HTTP: the same tools, Meta naming the address, the
// session id on the status; Header sent and registered for redaction.
func TestHTTPTools(t *testing.T) {
	h := newHTTPMCP(t, nil)
	s := h.server()
	s.Header = http.Header{"Authorization": {"Bearer mcp-token-0123456789abcdef"}, "X-Tenant": {"tenant-acme-europe"}}
	s.URL += "?api_key=url-key-0123456789&region=eu-central-1"
	ts := connect(t, s)
	get := find(t, ts.Tools(), "orders_get_order")
	u, _ := url.Parse(h.srv.URL)
	for k, v := range map[string]string{"network.transport": "tcp", "network.protocol.name": "http", "server.address": u.Hostname(), "server.port": u.Port(), "aigentic.mcp.server": "orders"} {
		if get.Meta[k] != v {
			t.Errorf("Meta[%q] = %q, want %q", k, get.Meta[k], v)
		}
	}
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil || !strings.Contains(toolResults(run)[0].Content, "shipped") {
		t.Fatalf("run: %v %v", err, toolResults(run))
	}
	st := ts.Status()[0]
	if st.Transport != "http" || st.SessionID == "" || !st.Connected || st.PID != 0 {
		t.Errorf("status %+v", st)
	}
	if got, _ := h.auth.Load().(string); got != "Bearer mcp-token-0123456789abcdef" {
		t.Errorf("Authorization = %q", got)
	}
	if got := secret.Redact("token mcp-token-0123456789abcdef, key url-key-0123456789"); strings.Contains(got, "mcp-token") || strings.Contains(got, "url-key") {
		t.Errorf("the header's token or the URL's key is not redacted: %q", got)
	}
	if got := secret.Redact("tenant-acme-europe in eu-central-1"); got != "tenant-acme-europe in eu-central-1" {
		t.Errorf("a header or query value that is no credential was redacted: %q", got)
	}
}

// A restarted HTTP server has lost the session: the call fails in
// transport (transient), the retry opens a new session and answers.
func TestHTTPServerRestartLosesSession(t *testing.T) {
	h := newHTTPMCP(t, nil)
	ts := connect(t, h.server())
	first := ts.Status()[0].SessionID
	h.restart()
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{Retries: 2, RetryPolicy: noWait()}, aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	if err != nil || !strings.Contains(toolResults(run)[0].Content, "shipped") {
		t.Fatalf("run: %v %v", err, toolResults(run))
	}
	st := ts.Status()[0]
	if st.Restarts != 1 || st.SessionID == first || st.SessionID == "" {
		t.Errorf("status %+v; want a new session after 1 restart (was %s)", st, first)
	}
}

// An HTTP server that is gone: each attempt fails fast (transient), the
// run stops with an exhausted *ToolError naming the server; no hang.
func TestHTTPServerDown(t *testing.T) {
	h := newHTTPMCP(t, nil)
	ts := connect(t, h.server())
	h.srv.CloseClientConnections()
	h.srv.Close()
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{Retries: 2, RetryPolicy: noWait()}, aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
	var te *aigentic.ToolError
	var se *ServerError
	if !errors.As(err, &te) || !te.Exhausted || !ai.IsTransient(err) || !errors.As(err, &se) || se.Server != "orders" {
		t.Fatalf("err = %v (results %v); want an exhausted transient *ToolError with a *ServerError", err, toolResults(run))
	}
	if !errors.Is(err, ErrConnect) && !errors.Is(err, ErrTransport) {
		t.Errorf("err = %v; want ErrConnect or ErrTransport", err)
	}
}

// Over HTTP, an answer over MaxMessageBytes — a JSON body or an SSE
// event — is an error result, and the session is replaced.
func TestHTTPMessageLimit(t *testing.T) {
	for _, json := range []bool{false, true} {
		h := newHTTPMCP(t, &mcp.StreamableHTTPOptions{JSONResponse: json})
		s := h.server()
		s.MaxMessageBytes = 1 << 20
		ts := connect(t, s)
		run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{},
			aitest.Call("orders_big", `{"bytes":3000000}`), aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`))
		if err != nil {
			t.Fatalf("json=%v: %v", json, err)
		}
		res := toolResults(run)
		if !res[0].IsError || !strings.Contains(res[0].Content, "exceeded 1048576 bytes") {
			t.Errorf("json=%v big: %.200q", json, res[0].Content)
		}
		if res[1].IsError || ts.Status()[0].Restarts != 1 {
			t.Errorf("json=%v then: %q, %d restarts; want the order from a new session", json, res[1].Content, ts.Status()[0].Restarts)
		}
	}
}

// Over HTTP, a slow tool times out: an error result; the session stays.
func TestHTTPCallTimeout(t *testing.T) {
	h := newHTTPMCP(t, nil)
	s := h.server()
	s.CallTimeout = 300 * time.Millisecond
	ts := connect(t, s)
	// 5 s, not more: an in-process SDK server whose session is deleted
	// waits for its handlers (should the cancellation not reach it), and
	// the test's cleanup waits for the server.
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{}, aitest.Call("orders_slow", `{"ms":5000}`))
	if err != nil {
		t.Fatal(err)
	}
	if res := toolResults(run)[0]; !res.IsError || !strings.Contains(res.Content, "did not answer within 300ms") {
		t.Errorf("slow: %q", res.Content)
	}
	if st := ts.Status()[0]; st.Restarts != 0 || !st.Connected {
		t.Errorf("status %+v; want the same session", st)
	}
}

// Closed right after a call timed out, the toolset first lets the call's
// cancellation go out (the SDK sends it in the background, here over a
// slow network): the server stops working on the call, rather than
// holding the session's DELETE until the call would have ended.
func TestCloseAfterTimeoutCancelsFirst(t *testing.T) {
	h := newHTTPMCP(t, nil)
	h.cancelDelay.Store(int64(300 * time.Millisecond))
	s := h.server()
	s.CallTimeout = 200 * time.Millisecond
	s.StopGrace = 30 * time.Second // what bounds the wait is the cancellation going out
	ts := connect(t, s)
	for len(slowEnds) > 0 {
		<-slowEnds
	}
	if res, err := ts.servers[0].call(testCtx(t), "slow", map[string]any{"ms": 5000}); err != nil || !res.Error {
		t.Fatalf("slow: %v %v", res, err)
	}
	ts.Close()
	select {
	case how := <-slowEnds:
		if how != "cancelled" {
			t.Errorf("the server's call ended %s; want cancelled", how)
		}
	case <-testCtx(t).Done():
		t.Fatal("the server's call never ended")
	}
}
