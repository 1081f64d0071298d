package mcptools

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// httpTransport is the SDK's streamable HTTP client transport for s, its
// responses held to MaxMessageBytes: a JSON body in all, an SSE stream per
// event. tooLarge is set when a response is cut.
func httpTransport(s *Server, tooLarge *atomic.Bool, sentCancel func()) mcp.Transport {
	base := http.DefaultTransport
	client := &http.Client{}
	if s.HTTPClient != nil {
		c := *s.HTTPClient
		client = &c
		if c.Transport != nil {
			base = c.Transport
		}
	}
	client.Transport = &limitTransport{base: base, header: s.Header, max: int64(s.MaxMessageBytes), tooLarge: tooLarge, grace: s.StopGrace, sentCancel: sentCancel}
	return &mcp.StreamableClientTransport{
		Endpoint:   s.URL,
		HTTPClient: client,
		// Ours holds each event to max (and says so); the SDK's cap
		// sits above it.
		MaxEventSize: s.MaxMessageBytes + 1,
		// The standalone stream reconnects at most twice before the
		// connection counts as broken (and the next call reconnects).
		MaxRetries: 2,
	}
}

// registerCredentials registers for redaction what in a server's
// configuration is a credential: the values of its credential headers
// (Authorization, Proxy-Authorization, Cookie, and names such as
// X-Api-Key or X-Auth-Token, by secret.IsSecretName), with and without
// their scheme ("Bearer"), and its URL's password and credential-named
// query values (?api_key=...). Such a value must never reach a log, an
// error or a span.
func registerCredentials(raw string, h http.Header) {
	for name, vs := range h {
		n := http.CanonicalHeaderKey(name)
		if n != "Authorization" && n != "Proxy-Authorization" && n != "Cookie" && !secret.IsSecretName(strings.ReplaceAll(n, "-", "_")) {
			continue
		}
		for _, v := range vs {
			secret.Register(v)
			if _, tok, ok := strings.Cut(v, " "); ok {
				secret.Register(tok)
			}
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	if p, ok := u.User.Password(); ok {
		secret.Register(p)
	}
	for k, vs := range u.Query() {
		for _, v := range vs {
			secret.RegisterNamed(k, v)
		}
	}
}

// limitTransport adds the configured headers, caps response bodies, and
// bounds the session's closing DELETE by StopGrace.
type limitTransport struct {
	base     http.RoundTripper
	header   http.Header
	max      int64
	tooLarge *atomic.Bool
	grace    time.Duration
	// sentCancel is called when a notifications/cancelled got through.
	sentCancel func()
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(t.header) > 0 {
		req = req.Clone(req.Context())
		for k, vs := range t.header {
			req.Header[k] = append([]string(nil), vs...)
		}
	}
	if req.Method == http.MethodDelete {
		// Ending a session is a courtesy (the SDK waits up to 5 s): a
		// server still busy with a call whose cancellation it missed
		// would hold Close that long.
		ctx, cancel := context.WithTimeout(req.Context(), t.grace)
		defer cancel()
		resp, err := t.base.RoundTrip(req.WithContext(ctx))
		if err == nil && resp.Body != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
			resp.Body.Close()
			resp.Body = http.NoBody
		}
		return resp, err
	}
	cancel := req.Method == http.MethodPost && isCancel(req)
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	if cancel {
		t.sentCancel()
	}
	sse := strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/event-stream")
	resp.Body = &limitBody{rc: resp.Body, max: t.max, perEvent: sse, tooLarge: t.tooLarge}
	return resp, nil
}

// isCancel reports whether req's body (read from a copy) is a
// notifications/cancelled.
func isCancel(req *http.Request) bool {
	if req.GetBody == nil || req.ContentLength > 4<<10 {
		return false
	}
	body, err := req.GetBody()
	if err != nil {
		return false
	}
	defer body.Close()
	b, _ := io.ReadAll(io.LimitReader(body, 4<<10))
	return bytes.Contains(b, cancelMethod)
}

// cancelMethod is how a cancellation notification names its method (the
// SDK writes JSON without spaces).
var cancelMethod = []byte(`"method":"notifications/cancelled"`)

// limitBody fails a body past max bytes — in all, or, for an SSE stream,
// since the last blank line (per event).
type limitBody struct {
	rc       io.ReadCloser
	max      int64
	perEvent bool
	n        int64
	nl       bool // the last byte was a newline
	tooLarge *atomic.Bool
}

func (b *limitBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	for i := 0; i < n; i++ {
		if b.perEvent {
			c := p[i]
			if c == '\r' {
				continue
			}
			if c == '\n' && b.nl {
				b.n = 0
			}
			b.nl = c == '\n'
		}
		b.n++
		if b.n > b.max {
			b.tooLarge.Store(true)
			return i, errMessageTooLarge
		}
	}
	return n, err
}

func (b *limitBody) Close() error { return b.rc.Close() }

// hostPort is u's host and port for server.address and server.port; the
// port is the scheme's default when the URL has none.
func hostPort(raw string) (host, port string) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	host, port = u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String()
	}
	return host, port
}
