package openai_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

func TestPingOK(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v1/models/gpt-test" || r.Header.Get("Authorization") != "Bearer "+testKey {
			t.Errorf("%s %s auth=%v", r.Method, r.URL.Path, r.Header.Get("Authorization") != "")
		}
		writeJSON(w, 200, `{"id":"gpt-test","object":"model","created":1686935002,"owned_by":"openai"}`)
	})
	res, err := newModel(t, api.URL()).Ping(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Provider != "openai" || res.Model != "gpt-test" || !strings.Contains(res.Detail, "owned by openai") {
		t.Errorf("%+v", res)
	}
	if api.Hits() != 1 {
		t.Errorf("hits = %d", api.Hits())
	}
}

func TestPingBadKey(t *testing.T) {
	for _, status := range []int{401, 403} {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, status, apiError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"))
		})
		_, err := newModel(t, api.URL()).Ping(context.Background())
		me := modelError(t, err)
		if me.Transient || me.StatusCode != status || !errors.Is(err, openai.ErrUnauthorized) || errors.Is(err, openai.ErrUnreachable) {
			t.Fatalf("%d: %v", status, err)
		}
	}
}

func TestPingUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	m := newModel(t, "http://"+addr+"/v1")
	_, err = m.Ping(context.Background())
	me := modelError(t, err)
	if !me.Transient || me.StatusCode != 0 || !errors.Is(err, openai.ErrUnreachable) || errors.Is(err, openai.ErrUnauthorized) {
		t.Fatalf("%v", err)
	}
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("message = %v", err)
	}
	// Generate against the same address fails the same way.
	if _, err := m.Generate(context.Background(), hello); !errors.Is(err, openai.ErrUnreachable) || !ai.IsTransient(err) {
		t.Errorf("Generate: %v", err)
	}
}

// A compatible server without GET /models/{id} (vLLM, LM Studio) answers
// 404 without OpenAI's model_not_found code: reachable, model unverified.
func TestPingServerWithoutModelRoute(t *testing.T) {
	for name, body := range map[string]string{
		"plain text": "404 page not found",
		"FastAPI":    `{"detail":"Not Found"}`,
	} {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(body))
		})
		res, err := newModel(t, api.URL()).Ping(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(res.Detail, "not verified") {
			t.Errorf("%s: detail = %q", name, res.Detail)
		}
	}
}

func TestPingUnknownModel(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, apiError("The model 'gpt-test' does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"))
	})
	_, err := newModel(t, api.URL()).Ping(context.Background())
	me := modelError(t, err)
	if me.Transient || me.StatusCode != 404 || me.Code != "model_not_found" || !strings.Contains(me.Message, "does not exist") {
		t.Fatalf("%v", err)
	}
}

func TestPingServerError(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, apiError("overloaded", "server_error", ""))
	})
	_, err := newModel(t, api.URL()).Ping(context.Background())
	me := modelError(t, err)
	if !me.Transient || errors.Is(err, openai.ErrUnreachable) {
		t.Fatalf("%v", err)
	}
}
