package openai_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	oai "github.com/openai/openai-go/v3"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// TestKeyNeverLeaks fails requests in every way — with servers that echo
// the Authorization header back in every field they can — and checks that
// the key appears in no error text, however formatted, nor in any error of
// the chain.
func TestKeyNeverLeaks(t *testing.T) {
	echo := func(r *http.Request) string { return "you sent " + r.Header.Get("Authorization") }
	handlers := map[string]http.HandlerFunc{
		"401 echoing the key": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, apiError("Incorrect API key provided: "+echo(r), "invalid_request_error", "invalid_api_key"))
		},
		"429 echoing the key in code": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, apiError(echo(r), "requests", testKey))
		},
		"500 plain text echo": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			_, _ = w.Write([]byte(echo(r)))
		},
		"200 malformed echo": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"id": "`+echo(r)+`", choices`)
		},
		"200 HTML echo": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/"+testKey)
			_, _ = w.Write([]byte("<p>" + echo(r)))
		},
		"stream error event echo": func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(readBody(r), `"stream":true`) {
				writeSSE(w, `{"error":{"message":"`+echo(r)+`","type":"server_error"}}`)
				return
			}
			writeJSON(w, 503, apiError(echo(r), "server_error", ""))
		},
		"truncated stream": func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"`+testKey+`"}`, ""))
		},
		"connection reset": func(w http.ResponseWriter, r *http.Request) { hijackReset(t, w) },
		"slow": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		},
	}
	for name, h := range handlers {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", name, stream), func(t *testing.T) {
				api := newFakeAPI(t, h)
				m := newModel(t, api.URL())
				req := hello
				if stream {
					req = streaming(hello)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				defer cancel()
				_, err := m.Generate(ctx, req)
				assertNoKey(t, err)
				_, err = m.Ping(ctx)
				if err != nil {
					assertNoKey(t, err)
				}
			})
		}
	}
	t.Run("unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		m := newModel(t, "http://"+addr+"/v1")
		_, err = m.Generate(context.Background(), hello)
		assertNoKey(t, err)
		_, err = m.Ping(context.Background())
		assertNoKey(t, err)
	})
}

func assertNoKey(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	var me *ai.ModelError
	if !errors.As(err, &me) {
		t.Fatalf("not a ModelError: %T", err)
	}
	texts := []string{
		err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err),
		fmt.Sprintf("%s", err), fmt.Sprintf("%q", err), me.Message, me.Code,
	}
	// Every error of the chain, as a caller digging with errors.As would.
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		texts = append(texts, e.Error(), fmt.Sprintf("%+v", e))
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	// The SDK's error stays reachable, without the Authorization header.
	var sdkErr *oai.Error
	if errors.As(err, &sdkErr) {
		if sdkErr.Request == nil || sdkErr.Request.Header.Get("Authorization") != "" ||
			sdkErr.Response == nil || sdkErr.Response.Request.Header.Get("Authorization") != "" {
			t.Fatalf("the SDK error holds the Authorization header")
		}
		texts = append(texts, string(sdkErr.DumpRequest(true)))
	}
	for _, s := range texts {
		if strings.Contains(s, testKey) || strings.Contains(s, "SECRET") {
			t.Fatalf("the API key leaked: %s", s)
		}
	}
}
