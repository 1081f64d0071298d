package openai_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

const (
	quotaMsg   = "You exceeded your current quota, please check your plan and billing details."
	quotaError = `{"error":{"message":"` + quotaMsg + `","type":"insufficient_quota","code":"insufficient_quota"}}`
	vllmCtxMsg = "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion."
	vllmCtx    = `{"object":"error","message":"` + vllmCtxMsg + `","type":"BadRequestError","param":null,"code":400}`
)

// Issue 8, input 4 and its kind: errors delivered in-band are classified by
// the same table as HTTP errors — quota, invalid request, context length
// permanent (one request); rate limit, overload transient (retried) — and
// keep the provider's message.
func TestInBandErrors(t *testing.T) {
	partial := chunk(`{"content":"Hel"}`, "")
	cases := []struct {
		name      string
		stream    bool
		answer    http.HandlerFunc
		transient bool
		code      string
		msg       string
	}{
		{"4a: HTTP 200 with a quota error body", false, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, quotaError)
		}, false, "insufficient_quota", quotaMsg},
		{"4a: HTTP 200 JSON quota error answering a streaming request", true, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, quotaError)
		}, false, "insufficient_quota", quotaMsg},
		{"4b: quota error object as an SSE data event mid-stream", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, partial, quotaError)
		}, false, "insufficient_quota", quotaMsg},
		{"4b: rate limit error event mid-stream", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, partial, `{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}`)
		}, true, "rate_limit_exceeded", "Rate limit reached"},
		{"4b: overloaded error event (gateway)", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, partial, `{"error":{"message":"Overloaded","type":"overloaded_error"}}`)
		}, true, "overloaded_error", "Overloaded"},
		{"4b: a typed SSE error event", true, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: %s\n\nevent: error\ndata: %s\n\n", partial, `{"message":"context_length_exceeded: too long","type":"invalid_request_error","code":"context_length_exceeded"}`)
		}, false, "context_length_exceeded", "too long"},
		{"4b: a server_error event", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, partial, `{"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}`)
		}, true, "server_error", "The server had an error"},
		{"4c: vLLM object error (context length) in the stream", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, vllmCtx)
		}, false, "BadRequestError", "maximum context length is 4096 tokens"},
		{"4c: vLLM object error with HTTP 200, not streamed", false, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, vllmCtx)
		}, false, "BadRequestError", "maximum context length is 4096 tokens"},
		{"4c: error_type / error_message chunk fields, permanent", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, partial, `{"id":"chatcmpl-s","object":"chat.completion.chunk","choices":[],"error_type":"invalid_request_error","error_message":"prompt is too long"}`)
		}, false, "invalid_request_error", "prompt is too long"},
		{"4c: error_type / error_message chunk fields, rate limit", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, partial, `{"id":"chatcmpl-s","object":"chat.completion.chunk","choices":[],"error_type":"rate_limit_error","error_message":"slow down"}`)
		}, true, "rate_limit_error", "slow down"},
		{"an error string in a 200", false, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"error":"upstream connection failed"}`)
		}, true, "", "upstream connection failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, tc.answer)
			var log toolLog
			agent := testAgent(t, api.URL(), &log, tc.stream)
			_, err := agent.Execute("hello")
			me := modelError(t, err)
			if me.Transient != tc.transient || me.Code != tc.code || !strings.Contains(me.Message, tc.msg) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("transient=%v code=%q message=%q; want %v %q %q", me.Transient, me.Code, me.Message, tc.transient, tc.code, tc.msg)
			}
			if !errors.Is(err, openai.ErrInBandError) {
				t.Errorf("not ErrInBandError: %v", err)
			}
			wantHits := 1
			if tc.transient {
				wantHits = 1 + agent.Retries
			}
			if api.Hits() != wantHits {
				t.Fatalf("%d requests, want %d", api.Hits(), wantHits)
			}
		})
	}
}

// Issue 8, input 4d: "error": null on a chunk (or an answer) is no error.
func TestNullErrorFieldIsANormalAnswer(t *testing.T) {
	nullErr := func(c string) string { return strings.Replace(c, `"usage":null`, `"usage":null,"error":null`, 1) }
	for _, stream := range []bool{true, false} {
		t.Run(fmt.Sprint("stream=", stream), func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if stream {
					writeSSE(w, nullErr(chunk(`{"role":"assistant","content":"Hel"}`, "")), nullErr(chunk(`{"content":"lo"}`, "")),
						nullErr(chunk(`{}`, "stop")), usageChunk, "[DONE]")
					return
				}
				writeJSON(w, 200, strings.Replace(completion("Hello", "stop"), `"id":`, `"error":null,"id":`, 1))
			})
			req := hello
			if stream {
				req = streaming(hello)
			}
			resp, err := newModel(t, api.URL()).Generate(context.Background(), req)
			if err != nil || resp.Message.Content != "Hello" || resp.FinishReason != "stop" {
				t.Fatalf("got %+v, %v; want Hello", resp, err)
			}
			if api.Hits() != 1 {
				t.Fatalf("%d requests", api.Hits())
			}
		})
	}
}

// The same error object gives the same verdict whether it comes with an
// HTTP error status or in-band: one table.
func TestInBandAndHTTPErrorsShareOneTable(t *testing.T) {
	objects := []struct {
		status int
		body   string
	}{
		{429, quotaError},
		{429, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`},
		{400, `{"error":{"message":"` + vllmCtxMsg + `","type":"invalid_request_error","code":"context_length_exceeded"}}`},
		{503, `{"error":{"message":"Overloaded","type":"overloaded_error"}}`},
		{500, `{"error":{"message":"boom","type":"server_error"}}`},
	}
	for _, o := range objects {
		verdict := map[string]bool{}
		for _, mode := range []string{"http", "200", "sse"} {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				switch mode {
				case "http":
					writeJSON(w, o.status, o.body)
				case "200":
					writeJSON(w, 200, o.body)
				default:
					writeSSE(w, o.body)
				}
			})
			req := hello
			if mode == "sse" {
				req = streaming(hello)
			}
			_, err := newModel(t, api.URL()).Generate(context.Background(), req)
			verdict[mode] = modelError(t, err).Transient
		}
		if verdict["http"] != verdict["200"] || verdict["http"] != verdict["sse"] {
			t.Errorf("%s: verdicts differ: %v", o.body, verdict)
		}
	}
}
