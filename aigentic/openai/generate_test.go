package openai_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

var weatherTool = ai.Tool{
	Name:        "get_weather",
	Description: "Current weather of a city.",
	InputSchema: map[string]any{
		"type":       "object",
		"properties": map[string]any{"city": map[string]any{"type": "string"}},
		"required":   []any{"city"},
	},
}

// clockTool has no schema: it must be sent as an empty object schema.
var clockTool = ai.Tool{Name: "now", Description: "The current time."}

func TestToolCallAndFollowUp(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
			t.Errorf("Authorization = %q", got)
		}
		if r.URL.Path != "/v1/chat/completions" {
			t.Errorf("path = %s", r.URL.Path)
		}
		if strings.Contains(readBody(r), `"role":"tool"`) {
			writeJSON(w, 200, completion("It is 18°C in Paris.", "stop"))
			return
		}
		writeJSON(w, 200, completion("", "tool_calls", [3]string{"call_abc", "get_weather", `{"city":"Paris"}`}))
	})
	m := newModel(t, api.URL())
	ctx := context.Background()
	msgs := []ai.Message{
		{Role: ai.RoleSystem, Content: "You are terse."},
		{Role: ai.RoleUser, Content: "Weather in Paris?"},
	}
	resp, err := m.Generate(ctx, ai.Request{Messages: msgs, Tools: []ai.Tool{weatherTool, clockTool}})
	if err != nil {
		t.Fatal(err)
	}
	want := []ai.ToolCall{{ID: "call_abc", Name: "get_weather", Arguments: `{"city":"Paris"}`}}
	if !reflect.DeepEqual(resp.Message.ToolCalls, want) || resp.Message.Role != ai.RoleAssistant {
		t.Fatalf("message = %+v", resp.Message)
	}
	if resp.FinishReason != "tool_calls" || resp.Usage != (ai.Usage{InputTokens: 21, OutputTokens: 9}) {
		t.Fatalf("finish %q usage %+v", resp.FinishReason, resp.Usage)
	}

	first := api.body(t, 0)
	if first["model"] != "gpt-test" || first["stream"] != nil {
		t.Errorf("model/stream = %v/%v", first["model"], first["stream"])
	}
	tools := first["tools"].([]any)
	if len(tools) != 2 {
		t.Fatalf("tools = %v", tools)
	}
	fn0 := tools[0].(map[string]any)["function"].(map[string]any)
	if fn0["name"] != "get_weather" || fn0["description"] != weatherTool.Description ||
		!reflect.DeepEqual(fn0["parameters"], weatherTool.InputSchema) {
		t.Errorf("tool 0 = %v", fn0)
	}
	fn1 := tools[1].(map[string]any)["function"].(map[string]any)
	if !reflect.DeepEqual(fn1["parameters"], map[string]any{"type": "object", "properties": map[string]any{}}) {
		t.Errorf("schema-less tool parameters = %v", fn1["parameters"])
	}

	msgs = append(msgs, resp.Message, ai.Message{Role: ai.RoleTool, ToolCallID: "call_abc", Name: "get_weather", Content: "18°C, sunny"})
	resp, err = m.Generate(ctx, ai.Request{Messages: msgs, Tools: []ai.Tool{weatherTool, clockTool}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Content != "It is 18°C in Paris." || resp.FinishReason != "stop" || len(resp.Message.ToolCalls) != 0 {
		t.Fatalf("follow-up = %+v", resp)
	}
	second := api.body(t, 1)
	sent := second["messages"].([]any)
	if len(sent) != 4 {
		t.Fatalf("messages = %v", sent)
	}
	asst := sent[2].(map[string]any)
	calls := asst["tool_calls"].([]any)
	call := calls[0].(map[string]any)
	if asst["role"] != "assistant" || call["id"] != "call_abc" || call["type"] != "function" ||
		call["function"].(map[string]any)["arguments"] != `{"city":"Paris"}` {
		t.Errorf("assistant message = %v", asst)
	}
	tool := sent[3].(map[string]any)
	if tool["role"] != "tool" || tool["tool_call_id"] != "call_abc" || tool["content"] != "18°C, sunny" {
		t.Errorf("tool message = %v", tool)
	}
	if api.Hits() != 2 {
		t.Errorf("hits = %d", api.Hits())
	}
}

func TestSeveralToolCallsInOneTurn(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(readBody(r), `"role":"tool"`) {
			writeJSON(w, 200, completion("Paris 18°C, Oslo 4°C.", "stop"))
			return
		}
		writeJSON(w, 200, completion("Checking both.", "tool_calls",
			[3]string{"call_1", "get_weather", `{"city":"Paris"}`},
			[3]string{"call_2", "get_weather", `{"city":"Oslo"}`}))
	})
	m := newModel(t, api.URL())
	msgs := []ai.Message{{Role: ai.RoleUser, Content: "Paris and Oslo?"}}
	resp, err := m.Generate(context.Background(), ai.Request{Messages: msgs, Tools: []ai.Tool{weatherTool}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Content != "Checking both." || len(resp.Message.ToolCalls) != 2 ||
		resp.Message.ToolCalls[1] != (ai.ToolCall{ID: "call_2", Name: "get_weather", Arguments: `{"city":"Oslo"}`}) {
		t.Fatalf("message = %+v", resp.Message)
	}
	msgs = append(msgs, resp.Message,
		ai.Message{Role: ai.RoleTool, ToolCallID: "call_1", Content: "18°C"},
		ai.Message{Role: ai.RoleTool, ToolCallID: "call_2", Content: "timeout", IsError: true})
	if _, err := m.Generate(context.Background(), ai.Request{Messages: msgs, Tools: []ai.Tool{weatherTool}}); err != nil {
		t.Fatal(err)
	}
	sent := api.body(t, 1)["messages"].([]any)
	if asst := sent[1].(map[string]any); asst["content"] != "Checking both." || len(asst["tool_calls"].([]any)) != 2 {
		t.Errorf("assistant = %v", asst)
	}
	if errMsg := sent[3].(map[string]any); errMsg["tool_call_id"] != "call_2" || errMsg["content"] != "Error: timeout" {
		t.Errorf("error tool message = %v", errMsg)
	}
}

func TestStreamingToolCallDeltasSplitAcrossChunks(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeSSE(w,
			chunk(`{"role":"assistant","content":""}`, ""),
			chunk(`{"content":"Let me "}`, ""),
			chunk(`{"content":"check."}`, ""))
		writeSSE(w,
			chunk(`{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}`, ""),
			chunk(`{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}`, ""),
			chunk(`{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"now","arguments":"{"}}]}`, ""),
			chunk(`{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}`, ""),
			chunk(`{"tool_calls":[{"index":1,"function":{"arguments":"}"}}]}`, ""),
			chunk(`{}`, "tool_calls"),
			usageChunk,
			"[DONE]")
	})
	m := newModel(t, api.URL())
	var deltas []string
	resp, err := m.Generate(context.Background(), ai.Request{
		Messages: []ai.Message{{Role: ai.RoleUser, Content: "Weather and time?"}},
		Tools:    []ai.Tool{weatherTool, clockTool},
		OnDelta:  func(s string) { deltas = append(deltas, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(deltas, []string{"Let me ", "check."}) {
		t.Errorf("deltas = %q", deltas)
	}
	want := []ai.ToolCall{
		{ID: "call_a", Name: "get_weather", Arguments: `{"city":"Paris"}`},
		{ID: "call_b", Name: "now", Arguments: `{}`},
	}
	if resp.Message.Content != "Let me check." || !reflect.DeepEqual(resp.Message.ToolCalls, want) {
		t.Fatalf("message = %+v", resp.Message)
	}
	if resp.FinishReason != "tool_calls" || resp.Usage != (ai.Usage{InputTokens: 17, OutputTokens: 8}) {
		t.Errorf("finish %q usage %+v", resp.FinishReason, resp.Usage)
	}
	body := api.body(t, 0)
	if body["stream"] != true || body["stream_options"].(map[string]any)["include_usage"] != true {
		t.Errorf("stream params = %v %v", body["stream"], body["stream_options"])
	}
}

func TestStreamingUsageAndText(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeSSE(w,
			chunk(`{"role":"assistant","content":""}`, ""),
			chunk(`{"content":"Hel"}`, ""),
			chunk(`{"content":"lo!"}`, ""),
			chunk(`{}`, "stop"),
			usageChunk,
			"[DONE]")
	})
	m := newModel(t, api.URL())
	var got strings.Builder
	resp, err := m.Generate(context.Background(), ai.Request{
		Messages: []ai.Message{{Role: ai.RoleUser, Content: "Hi"}},
		OnDelta:  func(s string) { got.WriteString(s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "Hello!" || resp.Message.Content != "Hello!" || resp.FinishReason != "stop" {
		t.Fatalf("streamed %q, response %+v", got.String(), resp)
	}
	if resp.Usage != (ai.Usage{InputTokens: 17, OutputTokens: 8}) {
		t.Errorf("usage = %+v", resp.Usage)
	}
}

// Some compatible servers send each tool call whole, without "index", and
// no [DONE]: the calls must still come out separate, and the stream counts
// as complete because the finish reason arrived.
func TestStreamingToolCallsWithoutIndex(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeSSE(w,
			chunk(`{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]}`, ""),
			chunk(`{"tool_calls":[{"id":"c2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]}`, ""),
			chunk(`{}`, "tool_calls"))
	})
	m := newModel(t, api.URL())
	resp, err := m.Generate(context.Background(), ai.Request{
		Messages: []ai.Message{{Role: ai.RoleUser, Content: "Rome and Oslo?"}},
		Tools:    []ai.Tool{weatherTool},
		OnDelta:  func(string) {},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []ai.ToolCall{
		{ID: "c1", Name: "get_weather", Arguments: `{"city":"Rome"}`},
		{ID: "c2", Name: "get_weather", Arguments: `{"city":"Oslo"}`},
	}
	if !reflect.DeepEqual(resp.Message.ToolCalls, want) || resp.Usage != (ai.Usage{}) {
		t.Fatalf("response = %+v", resp)
	}
}

func TestOptionsReachTheWire(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		for h, want := range map[string]string{
			"OpenAI-Organization": "org-1", "OpenAI-Project": "proj-1", "X-Gateway": "blue",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		writeJSON(w, 200, completion("ok", "stop"))
	})
	m := newModel(t, api.URL(),
		openai.WithOrganization("org-1"), openai.WithProject("proj-1"), openai.WithHeader("X-Gateway", "blue"),
		openai.WithTemperature(0.2), openai.WithMaxTokens(256), openai.WithHTTPClient(&http.Client{}))
	if _, err := m.Generate(context.Background(), ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}}); err != nil {
		t.Fatal(err)
	}
	body := api.body(t, 0)
	// A compatible server (the family of a loopback URL) gets max_tokens,
	// the name every family accepts but OpenAI's reasoning models.
	if body["temperature"] != 0.2 || body["max_tokens"] != float64(256) || body["max_completion_tokens"] != nil {
		t.Errorf("temperature %v max_tokens %v max_completion_tokens %v", body["temperature"], body["max_tokens"], body["max_completion_tokens"])
	}
	if m.ModelName() != "gpt-test" || m.BaseURL() != api.URL() {
		t.Errorf("ModelName %q BaseURL %q", m.ModelName(), m.BaseURL())
	}
}

// A local server: a base URL and no key sends no Authorization header.
func TestLocalServerWithoutKey(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if v, ok := r.Header["Authorization"]; ok {
			t.Errorf("Authorization sent: %q", v)
		}
		writeJSON(w, 200, completion("local", "stop"))
	})
	t.Setenv("OPENAI_API_KEY", "sk-from-env-must-not-be-sent")
	t.Setenv("OPENAI_CUSTOM_HEADERS", "Authorization: Bearer sk-from-env-must-not-be-sent")
	t.Setenv(openai.EnvBaseURL, api.URL())
	m := openai.NewModel("llama3.2", "")                 // base URL from the environment
	t.Setenv(openai.EnvBaseURL, "http://127.0.0.1:1/v1") // read once: ignored now
	resp, err := m.Generate(context.Background(), ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Content != "local" || api.body(t, 0)["model"] != "llama3.2" {
		t.Fatalf("resp = %+v", resp)
	}
	// An explicit option wins over the environment.
	m2 := openai.NewModel("llama3.2", "", openai.WithBaseURL(api.URL()))
	if m2.BaseURL() != api.URL() {
		t.Errorf("BaseURL = %q", m2.BaseURL())
	}
}

func TestConcurrentGenerate(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(readBody(r), `"stream":true`) {
			writeSSE(w, chunk(`{"content":"s"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]")
			return
		}
		writeJSON(w, 200, completion("n", "stop"))
	})
	m := newModel(t, api.URL())
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			req := ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}}
			if i%2 == 0 {
				req.OnDelta = func(string) {}
			}
			_, err := m.Generate(context.Background(), req)
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
