package openai_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testKey is the API key of the tests; it must never appear in an error.
const testKey = "sk-test-SECRET-9f3b27c1d4e8"

// fakeAPI is a hand-written OpenAI endpoint: it counts hits, records and
// validates every chat completion body (openaitest.ValidateRequest: OpenAI's
// request schema and conversation rule), then runs the test's handler.
type fakeAPI struct {
	srv    *httptest.Server
	hits   atomic.Int32
	mu     sync.Mutex
	bodies [][]byte
}

func newFakeAPI(t *testing.T, h http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/chat/completions") {
			f.mu.Lock()
			f.bodies = append(f.bodies, body)
			f.mu.Unlock()
			if err := openaitest.ValidateRequest(body); err != nil {
				t.Errorf("invalid request body: %v\n%s", err, body)
			}
		}
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) URL() string { return f.srv.URL + "/v1" }

func (f *fakeAPI) Hits() int { return int(f.hits.Load()) }

// body returns the i-th recorded chat completion body, decoded.
func (f *fakeAPI) body(t *testing.T, i int) map[string]any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.bodies) {
		t.Fatalf("request %d not received (%d so far)", i, len(f.bodies))
	}
	var m map[string]any
	if err := json.Unmarshal(f.bodies[i], &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// newModel is a model on the fake API with the test key.
func newModel(t *testing.T, baseURL string, opts ...openai.Option) *openai.Model {
	t.Helper()
	m, err := openai.New("gpt-test", testKey, append([]openai.Option{openai.WithBaseURL(baseURL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// apiError is an OpenAI-shaped error body.
func apiError(msg, typ, code string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}})
	return string(b)
}

// completion is a non-streamed answer with text and tool calls.
func completion(content string, finish string, calls ...[3]string) string {
	msg := map[string]any{"role": "assistant", "content": nil, "refusal": nil}
	if content != "" {
		msg["content"] = content
	}
	var tcs []any
	for _, c := range calls {
		tcs = append(tcs, map[string]any{"id": c[0], "type": "function", "function": map[string]any{"name": c[1], "arguments": c[2]}})
	}
	if tcs != nil {
		msg["tool_calls"] = tcs
	}
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-test",
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish, "logprobs": nil}},
		"usage":   map[string]any{"prompt_tokens": 21, "completion_tokens": 9, "total_tokens": 30},
	})
	return string(b)
}

// writeSSE writes each event as "data: <event>" and flushes.
func writeSSE(w http.ResponseWriter, events ...string) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
	}
	for _, e := range events {
		_, _ = fmt.Fprintf(w, "data: %s\n\n", e)
	}
	w.(http.Flusher).Flush()
}

// chunk is a stream chunk with the given delta and finish reason.
func chunk(delta string, finish string) string {
	f := "null"
	if finish != "" {
		f = `"` + finish + `"`
	}
	return `{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[{"index":0,"delta":` +
		delta + `,"finish_reason":` + f + `,"logprobs":null}],"usage":null}`
}

const usageChunk = `{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":17,"completion_tokens":8,"total_tokens":25}}`

// readBody reads a request body (fakeAPI has already buffered it).
func readBody(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

// weatherSchema is a typed answer's schema: {"city": string}, required.
var weatherSchema = map[string]any{
	"type":       "object",
	"properties": map[string]any{"city": map[string]any{"type": "string"}},
	"required":   []any{"city"},
}

// decodeBody decodes a recorded request body.
func decodeBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return m
}
