package openai_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// The answers a breaker sent that are not answers, on every path that
// reads a success body: each is a permanent ErrMalformedResponse (the same
// body comes back on a retry), never a panic, a nil answer with no error,
// or a transient error.

// paths are the four ways a Generate reads a success body.
var paths = []struct {
	name string
	opts []openai.Option
	req  ai.Request
}{
	{"chat", nil, hello},
	{"chat stream", nil, streaming(hello)},
	{"responses", []openai.Option{openai.WithAPI(openai.ResponsesAPI)}, hello},
	{"responses stream", []openai.Option{openai.WithAPI(openai.ResponsesAPI)}, streaming(hello)},
}

// permanentMalformed asserts err is a permanent ErrMalformedResponse of a
// 200 whose message says sub.
func permanentMalformed(t *testing.T, err error, sub string) {
	t.Helper()
	me := modelError(t, err)
	if !errors.Is(err, openai.ErrMalformedResponse) || ai.IsTransient(err) || me.StatusCode != http.StatusOK {
		t.Fatalf("error %v (transient %v, status %d): want a permanent ErrMalformedResponse of a 200", err, ai.IsTransient(err), me.StatusCode)
	}
	if !strings.Contains(me.Message, sub) {
		t.Errorf("message %q does not say %q", me.Message, sub)
	}
}

// A 200 application/json body of `null` made the SDK return no answer and
// no error, and the Responses API path dereferenced it (a panic); Ping
// called it "model available".
func TestNullBodyIsMalformed(t *testing.T) {
	null := func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, "null") }
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			api := newFakeAPI(t, null)
			resp, err := newModel(t, api.URL(), p.opts...).Generate(context.Background(), p.req)
			if resp != nil {
				t.Errorf("answer %+v to a null body", resp)
			}
			permanentMalformed(t, err, "JSON null")
		})
	}
	t.Run("ping", func(t *testing.T) {
		api := newFakeAPI(t, null)
		res, err := newModel(t, api.URL()).Ping(context.Background())
		if res != nil {
			t.Errorf("ping result %+v to a null body", res)
		}
		permanentMalformed(t, err, "JSON null")
	})
}

// A 200 application/json body of only whitespace was "answer cut short:
// unexpected EOF" (transient, retried) on the non-streamed paths.
func TestBlankJSONBodyIsMalformed(t *testing.T) {
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, "  \r\n\t \n") })
			_, err := newModel(t, api.URL(), p.opts...).Generate(context.Background(), p.req)
			permanentMalformed(t, err, "empty success body (only whitespace)")
		})
	}
}

// A JSON answer sent with no Content-Type was a permanent "no
// Content-Type" error to a plain request but a transient truncated stream
// to a streaming one: both are permanent now.
func TestUntypedJSONAnswerToStreamIsMalformed(t *testing.T) {
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil // no sniffing
				_, _ = io.WriteString(w, completion("hi", "stop"))
			})
			_, err := newModel(t, api.URL(), p.opts...).Generate(context.Background(), p.req)
			permanentMalformed(t, err, "no Content-Type")
			if errors.Is(err, openai.ErrTruncatedStream) {
				t.Errorf("error %v: a body with no event is not a truncated stream", err)
			}
		})
	}
}

// A server that echoes the key in its Content-Type: the type was
// lower-cased before it reached the error, and the redactor matched the
// key's exact case, so the key came out lower-cased and unredacted.
func TestContentTypeKeyIsRedactedInAnyCase(t *testing.T) {
	for _, ct := range []string{"text/" + testKey, "text/" + strings.ToLower(testKey), "text/" + testKey + "; ;;=="} {
		for _, p := range paths {
			t.Run(p.name+"/"+ct, func(t *testing.T) {
				api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", ct)
					_, _ = io.WriteString(w, "<html>nope</html>")
				})
				_, err := newModel(t, api.URL(), p.opts...).Generate(context.Background(), p.req)
				me := modelError(t, err)
				for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), me.Message} {
					if strings.Contains(strings.ToLower(text), strings.ToLower(testKey)) {
						t.Errorf("key leaked (in some case): %s", text)
					}
				}
				if !strings.Contains(me.Message, "[redacted]") {
					t.Errorf("message %q does not show where the key was", me.Message)
				}
			})
		}
	}
}

// maxQuotedLen bounds an error quoting one server-controlled value: the
// package's own words plus a clipped value (200 bytes and a mark).
const maxQuotedLen = 1 << 10

// A 500 KB Content-Type made a 500 KB error; a 60 KB host in a
// redirect's Location, a 60 KB one.
func TestServerValuesInErrorsAreBounded(t *testing.T) {
	huge := "text/" + strings.Repeat("x", 500<<10)
	for _, p := range paths {
		t.Run("content type/"+p.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", huge)
				_, _ = io.WriteString(w, "<html>nope</html>")
			})
			_, err := newModel(t, api.URL(), p.opts...).Generate(context.Background(), p.req)
			assertBounded(t, err)
		})
	}
	for _, loc := range []string{
		"http://" + strings.Repeat("a", 60<<10) + ".example/v1",
		"http://" + strings.ToLower(testKey) + ".evil.example/v1",
	} {
		t.Run("redirect", func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", loc)
				w.WriteHeader(http.StatusFound)
			})
			_, err := newModel(t, api.URL()).Generate(context.Background(), hello)
			if !errors.Is(err, openai.ErrRedirected) {
				t.Fatalf("error %v: want ErrRedirected", err)
			}
			assertBounded(t, err)
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(testKey)) {
				t.Errorf("key leaked (in some case): %v", err)
			}
		})
	}
}

func assertBounded(t *testing.T, err error) {
	t.Helper()
	me := modelError(t, err)
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), me.Message} {
		if len(text) > maxQuotedLen {
			t.Errorf("error text is %d bytes (over %d): %.300s…", len(text), maxQuotedLen, text)
		}
	}
	if len(me.Message) > 200 && !strings.Contains(me.Message, "…") {
		t.Errorf("message %q does not mark the value it cut", me.Message)
	}
}

// One stream event longer than openai-go's SSE line limit (32 MiB, under
// the 128 MiB stream cap) failed with a bare "bufio.Scanner: token too
// long". The limit is lowered to 1 KiB here: an event under it streams, one
// over it is ErrResponseTooLarge naming the per-event limit.
func TestStreamEventOverLineLimit(t *testing.T) {
	defer openai.SetMaxStreamLine(1 << 10)()
	events := map[string][2]string{ // [an event with %s for its text, the final events]
		"chat stream": {chunk(`{"content":"%s"}`, ""), "data: " + chunk(`{}`, "stop") + "\n\ndata: [DONE]\n\n"},
		"responses stream": {`{"type":"response.output_text.delta","delta":"%s"}`,
			`data: {"type":"response.completed","response":{"id":"r","object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"ok"}]}]}}` + "\n\n"},
	}
	for _, p := range paths {
		ev, ok := events[p.name]
		if !ok {
			continue
		}
		for _, size := range []int{100, 2 << 10} {
			t.Run(fmt.Sprintf("%s/%d", p.name, size), func(t *testing.T) {
				api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/event-stream")
					_, _ = io.WriteString(w, "data: "+strings.Replace(ev[0], "%s", strings.Repeat("A", size), 1)+"\n\n"+ev[1])
				})
				resp, err := newModel(t, api.URL(), p.opts...).Generate(context.Background(), p.req)
				if size < 1<<10 {
					if err != nil {
						t.Fatalf("an event under the limit: %v", err)
					}
					if resp == nil {
						t.Fatal("no answer")
					}
					return
				}
				me := tooLarge(t, err)
				if !strings.Contains(me.Message, "1 KiB per event") {
					t.Errorf("message %q does not name the per-event limit", me.Message)
				}
			})
		}
	}
}
