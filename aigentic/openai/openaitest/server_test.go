package openaitest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const key = "sk-openaitest-key"

var weather = ai.Tool{Name: "get_weather", Description: "Weather of a city.", InputSchema: map[string]any{
	"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []any{"city"},
}}

func client(t *testing.T, srv *openaitest.Server, apiKey string) *openai.Model {
	t.Helper()
	m, err := openai.New("gpt-test", apiKey, openai.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRoundTripWithToolCalls(t *testing.T) {
	for _, stream := range []bool{false, true} {
		name := "plain"
		if stream {
			name = "stream"
		}
		t.Run(name, func(t *testing.T) {
			model := aitest.NewScripted(
				aitest.CallTools(aitest.Call("get_weather", `{"city":"Paris"}`), aitest.Call("get_weather", `{"city":"Oslo"}`)),
				aitest.Reply("Paris is sunny, Oslo is not."),
			)
			srv := openaitest.NewServer(t, model, openaitest.WithAPIKey(key))
			m := client(t, srv, key)
			var deltas []string
			req := ai.Request{
				Messages: []ai.Message{{Role: ai.RoleSystem, Content: "Be brief."}, {Role: ai.RoleUser, Content: "Paris and Oslo?"}},
				Tools:    []ai.Tool{weather},
			}
			if stream {
				req.OnDelta = func(s string) { deltas = append(deltas, s) }
			}
			resp, err := m.Generate(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			calls := resp.Message.ToolCalls
			if len(calls) != 2 || calls[0].Name != "get_weather" || calls[0].Arguments != `{"city":"Paris"}` ||
				calls[1].Arguments != `{"city":"Oslo"}` || calls[0].ID == "" || calls[0].ID == calls[1].ID {
				t.Fatalf("calls = %+v", calls)
			}
			if resp.FinishReason != "tool_calls" || resp.Usage != (ai.Usage{InputTokens: 10, OutputTokens: 5}) {
				t.Errorf("finish %q usage %+v", resp.FinishReason, resp.Usage)
			}
			req.Messages = append(req.Messages, resp.Message,
				ai.Message{Role: ai.RoleTool, ToolCallID: calls[0].ID, Content: "sunny"},
				ai.Message{Role: ai.RoleTool, ToolCallID: calls[1].ID, Content: "rain"})
			resp, err = m.Generate(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Message.Content != "Paris is sunny, Oslo is not." || resp.FinishReason != "stop" {
				t.Fatalf("reply = %+v", resp)
			}
			if stream && strings.Join(deltas, "") != "Paris is sunny, Oslo is not." {
				t.Errorf("deltas = %q", deltas)
			}

			// What the model saw.
			got := model.Requests()
			if len(got) != 2 || !reflect.DeepEqual(got[0].Tools, []ai.Tool{weather}) {
				t.Fatalf("requests = %+v", got)
			}
			second := got[1].Messages
			if len(second) != 5 || second[0].Role != ai.RoleSystem || second[2].Role != ai.RoleAssistant ||
				len(second[2].ToolCalls) != 2 || second[3].Role != ai.RoleTool ||
				second[3].ToolCallID != calls[0].ID || second[3].Name != "get_weather" || second[4].Content != "rain" {
				t.Errorf("second request = %+v", second)
			}
			if model.Remaining() != 0 || srv.Hits() != 2 || len(srv.Requests()) != 2 {
				t.Errorf("remaining %d hits %d", model.Remaining(), srv.Hits())
			}
			// Both bodies were checked against OpenAI's schema and rule.
			if srv.Validated() != 2 || len(srv.Violations()) != 0 {
				t.Errorf("validated %d, violations %v", srv.Validated(), srv.Violations())
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("hi")), openaitest.WithAPIKey(key))
	for _, k := range []string{"sk-wrong", ""} {
		_, err := client(t, srv, k).Generate(context.Background(), ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}})
		var me *ai.ModelError
		if !errors.As(err, &me) || me.StatusCode != 401 || me.Transient || !errors.Is(err, openai.ErrUnauthorized) {
			t.Errorf("key %q: %v", k, err)
		}
		if _, err := client(t, srv, k).Ping(context.Background()); !errors.Is(err, openai.ErrUnauthorized) {
			t.Errorf("ping with key %q: %v", k, err)
		}
	}
	if res, err := client(t, srv, key).Ping(context.Background()); err != nil || res.Model != "gpt-test" {
		t.Errorf("ping: %v %v", res, err)
	}
}

func TestFaults(t *testing.T) {
	msg := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}}
	stream := msg
	stream.OnDelta = func(string) {}
	cases := []struct {
		name      string
		fault     openaitest.Fault
		req       ai.Request
		status    int
		transient bool
		is        error
		check     func(t *testing.T, me *ai.ModelError)
	}{
		{"rate limited", openaitest.RateLimited(1500 * time.Millisecond), msg, 429, true, nil, func(t *testing.T, me *ai.ModelError) {
			if me.RetryAfter != 1500*time.Millisecond || me.Code != "rate_limit_exceeded" {
				t.Errorf("%#v", me)
			}
		}},
		{"503 with Retry-After", openaitest.Status(503, "Retry-After", "2"), stream, 503, true, nil, func(t *testing.T, me *ai.ModelError) {
			if me.RetryAfter != 2*time.Second || !strings.Contains(me.Message, "injected 503") {
				t.Errorf("%#v", me)
			}
		}},
		{"500", openaitest.Status(500), msg, 500, true, nil, nil},
		{"400", openaitest.Status(400), msg, 400, false, nil, nil},
		{"proxy body", openaitest.Status(502).WithBody("upstream connect error"), msg, 502, true, nil, func(t *testing.T, me *ai.ModelError) {
			if me.Message != "upstream connect error" {
				t.Errorf("%#v", me)
			}
		}},
		{"malformed JSON", openaitest.MalformedJSON(), msg, 200, true, openai.ErrMalformedResponse, nil},
		{"malformed stream", openaitest.MalformedJSON(), stream, 200, true, nil, nil},
		{"truncated body", openaitest.TruncatedStream(), msg, 200, true, nil, nil},
		{"truncated stream", openaitest.TruncatedStream(), stream, 200, true, openai.ErrTruncatedStream, nil},
		{"reset", openaitest.ConnectionReset(), msg, 0, true, openai.ErrUnreachable, nil},
		{"reset stream", openaitest.ConnectionReset(), stream, 0, true, openai.ErrUnreachable, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			model := aitest.NewScripted(aitest.Reply("after the fault"))
			srv := openaitest.NewServer(t, model, openaitest.WithFaults(tc.fault))
			m := client(t, srv, "")
			_, err := m.Generate(context.Background(), tc.req)
			var me *ai.ModelError
			if !errors.As(err, &me) || me.StatusCode != tc.status || me.Transient != tc.transient {
				t.Fatalf("error %v (status %d), want status %d transient %v", err, me.StatusCode, tc.status, tc.transient)
			}
			t.Log(err)
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("not %v: %v", tc.is, err)
			}
			if tc.check != nil {
				tc.check(t, me)
			}
			if model.Calls() != 0 || srv.PendingFaults() != 0 {
				t.Errorf("model calls %d, pending faults %d", model.Calls(), srv.PendingFaults())
			}
			resp, err := m.Generate(context.Background(), tc.req)
			if err != nil || resp.Message.Content != "after the fault" {
				t.Fatalf("after the fault: %v %v", resp, err)
			}
			if srv.Hits() != 2 {
				t.Errorf("hits = %d", srv.Hits())
			}
		})
	}
}

func TestSlow(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("eventually"))
	srv := openaitest.NewServer(t, model)
	m := client(t, srv, "")
	req := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}}

	srv.Inject(openaitest.Slow(10 * time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := m.Generate(ctx, req) // the fault holds the answer 10s unless the request ends
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}
	if model.Calls() != 0 {
		t.Errorf("the model was called")
	}

	srv.Inject(openaitest.Slow(20 * time.Millisecond))
	resp, err := m.Generate(context.Background(), req)
	if err != nil || resp.Message.Content != "eventually" {
		t.Fatalf("%v %v", resp, err)
	}
}

// deltaThenFail streams some text, then fails.
type deltaThenFail struct{}

func (deltaThenFail) ModelName() string { return "dtf" }
func (deltaThenFail) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "dtf"}, nil
}
func (deltaThenFail) Generate(_ context.Context, req ai.Request) (*ai.Response, error) {
	if req.OnDelta != nil {
		req.OnDelta("partial ")
	}
	return nil, aitest.StatusError(503, 0)
}

func TestModelErrorsBecomeHTTPErrors(t *testing.T) {
	msg := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}}
	cases := []struct {
		err        error
		status     int
		transient  bool
		retryAfter time.Duration
	}{
		{aitest.StatusError(429, 2*time.Second), 429, true, 2 * time.Second},
		{aitest.StatusError(404, 0), 404, false, 0},
		{&ai.ModelError{Provider: "x", Message: "no"}, 400, false, 0},
		{errors.New("boom"), 400, false, 0},
		{ai.TransientAfter(errors.New("flaky"), time.Second), 503, true, time.Second},
	}
	for _, tc := range cases {
		srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Fail(tc.err)))
		_, err := client(t, srv, "").Generate(context.Background(), msg)
		var me *ai.ModelError
		if !errors.As(err, &me) || me.StatusCode != tc.status || me.Transient != tc.transient || me.RetryAfter != tc.retryAfter {
			t.Errorf("%v: got %#v", tc.err, me)
		}
	}
	// After the first delta, the error travels as an error event.
	srv := openaitest.NewServer(t, deltaThenFail{})
	var deltas []string
	_, err := client(t, srv, "").Generate(context.Background(), ai.Request{Messages: msg.Messages, OnDelta: func(s string) { deltas = append(deltas, s) }})
	var me *ai.ModelError
	if !errors.As(err, &me) || !me.Transient || len(deltas) != 1 {
		t.Errorf("stream error: %v, deltas %q", err, deltas)
	}
}

func TestRawProtocol(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("raw")), openaitest.AllowInvalidRequests())
	base := strings.TrimSuffix(srv.URL(), "/v1")
	post := func(path, body string) (int, map[string]any) {
		res, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		b, _ := io.ReadAll(res.Body)
		_ = json.Unmarshal(b, &out)
		return res.StatusCode, out
	}
	code, out := post("/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if code != 200 || out["object"] != "chat.completion" {
		t.Fatalf("without /v1: %d %v", code, out)
	}
	choice := out["choices"].([]any)[0].(map[string]any)
	if choice["message"].(map[string]any)["content"] != "raw" || choice["finish_reason"] != "stop" {
		t.Errorf("choice = %v", choice)
	}
	for body, wantCode := range map[string]string{
		`{"model":`: "invalid_json",
		`{"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"c","content":"y"}]}`: "invalid_conversation",
		`{"messages":[{"role":"user","content":"x"}]}`:                                                              "missing_required_parameter",
	} {
		code, out := post("/v1/chat/completions", body)
		e, _ := out["error"].(map[string]any)
		if code != 400 || e["code"] != wantCode || e["type"] != "invalid_request_error" {
			t.Errorf("%s: %d %v", body, code, out)
		}
	}
	res, err := http.Get(base + "/v1/chat/completions")
	if err == nil {
		res.Body.Close()
		if res.StatusCode != 405 {
			t.Errorf("GET chat/completions = %d", res.StatusCode)
		}
	}
	res, err = http.Get(base + "/v1/nope")
	if err == nil {
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Errorf("unknown route = %d", res.StatusCode)
		}
	}
	res, err = http.Get(srv.URL() + "/models")
	if err == nil {
		var list struct {
			Data []struct{ ID string } `json:"data"`
		}
		_ = json.NewDecoder(res.Body).Decode(&list)
		res.Body.Close()
		if len(list.Data) != 1 || list.Data[0].ID != "scripted" {
			t.Errorf("models = %+v", list)
		}
	}
	if len(srv.Requests()) != 4 || srv.Validated() != 1 || len(srv.Violations()) != 3 {
		t.Errorf("recorded %d bodies, %d valid, violations %v", len(srv.Requests()), srv.Validated(), srv.Violations())
	}
}

func TestKnownModels(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithModels("gpt-other"))
	_, err := client(t, srv, "").Ping(context.Background())
	var me *ai.ModelError
	if !errors.As(err, &me) || me.StatusCode != 404 || me.Code != "model_not_found" || me.Transient {
		t.Fatalf("%v", err)
	}
	m, _ := openai.New("gpt-other", "", openai.WithBaseURL(srv.URL()))
	if _, err := m.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestBaseURLFromEnvironment(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("from env")))
	t.Setenv(openai.EnvBaseURL, srv.URL())
	resp, err := openai.NewModel("local-model", "").Generate(context.Background(),
		ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}})
	if err != nil || resp.Message.Content != "from env" {
		t.Fatalf("%v %v", resp, err)
	}
}

func TestConcurrentClients(t *testing.T) {
	const n = 12
	steps := make([]aitest.Step, n)
	for i := range steps {
		steps[i] = aitest.Reply("ok")
	}
	model := aitest.NewScripted(steps...)
	srv := openaitest.NewServer(t, model, openaitest.WithLatency(5*time.Millisecond))
	m := client(t, srv, "")
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}}
			if i%2 == 0 {
				req.OnDelta = func(string) {}
			}
			if _, err := m.Generate(context.Background(), req); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if model.Remaining() != 0 || srv.Hits() != n {
		t.Errorf("remaining %d hits %d", model.Remaining(), srv.Hits())
	}
}
