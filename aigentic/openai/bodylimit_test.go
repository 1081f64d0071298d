package openai_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// tooLarge asserts err is the permanent ErrResponseTooLarge of a 200.
func tooLarge(t *testing.T, err error) *ai.ModelError {
	t.Helper()
	me := modelError(t, err)
	if !errors.Is(err, openai.ErrResponseTooLarge) {
		t.Fatalf("error %v: want ErrResponseTooLarge", err)
	}
	if ai.IsTransient(err) || me.StatusCode != http.StatusOK {
		t.Errorf("error %v: want a permanent error with status 200 (a retry gets the same answer)", err)
	}
	if !strings.Contains(me.Message, "size limit") {
		t.Errorf("message %q does not name the size limit", me.Message)
	}
	return me
}

// A 200 whose body is far over the cap (32 MiB against 64 KiB) fails with
// ErrResponseTooLarge; the body is cut while it is read: the heap grows by
// far less than the body and the server cannot write it all. The breaker
// sent a 300 MB content field, which was read whole.
func TestSuccessBodyIsCutAtItsCap(t *testing.T) {
	const size, limit = 32 << 20, 64 << 10
	cases := []struct {
		name string
		opts []openai.Option
		req  ai.Request
		body func(w http.ResponseWriter, written *atomic.Int64)
	}{
		{"chat completion", []openai.Option{openai.WithMaxResponseBody(limit)}, hello, hugeCompletion(size)},
		{"chat completion stream", []openai.Option{openai.WithMaxStreamBody(limit)}, streaming(hello), hugeStream(size, chunk(`{"content":"`+strings.Repeat("A", 1<<10)+`"}`, ""))},
		{"JSON answer to a stream", []openai.Option{openai.WithMaxResponseBody(limit)}, streaming(hello), hugeCompletion(size)},
		{"responses", []openai.Option{openai.WithMaxResponseBody(limit), openai.WithAPI(openai.ResponsesAPI)}, hello, hugeCompletion(size)},
		{"responses stream", []openai.Option{openai.WithMaxStreamBody(limit), openai.WithAPI(openai.ResponsesAPI)}, streaming(hello), hugeStream(size, `{"type":"response.output_text.delta","delta":"`+strings.Repeat("A", 1<<10)+`"}`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var written atomic.Int64
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { c.body(w, &written) })
			m := newModel(t, api.URL(), c.opts...)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := m.Generate(context.Background(), c.req)
			runtime.ReadMemStats(&after)
			tooLarge(t, err)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("%d MiB allocated with a cap of %d KiB: the body was not cut while read", alloc>>20, limit>>10)
			}
			api.srv.CloseClientConnections()
			if n := written.Load(); n >= size {
				t.Errorf("the server wrote the whole body (%d bytes)", n)
			}
			if api.Hits() != 1 {
				t.Errorf("%d requests, want 1", api.Hits())
			}
		})
	}
}

// hugeCompletion writes a completion whose content is size bytes of "A",
// in 64 KiB writes, until the client stops reading.
func hugeCompletion(size int) func(http.ResponseWriter, *atomic.Int64) {
	return func(w http.ResponseWriter, written *atomic.Int64) {
		w.Header().Set("Content-Type", "application/json")
		write := func(s string) bool {
			n, err := io.WriteString(w, s)
			written.Add(int64(n))
			return err == nil
		}
		write(`{"id":"x","object":"chat.completion","created":1,"model":"gpt-test","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"`)
		part := strings.Repeat("A", 64<<10)
		for written.Load() < int64(size) {
			if !write(part) {
				return
			}
		}
		write(`"}}]}`)
	}
}

// hugeStream writes the SSE event (a text delta) over and over, size
// bytes in all, then a chat completion's finish and [DONE].
func hugeStream(size int, event string) func(http.ResponseWriter, *atomic.Int64) {
	return func(w http.ResponseWriter, written *atomic.Int64) {
		w.Header().Set("Content-Type", "text/event-stream")
		ev := "data: " + event + "\n\n"
		for written.Load() < int64(size) {
			n, err := io.WriteString(w, ev)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, "data: "+chunk(`{}`, "stop")+"\n\ndata: [DONE]\n\n")
	}
}

// A body of exactly the cap is an answer; one byte more is not. The cap
// counts the body as read (after the chunked encoding), whole for a JSON
// answer and in total for a stream.
func TestSuccessBodyCapEdge(t *testing.T) {
	body := completion("a fine answer", "stop")
	events := []string{chunk(`{"role":"assistant","content":"a fine"}`, ""), chunk(`{"content":" answer"}`, "stop"), usageChunk, "[DONE]"}
	streamLen := 0
	for _, e := range events {
		streamLen += len("data: " + e + "\n\n")
	}
	for _, extra := range []int64{0, -1} {
		t.Run(fmt.Sprintf("JSON cap %+d", extra), func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
			m := newModel(t, api.URL(), openai.WithMaxResponseBody(int64(len(body))+extra))
			resp, err := m.Generate(context.Background(), hello)
			if extra < 0 {
				tooLarge(t, err)
				return
			}
			if err != nil || resp.Message.Content != "a fine answer" {
				t.Fatalf("a body of exactly the cap: %v, %+v", err, resp)
			}
		})
		t.Run(fmt.Sprintf("stream cap %+d", extra), func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeSSE(w, events...) })
			m := newModel(t, api.URL(), openai.WithMaxStreamBody(int64(streamLen)+extra))
			var got strings.Builder
			req := hello
			req.OnDelta = func(s string) { got.WriteString(s) }
			resp, err := m.Generate(context.Background(), req)
			if extra < 0 {
				tooLarge(t, err)
				return
			}
			if err != nil || resp.Message.Content != "a fine answer" || got.String() != "a fine answer" {
				t.Fatalf("a stream of exactly the cap: %v, %+v", err, resp)
			}
		})
	}
}

// The defaults are the documented numbers, and a cap must be positive.
func TestBodyCapOptions(t *testing.T) {
	if openai.DefaultMaxResponseBody != 16<<20 || openai.DefaultMaxStreamBody != 128<<20 {
		t.Errorf("defaults %d, %d: the doc comments give 16 MiB and 128 MiB", openai.DefaultMaxResponseBody, openai.DefaultMaxStreamBody)
	}
	for _, o := range []openai.Option{openai.WithMaxResponseBody(0), openai.WithMaxStreamBody(-1)} {
		_, err := openai.New("m", "", openai.WithBaseURL("http://127.0.0.1:1/v1"), o)
		if !errors.Is(err, openai.ErrInvalidConfig) {
			t.Errorf("a cap that is not positive: %v, want ErrInvalidConfig", err)
		}
	}
}

// Ping reads its model object, and the model list it falls back to, under
// the same cap.
func TestPingBodyIsCapped(t *testing.T) {
	big := `{"id":"gpt-test","object":"model","owned_by":"` + strings.Repeat("o", 4<<10) + `"}`
	for _, path := range []string{"/v1/models/gpt-test", "/v1/models"} {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				writeJSON(w, http.StatusNotFound, apiError("no route", "invalid_request_error", ""))
				return
			}
			if path == "/v1/models" {
				writeJSON(w, 200, `{"object":"list","data":[`+big+`]}`)
				return
			}
			writeJSON(w, 200, big)
		})
		m := newModel(t, api.URL(), openai.WithMaxResponseBody(1<<10))
		pr, err := m.Ping(context.Background())
		if path == "/v1/models/gpt-test" {
			tooLarge(t, err)
			continue
		}
		// The list is only a hint: a list past the cap leaves the model
		// unverified rather than listed.
		if err != nil || pr == nil || !pr.Unverified {
			t.Errorf("a model list over the cap: %v, %+v; want reachable but unverified", err, pr)
		}
	}
}
