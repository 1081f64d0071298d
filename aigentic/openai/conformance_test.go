package openai_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// The conformance corpus: for each server family, the answers it is
// documented or publicly reported to send, replayed by openaitest's fake
// server (openaitest.Events, openaitest.JSONBody), and the ai.Response or
// error each must become. The fake server also checks every request body
// against OpenAI's schema. Each case cites its source; the shapes are
// written here from those reports, not copied.

// wireCase is one recorded answer and what Generate must make of it.
type wireCase struct {
	name   string
	source string // the doc page or public issue the shape comes from
	// reply is the answer, as an openaitest fault: Events (a stream) or
	// JSONBody (a status and a JSON body).
	reply openaitest.Fault
	// stream makes the request a streaming one (OnDelta set).
	stream bool
	want   *ai.Response // the answer, or nil when an error is wanted
	err    *wantErr
	// opts configure the model (a family, the Responses API, a cap).
	opts []openai.Option
	// request replaces the request (hello, with weatherTool) when set.
	request *ai.Request
	// check, when set, asserts more of the outcome (what errors.As finds).
	check func(t *testing.T, resp *ai.Response, err error)
}

// wantErr describes the *ai.ModelError a case must become.
type wantErr struct {
	is        []error // each must match errors.Is
	transient bool
	status    int    // StatusCode, when not 0
	code      string // Code
	msg       string // a part of Message the provider's text must keep
}

// sse is a stream of chunks in OpenAI's shape, each given as the JSON of
// one chunk (use chunk, tcChunk, usageChunk) or "[DONE]".
func sse(events ...string) openaitest.Fault { return openaitest.Events(events...) }

// runWireCases replays each case against a model on openaitest's server.
func runWireCases(t *testing.T, cases []wireCase) {
	t.Helper()
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.source == "" {
				t.Fatal("a conformance case must cite its source")
			}
			srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithFaults(tc.reply))
			m := newModel(t, srv.URL(), tc.opts...)
			req := ai.Request{Messages: hello.Messages, Tools: []ai.Tool{weatherTool}}
			if tc.request != nil {
				req = *tc.request
			}
			var deltas strings.Builder
			if tc.stream {
				req.OnDelta = func(s string) { deltas.WriteString(s) }
			}
			resp, err := m.Generate(context.Background(), req)
			if srv.Hits() != 1 {
				t.Errorf("%d HTTP requests, want 1", srv.Hits())
			}
			if tc.check != nil {
				tc.check(t, resp, err)
			}
			if tc.err == nil {
				if err != nil {
					t.Fatalf("error %v; want %+v\n(source: %s)", err, tc.want, tc.source)
				}
				// Every recorded answer names the model that answered;
				// the id and model are checked exactly in
				// TestResponseIDAndModel, the rest of the answer here.
				if resp.Model == "" {
					t.Errorf("response model empty: the answer's \"model\" was dropped")
				}
				resp.ID, resp.Model = "", ""
				if !reflect.DeepEqual(resp, tc.want) {
					t.Fatalf("response\n got %+v\nwant %+v\n(source: %s)", resp, tc.want, tc.source)
				}
				if tc.stream && deltas.String() != tc.want.Message.Content {
					t.Errorf("OnDelta got %q, want %q", deltas.String(), tc.want.Message.Content)
				}
				return
			}
			if resp != nil {
				t.Errorf("a response with the error: %+v", resp)
			}
			me := modelError(t, err)
			w := tc.err
			if me.Transient != w.transient || (w.status != 0 && me.StatusCode != w.status) || me.Code != w.code || !strings.Contains(me.Message, w.msg) {
				t.Fatalf("error transient=%v status=%d code=%q message=%q\nwant transient=%v status=%d code=%q message containing %q\n(source: %s)",
					me.Transient, me.StatusCode, me.Code, me.Message, w.transient, w.status, w.code, w.msg, tc.source)
			}
			for _, target := range w.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) is false", err, target)
				}
			}
		})
	}
}

// answer builds the expected response.
func answer(content, finish string, u ai.Usage, calls ...ai.ToolCall) *ai.Response {
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: content, ToolCalls: calls}, Usage: u, FinishReason: finish}
}

// The usage of the helpers' completion (21/9) and usageChunk (17/8).
var (
	usage21x9 = ai.Usage{InputTokens: 21, OutputTokens: 9}
	usage17x8 = ai.Usage{InputTokens: 17, OutputTokens: 8}
)

func call(id, name, args string) ai.ToolCall { return ai.ToolCall{ID: id, Name: name, Arguments: args} }

// The response's id and model reach ai.Response (and from there the chat
// span's gen_ai.response.id and gen_ai.response.model), streamed or not.
func TestResponseIDAndModel(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, stream := range []bool{false, true} {
		reply := openaitest.JSONBody(200, `{"id":"chatcmpl-XYZ","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}`)
		if stream {
			reply = sse(
				`{"id":"chatcmpl-XYZ","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"}}]}`,
				`{"id":"chatcmpl-XYZ","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
				"[DONE]")
		}
		srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithFaults(reply))
		req := ai.Request{Messages: hello.Messages}
		if stream {
			req.OnDelta = func(string) {}
		}
		resp, err := newModel(t, srv.URL()).Generate(context.Background(), req)
		if err != nil {
			t.Fatalf("stream=%t: %v", stream, err)
		}
		if resp.ID != "chatcmpl-XYZ" || resp.Model != "gpt-4o-2024-08-06" || resp.Message.Content != "Hi" {
			t.Errorf("stream=%t: ID %q Model %q content %q, want chatcmpl-XYZ, gpt-4o-2024-08-06, Hi", stream, resp.ID, resp.Model, resp.Message.Content)
		}
	}
}
