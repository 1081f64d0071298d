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
	if res.Provider != "openai" || res.Model != "gpt-test" || !strings.Contains(res.Detail, "owned by openai") || res.Unverified {
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
	// One line that names the server it cannot reach (issue 17: with the
	// server down, a program says which server).
	if !strings.Contains(err.Error(), "cannot reach the server at "+addr+": connection refused") {
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
		if !strings.Contains(res.Detail, "not verified") || !res.Unverified {
			t.Errorf("%s: detail = %q, unverified %v", name, res.Detail, res.Unverified)
		}
	}
}

// llama.cpp's llama-server has no GET /models/{id} (404) and serves any
// model name with the one it loaded; it lists that one in GET /models.
// Ping verifies the model by the list, and says it could not when the
// name is not listed: a typo in OPENAI_MODEL no longer passes as "ok".
func TestPingLlamaCppByItsList(t *testing.T) {
	rec := readTranscript(t, "one-call-00-models.txt") // GET /v1/models, GET /v1/models/tiny-qwen, .../no-such-model
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		r0 := rec[1] // 404 "File Not Found" for any id
		if r.URL.Path == "/v1/models" {
			r0 = rec[0]
		}
		writeJSON(w, r0.status, r0.body)
	})
	for _, tc := range []struct {
		model      string
		unverified bool
		detail     string
	}{
		{"tiny-qwen", false, "model listed by the server"},
		{"gpt-4o-typo", true, `the server does not list model "gpt-4o-typo" (it lists "tiny-qwen"): it may answer with another model, so the model was not verified`},
	} {
		m, err := openai.New(tc.model, "", openai.WithBaseURL(api.URL()))
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Ping(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", tc.model, err)
		}
		if res.Unverified != tc.unverified || !strings.Contains(res.Detail, tc.detail) {
			t.Errorf("%s: unverified %v detail %q; want %v, %q (source: testdata/llamacpp/one-call-00-models.txt)", tc.model, res.Unverified, res.Detail, tc.unverified, tc.detail)
		}
	}
}

// A server that answers GET /models/{id} for any name with the model it
// serves (a proxy) is reachable but does not verify the name.
func TestPingAnotherModelDescribed(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"tiny-qwen","object":"model","created":1,"owned_by":"llamacpp"}`)
	})
	res, err := newModel(t, api.URL()).Ping(context.Background())
	if err != nil || !res.Unverified || !strings.Contains(res.Detail, `asked for model "gpt-test" the server described "tiny-qwen"`) {
		t.Fatalf("%+v, %v", res, err)
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

// A Ping's Detail names the server in a form that may be printed: no
// password, token, query value or fragment (a program prints it when the
// model could not be verified).
func TestPingDetailNamesTheServerSafely(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"gpt-test","object":"model","created":1,"owned_by":"x"}`)
	})
	for _, base := range []string{
		strings.Replace(api.URL(), "http://", "http://user:pw-SECRET@", 1) + "?api-key=q-SECRET#f-SECRET",
		strings.Replace(api.URL(), "http://", "http://tok-SECRET@", 1),
	} {
		m, err := openai.New("gpt-test", "", openai.WithBaseURL(base))
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Ping(context.Background())
		if err != nil || strings.Contains(res.Detail, "SECRET") || !strings.Contains(res.Detail, "***") {
			t.Errorf("%v: %+v", err, res)
		}
	}
}
