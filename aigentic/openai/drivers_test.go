package openai_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// The two drivers of the package. Every test in this file runs over both,
// against openaitest's server, which validates each body against the
// API's own schema (CreateChatCompletionRequest, CreateResponse).
var drivers = []struct {
	name string
	api  openai.API
	key  string // the body's conversation field
}{
	{"chat completions", openai.ChatCompletionsAPI, "messages"},
	{"responses", openai.ResponsesAPI, "input"},
}

// forDrivers runs f for each driver, streamed and not.
func forDrivers(t *testing.T, f func(t *testing.T, api openai.API, key string, stream bool)) {
	t.Helper()
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, d := range drivers {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", d.name, stream), func(t *testing.T) { f(t, d.api, d.key, stream) })
		}
	}
}

// An agent runs its tools and answers on either API, streamed or not.
func TestDriversRunAnAgent(t *testing.T) {
	forDrivers(t, func(t *testing.T, api openai.API, key string, stream bool) {
		model := aitest.NewScripted(
			aitest.CallTools(aitest.Call("write_file", `{"path":"a.py"}`), aitest.Call("get_time", `{"city":"oslo"}`)),
			aitest.Reply("both done"))
		srv := openaitest.NewServer(t, model)
		var log toolLog
		out, err := testAgent(t, srv.URL(), &log, stream, openai.WithAPI(api)).Execute("go")
		if err != nil || out != "both done" {
			t.Fatalf("%q, %v", out, err)
		}
		if got := log.list(); !slices.Equal(got, []string{"write_file:a.py", "get_time:oslo"}) {
			t.Fatalf("tools ran %v", got)
		}
		reqs := srv.Requests()
		if len(reqs) != 2 || srv.Validated() != 2 {
			t.Fatalf("%d requests, %d valid", len(reqs), srv.Validated())
		}
		for _, b := range reqs {
			if decodeBody(t, b)[key] == nil {
				t.Fatalf("the body has no %q: %s", key, b)
			}
		}
		if m := model.Requests()[1]; len(m.Messages) != 4 || m.Messages[2].Role != ai.RoleTool || m.Messages[3].Content != "12:00" {
			t.Fatalf("the server's model saw %+v", m.Messages)
		}
	})
}

// The usage, reasoning and cached tokens included, reaches the response on
// either API.
func TestDriversUsage(t *testing.T) {
	want := ai.Usage{InputTokens: 1200, OutputTokens: 300, ReasoningTokens: 256, CachedInputTokens: 1024}
	forDrivers(t, func(t *testing.T, api openai.API, _ string, stream bool) {
		model := aitest.NewScripted(aitest.Step{Response: &ai.Response{Message: ai.Message{Content: "42"}, Usage: want, FinishReason: "stop"}})
		srv := openaitest.NewServer(t, model)
		req := hello
		if stream {
			req = streaming(hello)
		}
		resp, err := newModel(t, srv.URL(), openai.WithAPI(api)).Generate(context.Background(), req)
		if err != nil || resp.Usage != want || resp.Message.Content != "42" {
			t.Fatalf("%+v, %v", resp, err)
		}
	})
}

// Failures go through the same classification on either API.
func TestDriversErrors(t *testing.T) {
	cases := []struct {
		name      string
		fault     openaitest.Fault
		transient bool
		is        error
		status    int
	}{
		{"429 with Retry-After", openaitest.RateLimited(2 * time.Second), true, nil, 429},
		{"503", openaitest.Status(503), true, nil, 503},
		{"400", openaitest.Status(400), false, nil, 400},
		{"401", openaitest.Status(401), false, openai.ErrUnauthorized, 401},
		{"malformed JSON", openaitest.MalformedJSON(), true, openai.ErrMalformedResponse, 200},
		{"connection reset", openaitest.ConnectionReset(), true, openai.ErrUnreachable, 0},
	}
	forDrivers(t, func(t *testing.T, api openai.API, _ string, stream bool) {
		for _, c := range cases {
			srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithFaults(c.fault))
			req := hello
			if stream {
				req = streaming(hello)
			}
			_, err := newModel(t, srv.URL(), openai.WithAPI(api)).Generate(context.Background(), req)
			me := modelError(t, err)
			if me.Transient != c.transient || me.StatusCode != c.status || c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("%s: %v (transient %v, status %d)", c.name, err, me.Transient, me.StatusCode)
			}
			if c.status == 429 {
				if d, ok := ai.RetryAfterOf(err); !ok || d != 2*time.Second {
					t.Errorf("%s: RetryAfter %v", c.name, d)
				}
			}
		}
		// A body cut short: a truncated stream, or a JSON body cut.
		srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithFaults(openaitest.TruncatedStream()))
		req := hello
		if stream {
			req = streaming(hello)
		}
		_, err := newModel(t, srv.URL(), openai.WithAPI(api)).Generate(context.Background(), req)
		if !ai.IsTransient(err) || stream && !errors.Is(err, openai.ErrTruncatedStream) {
			t.Errorf("truncated: %v", err)
		}
	})
}

// A cut answer's partial text is text on either API, streamed or not: the
// template markup of a tool call it had started is moved to Markup.
func TestDriversTruncationKeepsTextOnly(t *testing.T) {
	forDrivers(t, func(t *testing.T, api openai.API, _ string, stream bool) {
		model := aitest.NewScripted(aitest.Step{Response: &ai.Response{
			Message: ai.Message{Content: "Let me check. <tool_call>\n{\"name\": \"get_we"}, Usage: ai.Usage{InputTokens: 50, OutputTokens: 16}, FinishReason: "length"}})
		srv := openaitest.NewServer(t, model)
		req := hello
		if stream {
			req = streaming(hello)
		}
		_, err := newModel(t, srv.URL(), openai.WithAPI(api), openai.WithMaxTokens(16)).Generate(context.Background(), req)
		var te *ai.TruncatedError
		if !errors.As(err, &te) || te.Partial != "Let me check." || te.Markup != "<tool_call>\n{\"name\": \"get_we" || te.MaxOutputTokens != 16 {
			t.Fatalf("%v: %+v", err, te)
		}
		if !strings.Contains(err.Error(), "the output cap of 16 tokens the request sent was reached (50 prompt + 16 output = 66 tokens); a tool call in the model's template markup was cut off and not run, 13 bytes of text before it kept") {
			t.Errorf("message %q", err)
		}
	})
}

// A typed answer: the schema goes natively (response_format or
// text.format, strict), the server's model sees it, the JSON comes back;
// or it goes into the instructions; and a server that refuses it gets an
// error naming the field and the option.
func TestDriversTypedAnswer(t *testing.T) {
	rf := &ai.ResponseFormat{Name: "weather", Strict: true, Schema: map[string]any{
		"type":       "object",
		"properties": map[string]any{"city": map[string]any{"type": "string"}, "temp": map[string]any{"type": "number"}},
		"required":   []any{"city"},
	}}
	strict := map[string]any{
		"type":                 "object",
		"properties":           map[string]any{"city": map[string]any{"type": "string"}, "temp": map[string]any{"type": []any{"number", "null"}}},
		"required":             []any{"city", "temp"},
		"additionalProperties": false,
	}
	forDrivers(t, func(t *testing.T, api openai.API, key string, stream bool) {
		for _, mode := range []openai.StructuredOutput{openai.StructuredOutputAuto, openai.StructuredOutputInstructions} {
			model := aitest.NewScripted(aitest.Reply(`{"city":"Paris","temp":null}`))
			srv := openaitest.NewServer(t, model)
			req := ai.Request{Messages: hello.Messages, ResponseFormat: rf}
			if stream {
				req = streaming(req)
			}
			resp, err := newModel(t, srv.URL(), openai.WithAPI(api), openai.WithStructuredOutput(mode)).Generate(context.Background(), req)
			if err != nil || resp.Message.Content != `{"city":"Paris","temp":null}` {
				t.Fatalf("mode %d: %+v, %v", mode, resp, err)
			}
			seen := model.Requests()[0].ResponseFormat
			body := decodeBody(t, srv.Requests()[0])
			if mode == openai.StructuredOutputInstructions {
				if seen != nil || body["response_format"] != nil || body["text"] != nil || !strings.Contains(string(srv.Requests()[0]), `additionalProperties`) {
					t.Errorf("instructions mode: the model saw %+v; body %v", seen, body)
				}
				continue
			}
			if seen == nil || seen.Name != "weather" || !seen.Strict || !reflect.DeepEqual(seen.Schema, strict) {
				t.Errorf("the model saw %+v, want the strict schema %v", seen, strict)
			}
		}
		// A server that refuses json_schema.
		srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithQuirks(openaitest.RejectsJSONSchema))
		req := ai.Request{Messages: hello.Messages, ResponseFormat: rf}
		if stream {
			req = streaming(req)
		}
		_, err := newModel(t, srv.URL(), openai.WithAPI(api)).Generate(context.Background(), req)
		var rfe *openai.RejectedFieldError
		if !errors.As(err, &rfe) || rfe.Option != "openai.WithStructuredOutput(openai.StructuredOutputInstructions)" || ai.IsTransient(err) {
			t.Errorf("refused json_schema: %v (%+v)", err, rfe)
		}
	})
}

// A schema strict mode cannot express is refused before any request.
func TestTypedAnswerStrictSchemaRefusedBeforeSending(t *testing.T) {
	for _, d := range drivers {
		srv := openaitest.NewServer(t, aitest.NewScripted())
		rf := &ai.ResponseFormat{Name: "tags", Strict: true, Schema: map[string]any{
			"type": "object", "additionalProperties": map[string]any{"type": "string"},
		}}
		_, err := newModel(t, srv.URL(), openai.WithAPI(d.api)).Generate(context.Background(), ai.Request{Messages: hello.Messages, ResponseFormat: rf})
		if !errors.Is(err, openai.ErrInvalidRequest) || !errors.Is(err, openai.ErrStrictSchema) || srv.Hits() != 0 ||
			!strings.Contains(err.Error(), "additionalProperties with a schema (a map) cannot be expressed") {
			t.Errorf("%s: %v, %d requests", d.name, err, srv.Hits())
		}
	}
}
