package openai_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	oai "github.com/openai/openai-go/v3"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

var hello = ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hello"}}}

func streaming(req ai.Request) ai.Request {
	req.OnDelta = func(string) {}
	return req
}

// modelError asserts err is a *ai.ModelError from this provider.
func modelError(t *testing.T, err error) *ai.ModelError {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	var me *ai.ModelError
	if !errors.As(err, &me) {
		t.Fatalf("error %T %v is not a *ai.ModelError", err, err)
	}
	if me.Provider != "openai" {
		t.Errorf("provider = %q", me.Provider)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("key leaked: %v", err)
	}
	return me
}

func TestRateLimitThenSuccess(t *testing.T) {
	date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		name   string
		header [2]string
		min    time.Duration
		max    time.Duration
	}{
		{"seconds", [2]string{"Retry-After", "1"}, time.Second, time.Second},
		{"milliseconds", [2]string{"Retry-After-Ms", "1500"}, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"http-date", [2]string{"Retry-After", date}, time.Second, 3 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first := true
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if first {
					first = false
					w.Header().Set(tc.header[0], tc.header[1])
					writeJSON(w, 429, apiError("Rate limit reached for gpt-test on requests per min.", "requests", "rate_limit_exceeded"))
					return
				}
				writeJSON(w, 200, completion("ok", "stop"))
			})
			m := newModel(t, api.URL())
			_, err := m.Generate(context.Background(), hello)
			me := modelError(t, err)
			if !me.Transient || !errors.Is(err, ai.ErrTransient) || me.StatusCode != 429 || me.Code != "rate_limit_exceeded" {
				t.Fatalf("error = %#v", me)
			}
			if !strings.Contains(me.Message, "Rate limit reached") {
				t.Errorf("message = %q", me.Message)
			}
			if me.RetryAfter < tc.min || me.RetryAfter > tc.max {
				t.Errorf("RetryAfter = %v, want [%v, %v]", me.RetryAfter, tc.min, tc.max)
			}
			if d, ok := ai.RetryAfterOf(err); !ok || d != me.RetryAfter {
				t.Errorf("RetryAfterOf = %v %v", d, ok)
			}
			if api.Hits() != 1 {
				t.Fatalf("hits after the 429 = %d: the SDK retried on its own", api.Hits())
			}
			resp, err := m.Generate(context.Background(), hello)
			if err != nil || resp.Message.Content != "ok" {
				t.Fatalf("second Generate = %v, %v", resp, err)
			}
			if api.Hits() != 2 {
				t.Errorf("hits = %d", api.Hits())
			}
		})
	}
}

func TestServerErrorsAreTransientAndNotRetried(t *testing.T) {
	for _, mode := range []string{"plain", "stream"} {
		t.Run(mode, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 500, apiError("The server had an error while processing your request.", "server_error", ""))
			})
			m := newModel(t, api.URL())
			req := hello
			if mode == "stream" {
				req = streaming(hello)
			}
			for i := range 3 {
				_, err := m.Generate(context.Background(), req)
				me := modelError(t, err)
				if !me.Transient || me.StatusCode != 500 || me.Message != "The server had an error while processing your request." {
					t.Fatalf("call %d: %#v", i, me)
				}
				if errors.Is(err, openai.ErrUnreachable) {
					t.Errorf("a 500 is not unreachable")
				}
				var sdkErr *oai.Error
				if !errors.As(err, &sdkErr) || sdkErr.StatusCode != 500 {
					t.Errorf("the SDK error is not reachable: %v", err)
				}
			}
			if api.Hits() != 3 {
				t.Fatalf("hits = %d, want 3", api.Hits())
			}
		})
	}
}

func TestHTTPStatusClassification(t *testing.T) {
	cases := []struct {
		status    int
		code      string
		header    [2]string
		body      string
		transient bool
	}{
		{400, "invalid_value", [2]string{}, "", false},
		{401, "invalid_api_key", [2]string{}, "", false},
		{403, "unsupported_country_region_territory", [2]string{}, "", false},
		{404, "model_not_found", [2]string{}, "", false},
		{422, "", [2]string{}, "", false},
		{408, "", [2]string{}, "", true},
		{409, "", [2]string{}, "", true},
		{429, "insufficient_quota", [2]string{}, "", false},
		{502, "", [2]string{}, "", true},
		{503, "", [2]string{}, "", true},
		{504, "", [2]string{}, "", true},
		{501, "", [2]string{}, "", false},
		{503, "", [2]string{"X-Should-Retry", "false"}, "", false},
		{400, "", [2]string{"X-Should-Retry", "true"}, "", true},
		{502, "", [2]string{}, "upstream connect error", true}, // a proxy's plain-text body
		{502, "", [2]string{}, "<html><body>Bad Gateway</body></html>", true},
	}
	for _, tc := range cases {
		name := http.StatusText(tc.status) + "/" + tc.code + tc.header[0] + tc.header[1]
		t.Run(name, func(t *testing.T) {
			msg := "API says " + http.StatusText(tc.status)
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.header[0] != "" {
					w.Header().Set(tc.header[0], tc.header[1])
				}
				if tc.body != "" {
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
					return
				}
				writeJSON(w, tc.status, apiError(msg, "invalid_request_error", tc.code))
			})
			_, err := newModel(t, api.URL()).Generate(context.Background(), hello)
			me := modelError(t, err)
			if me.Transient != tc.transient || me.StatusCode != tc.status {
				t.Fatalf("transient %v status %d, want %v %d: %v", me.Transient, me.StatusCode, tc.transient, tc.status, err)
			}
			if errors.Is(err, ai.ErrPermanent) == tc.transient {
				t.Errorf("errors.Is(ErrPermanent) disagrees with Transient")
			}
			switch {
			case tc.body == "upstream connect error":
				if me.Message != tc.body {
					t.Errorf("message = %q", me.Message)
				}
			case tc.body != "":
				if strings.Contains(err.Error(), "<html>") {
					t.Errorf("HTML in the error: %v", err)
				}
			default:
				if me.Message != msg || me.Code != tc.code && tc.code != "" {
					t.Errorf("message %q code %q", me.Message, me.Code)
				}
			}
			if got := errors.Is(err, openai.ErrUnauthorized); got != (tc.status == 401 || tc.status == 403) {
				t.Errorf("errors.Is(ErrUnauthorized) = %v", got)
			}
			if api.Hits() != 1 {
				t.Errorf("hits = %d", api.Hits())
			}
		})
	}
}

func TestUnauthorizedIsPermanentWithTheAPIMessage(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, apiError("Incorrect API key provided: sk-test-***********d4e8. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"))
	})
	_, err := newModel(t, api.URL()).Generate(context.Background(), streaming(hello))
	me := modelError(t, err)
	if me.Transient || me.StatusCode != 401 || me.Code != "invalid_api_key" || !strings.HasPrefix(me.Message, "Incorrect API key provided") {
		t.Fatalf("%#v", me)
	}
	if !errors.Is(err, openai.ErrUnauthorized) || !errors.Is(err, ai.ErrPermanent) || ai.IsTransient(err) {
		t.Errorf("kinds wrong: %v", err)
	}
}

func TestMalformedAnswers(t *testing.T) {
	cases := []struct {
		name      string
		handler   http.HandlerFunc
		stream    bool
		transient bool
		kind      error
	}{
		{"malformed JSON", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"id": "chatcmpl-1", "choices": [ not json ]}`)
		}, false, true, openai.ErrMalformedResponse},
		{"truncated JSON", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"id": "chatcmpl-1", "choices": [{"index": 0, "mess`)
		}, false, true, nil},
		{"no choices", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-test","choices":[]}`)
		}, false, true, openai.ErrMalformedResponse},
		{"error object with a 200", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, apiError("model 'gpt-test' is loading", "server_error", ""))
		}, false, true, nil},
		{"request error object with a 200", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, apiError("context length exceeded", "invalid_request_error", "context_length_exceeded"))
		}, false, false, nil},
		{"HTML page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>Welcome to nginx!</html>"))
		}, false, false, openai.ErrMalformedResponse},
		{"malformed stream chunk", func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"a"}`, ""), `{"id": broken`, "[DONE]")
		}, true, true, nil},
		{"stream error event", func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"a"}`, ""), `{"error":{"message":"The server had an error","type":"server_error","code":null}}`)
		}, true, true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, tc.handler)
			req := hello
			if tc.stream {
				req = streaming(hello)
			}
			resp, err := newModel(t, api.URL()).Generate(context.Background(), req)
			if resp != nil {
				t.Errorf("a response with the error: %+v", resp)
			}
			me := modelError(t, err)
			if me.Transient != tc.transient {
				t.Errorf("transient = %v: %v", me.Transient, err)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("not %v: %v", tc.kind, err)
			}
			t.Log(err)
		})
	}
}

func TestTruncatedStream(t *testing.T) {
	t.Run("clean end without finish reason", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"role":"assistant","content":""}`, ""), chunk(`{"content":"The answer is"}`, ""))
		})
		var deltas []string
		resp, err := newModel(t, api.URL()).Generate(context.Background(), ai.Request{
			Messages: hello.Messages, OnDelta: func(s string) { deltas = append(deltas, s) },
		})
		me := modelError(t, err)
		if resp != nil || !me.Transient || !errors.Is(err, openai.ErrTruncatedStream) {
			t.Fatalf("resp %v err %v", resp, err)
		}
		if len(deltas) != 1 {
			t.Errorf("deltas = %q", deltas) // what arrived was streamed; the answer is not returned
		}
	})
	t.Run("connection cut mid-stream", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"The answer"}`, ""))
			hijackReset(t, w)
		})
		resp, err := newModel(t, api.URL()).Generate(context.Background(), streaming(hello))
		me := modelError(t, err)
		if resp != nil || !me.Transient || !errors.Is(err, openai.ErrTruncatedStream) {
			t.Fatalf("resp %v err %v", resp, err)
		}
	})
	t.Run("tool call cut before finish", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"now","arguments":"{"}}]}`, ""), "[DONE]")
		})
		_, err := newModel(t, api.URL()).Generate(context.Background(), streaming(hello))
		if me := modelError(t, err); !me.Transient || !errors.Is(err, openai.ErrTruncatedStream) {
			t.Fatal(err)
		}
	})
}

// hijackReset closes the connection with a TCP RST.
func hijackReset(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	_ = conn.(*net.TCPConn).SetLinger(0)
	_ = conn.Close()
}

func TestConnectionReset(t *testing.T) {
	for _, mode := range []string{"plain", "stream"} {
		t.Run(mode, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { hijackReset(t, w) })
			req := hello
			if mode == "stream" {
				req = streaming(hello)
			}
			_, err := newModel(t, api.URL()).Generate(context.Background(), req)
			me := modelError(t, err)
			if !me.Transient || me.StatusCode != 0 || !errors.Is(err, openai.ErrUnreachable) {
				t.Fatalf("%v", err)
			}
			if api.Hits() != 1 {
				t.Errorf("hits = %d", api.Hits())
			}
		})
	}
}
