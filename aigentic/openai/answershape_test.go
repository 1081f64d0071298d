package openai_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/internal/hangserver"
)

// An HTTP error with a 1 MiB message: the error's Message keeps at most
// MaxErrorMessage bytes of it, cut on a UTF-8 boundary and marked, while
// the code and the context-length sizes are still read from it whole.
func TestHugeErrorMessageIsCut(t *testing.T) {
	for _, c := range []struct {
		pad string // of both parities: a cut at an odd byte splits an "é"
		req ai.Request
	}{{"", hello}, {"x", hello}, {"", streaming(hello)}, {"x", streaming(hello)}} {
		msg := "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. " + c.pad +
			strings.Repeat("é", 1<<19) // 2 bytes a rune
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusBadRequest, apiError(msg, "invalid_request_error", "context_length_exceeded"))
		})
		_, err := newModel(t, api.URL()).Generate(context.Background(), c.req)
		me := modelError(t, err)
		if n := len(me.Message); n > openai.MaxErrorMessage+200 {
			t.Fatalf("Message is %d bytes; want at most MaxErrorMessage (%d) and short marks", n, openai.MaxErrorMessage)
		}
		if len(err.Error()) > openai.MaxErrorMessage+300 {
			t.Fatalf("the error's text is %d bytes", len(err.Error()))
		}
		if !utf8.ValidString(me.Message) || !strings.HasPrefix(me.Message, "This model's maximum context length") || !strings.Contains(me.Message, "message cut") {
			t.Errorf("Message %q…: want the start of the message, valid UTF-8, marked as cut", me.Message[:120])
		}
		var cle *ai.ContextLengthError
		if me.Code != "context_length_exceeded" || !errors.As(err, &cle) || cle.Window != 8192 || me.StatusCode != 400 || ai.IsTransient(err) {
			t.Errorf("structured fields lost: code %q, status %d, context length %+v, transient %t", me.Code, me.StatusCode, cle, ai.IsTransient(err))
		}
	}
}

// A message of exactly MaxErrorMessage bytes is kept whole.
func TestErrorMessageOfTheLimitIsKept(t *testing.T) {
	msg := strings.Repeat("m", openai.MaxErrorMessage)
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, apiError(msg, "invalid_request_error", "invalid_value"))
	})
	_, err := newModel(t, api.URL()).Generate(context.Background(), hello)
	if me := modelError(t, err); me.Message != msg {
		t.Errorf("a message of %d bytes became %d bytes", len(msg), len(me.Message))
	}
}

// A redirect is not followed: the error says the server redirected, with
// the status and the target's scheme and host only (no path, no query: a
// Location may hold a token), is permanent, and is not ErrUnreachable —
// the breaker got "cannot reach the server ...: network error", retried.
func TestRedirectIsReportedNotFollowed(t *testing.T) {
	cases := []struct{ location, want string }{
		{"https://api.example.invalid:8443/v1/chat/completions?token=Zq9SECRET", "redirected the request to https://api.example.invalid:8443: redirects are not followed"},
		{"/elsewhere/v1/chat/completions?token=Zq9SECRET", "redirected the request to another path on http://127.0.0.1:"},
		{"", "redirected the request, with no usable Location"},
		{"::no scheme/v1?token=Zq9SECRET", "redirected the request, with no usable Location"}, // Go's client cannot parse it
	}
	for _, c := range cases {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if c.location != "" {
				w.Header().Set("Location", c.location)
			}
			w.WriteHeader(http.StatusTemporaryRedirect)
		})
		// The package's own client, and a copy of a caller's that has no
		// CheckRedirect.
		def, callers := newModel(t, api.URL()), newModel(t, api.URL(), openai.WithHTTPClient(&http.Client{}))
		own := newModel(t, api.URL(), openai.WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}))
		for _, call := range []func() error{
			func() error { _, err := def.Generate(context.Background(), hello); return err },
			func() error { _, err := def.Generate(context.Background(), streaming(hello)); return err },
			func() error { _, err := def.Ping(context.Background()); return err },
			func() error { _, err := callers.Generate(context.Background(), hello); return err },
			func() error { _, err := own.Generate(context.Background(), hello); return err },
		} {
			err := call()
			me := modelError(t, err)
			if !errors.Is(err, openai.ErrRedirected) || errors.Is(err, openai.ErrUnreachable) || ai.IsTransient(err) || me.StatusCode != http.StatusTemporaryRedirect {
				t.Errorf("Location %q: %v; want a permanent ErrRedirected with status 307", c.location, err)
			}
			if !strings.Contains(me.Message, c.want) {
				t.Errorf("Location %q: message %q does not say %q", c.location, me.Message, c.want)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "elsewhere") {
				t.Errorf("the error shows the Location's path or query: %v", err)
			}
		}
		if api.Hits() != 5 {
			t.Errorf("Location %q: %d requests for 5 calls: a redirect was followed", c.location, api.Hits())
		}
	}
}

// A client given with WithHTTPClient is not changed, and one without a
// CheckRedirect does not follow redirects either.
func TestRedirectWithCallersClient(t *testing.T) {
	var other int
	var mu sync.Mutex
	target := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		other++
		mu.Unlock()
		writeJSON(w, 200, completion("from elsewhere", "stop"))
	})
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	follow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	for _, client := range []*http.Client{{}, follow} {
		m := newModel(t, api.URL(), openai.WithHTTPClient(client))
		_, err := m.Generate(context.Background(), hello)
		me := modelError(t, err)
		if !errors.Is(err, openai.ErrRedirected) || ai.IsTransient(err) || !strings.Contains(me.Message, "redirected the request to "+target.srv.URL) {
			t.Errorf("follows redirects: %t: %v; want a permanent ErrRedirected naming %s", client.CheckRedirect != nil, err, target.srv.URL)
		}
	}
	if follow.CheckRedirect == nil {
		t.Error("the caller's client was changed")
	}
	if other != 0 {
		t.Errorf("the redirect target got %d requests", other)
	}
}

// A 200 with an empty body, or with a body and no Content-Type, says what
// the server sent; the breaker got openai-go's "expected destination type
// of 'string' or '[]byte' for responses with content-type ”".
func TestSuccessBodyThatIsNoAnswer(t *testing.T) {
	cases := []struct {
		name, contentType, body, want string
	}{
		{"empty", "", "", "the server sent an empty success body"},
		{"empty JSON", "application/json", "", "the server sent an empty success body"},
		{"empty stream", "text/event-stream", "", "the server sent an empty success body"},
		{"no content type", "", "hello I am not json", "the server sent a success body with no Content-Type"},
	}
	for _, c := range cases {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // no sniffing
			if c.contentType != "" {
				w.Header().Set("Content-Type", c.contentType)
			}
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, c.body)
		})
		m := newModel(t, api.URL())
		calls := map[string]func() error{
			"generate": func() error { _, err := m.Generate(context.Background(), hello); return err },
			"ping":     func() error { _, err := m.Ping(context.Background()); return err },
		}
		if c.body == "" {
			calls["stream"] = func() error { _, err := m.Generate(context.Background(), streaming(hello)); return err }
		}
		for name, call := range calls {
			err := call()
			me := modelError(t, err)
			if !errors.Is(err, openai.ErrMalformedResponse) || ai.IsTransient(err) || !strings.Contains(me.Message, c.want) || strings.Contains(me.Message, "destination type") {
				t.Errorf("%s, %s: %v; want a permanent ErrMalformedResponse saying %q", c.name, name, err, c.want)
			}
		}
	}
}

// A server that accepts the connection and never answers was reached:
// the error says it did not answer in time, for a transport timeout and
// for the caller's deadline. The breaker got "cannot reach the server at
// ...: network timeout".
func TestServerThatNeverAnswers(t *testing.T) {
	addr := hangserver.Listen(t)
	base := "http://" + addr + "/v1"

	// The transport's ResponseHeaderTimeout (10 minutes by default; short
	// here: the server never answers, so the test waits on nothing else).
	tr := openai.NewTransport()
	tr.ResponseHeaderTimeout = 20 * time.Millisecond
	t.Cleanup(tr.CloseIdleConnections)
	m := newModel(t, base, openai.WithHTTPClient(&http.Client{Transport: tr}))
	_, err := m.Generate(context.Background(), hello)
	me := modelError(t, err)
	want := "the server at " + addr + " took the request and did not answer in time"
	if !strings.Contains(me.Message, want) || strings.Contains(me.Message, "cannot reach") || !ai.IsTransient(err) || !errors.Is(err, openai.ErrUnreachable) {
		t.Errorf("transport timeout: %v; want a transient error saying %q", err, want)
	}

	// The caller's deadline, passing once the request is written (so the
	// test does not depend on how fast a loaded machine writes it). The
	// trace is on the caller's context, so its hook runs after the
	// model's own.
	ctx := runtest.NewDeadline()
	ctx.Context = httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { ctx.Expire() },
	})
	_, err = newModel(t, base).Generate(ctx, hello)
	me = modelError(t, err)
	want = "the server at " + addr + " took the request and did not answer before the deadline"
	if !strings.Contains(me.Message, want) || !errors.Is(err, context.DeadlineExceeded) || !ai.IsTransient(err) {
		t.Errorf("deadline: %v; want a transient error saying %q", err, want)
	}
}

// A port where nothing listens is still "cannot reach".
func TestRefusedIsStillUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	_, err = newModel(t, (&url.URL{Scheme: "http", Host: addr, Path: "/v1"}).String()).Generate(context.Background(), hello)
	if me := modelError(t, err); !strings.Contains(me.Message, "cannot reach the server at "+addr) || !errors.Is(err, openai.ErrUnreachable) {
		t.Errorf("refused: %v", err)
	}
}
