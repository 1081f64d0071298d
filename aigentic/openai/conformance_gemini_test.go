package openai_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Gemini's OpenAI-compatible endpoint
// (https://generativelanguage.googleapis.com/v1beta/openai/).
func TestConformanceGemini(t *testing.T) {
	gchunk := func(delta, finish string) string {
		return `{"choices":[{"delta":` + delta + `,"finish_reason":` + finish + `,"index":0}],"created":1737330953,"model":"gemini-2.5-flash","object":"chat.completion.chunk"}`
	}
	runWireCases(t, []wireCase{{
		// Streamed tool calls end with finish_reason "stop", not
		// "tool_calls" (non-streamed answers say "tool_calls").
		name:   "streamed tool call ending with stop",
		source: "https://github.com/googleapis/python-genai/issues/2868",
		stream: true,
		reply: sse(gchunk(`{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"function-call-1","index":0,"type":"function"}]}`, "null"),
			gchunk(`{"role":"assistant"}`, `"stop"`),
			`{"choices":[],"created":1737330953,"model":"gemini-2.5-flash","object":"chat.completion.chunk","usage":{"completion_tokens":6,"prompt_tokens":50,"total_tokens":56}}`,
			"[DONE]"),
		want: answer("", "tool_calls", ai.Usage{InputTokens: 50, OutputTokens: 6}, call("function-call-1", "get_weather", `{"city":"Paris"}`)),
	}, {
		// A non-streamed tool call with an empty id and finish_reason "stop".
		// The empty id is passed on: the agent gives it one unique in the run.
		name:   "tool call with an empty id",
		source: "https://github.com/microsoft/autogen/issues/4878",
		reply: openaitest.JSONBody(200, `{"id":null,"choices":[{"finish_reason":"stop","index":0,"message":{"content":null,"role":"assistant",
			"tool_calls":[{"id":"","function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"type":"function"}]}}],
			"created":1737330953,"model":"gemini-2.0-flash","object":"chat.completion","usage":{"completion_tokens":6,"prompt_tokens":50,"total_tokens":56}}`),
		want: answer("", "tool_calls", ai.Usage{InputTokens: 50, OutputTokens: 6}, call("", "get_weather", `{"city":"Paris"}`)),
	}, {
		// Errors come as a JSON array of Google error objects.
		name:   "rate limit as an array",
		source: "https://github.com/n4ze3m/page-assist/issues/406",
		reply: openaitest.Status(429, "Content-Type", "application/json").
			WithBody(`[{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}]`),
		err: &wantErr{transient: true, status: 429, code: "RESOURCE_EXHAUSTED", msg: "Resource has been exhausted"},
	}, {
		// A bad key: 400 INVALID_ARGUMENT, in the same array shape.
		name:   "bad key",
		source: "https://ai.google.dev/gemini-api/docs/troubleshooting (400 INVALID_ARGUMENT); array shape as in https://github.com/n4ze3m/page-assist/issues/406",
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(`[{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}]`),
		err: &wantErr{status: 400, code: "INVALID_ARGUMENT", msg: "API key not valid"},
	}, {
		// Gateways in front of Gemini repeat finish_reason "stop" on every
		// chunk: the answer goes on until the stream ends.
		name:   "finish_reason stop on every chunk",
		source: "https://github.com/QuantumNous/new-api/issues/378",
		stream: true,
		reply:  sse(gchunk(`{"content":"Hello"}`, `"stop"`), gchunk(`{"content":", I can"}`, `"stop"`), gchunk(`{"content":" help."}`, `"stop"`), "[DONE]"),
		want:   answer("Hello, I can help.", "stop", ai.Usage{}),
	}, {
		// Plain text, usage, as documented.
		name:   "text",
		source: "https://ai.google.dev/gemini-api/docs/openai",
		reply: openaitest.JSONBody(200, `{"choices":[{"finish_reason":"stop","index":0,"message":{"content":"AI learns patterns from data.","role":"assistant"}}],
			"created":1740000000,"id":"abc","model":"gemini-2.5-flash","object":"chat.completion","usage":{"completion_tokens":7,"prompt_tokens":8,"total_tokens":15}}`),
		want: answer("AI learns patterns from data.", "stop", ai.Usage{InputTokens: 8, OutputTokens: 7}),
	}})
}

// Gemini 3's thought signatures on the OpenAI-compatible endpoint: each
// tool call carries extra_content.google.thought_signature (or .vertex
// through Vertex AI), kept on the call (ai.ToolCall.Opaque) to be sent
// back, streamed or not.
func TestConformanceGeminiThoughtSignatures(t *testing.T) {
	gchunk := func(delta, finish string) string {
		return `{"choices":[{"delta":` + delta + `,"finish_reason":` + finish + `,"index":0}],"created":1,"model":"gemini-3-flash","object":"chat.completion.chunk"}`
	}
	sig := func(ns, s string) *ai.Opaque {
		return &ai.Opaque{Origin: "openai/chat/gemini", Fields: map[string]json.RawMessage{"extra_content": json.RawMessage(`{"` + ns + `":{"thought_signature":"` + s + `"}}`)}}
	}
	signed := func(id, args string, o *ai.Opaque) ai.ToolCall {
		c := call(id, "get_weather", args)
		c.Opaque = o
		return c
	}
	gemini := []openai.Option{openai.WithFamily(openai.FamilyGemini)}
	runWireCases(t, []wireCase{{
		name:   "streamed calls, each with its signature",
		source: "earendil-works/pi#6733; https://ai.google.dev/gemini-api/docs/thought-signatures (OpenAI compatibility)",
		stream: true,
		opts:   gemini,
		reply: sse(gchunk(`{"role":"assistant","tool_calls":[{"extra_content":{"google":{"thought_signature":"EjQKMgEMOdbH"}},"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"fc1","index":0,"type":"function"}]}`, "null"),
			gchunk(`{"role":"assistant","tool_calls":[{"extra_content":{"google":{"thought_signature":"AY89a18I"}},"function":{"arguments":"{\"city\":\"Rome\"}","name":"get_weather"},"id":"fc2","index":1,"type":"function"}]}`, "null"),
			gchunk(`{"role":"assistant"}`, `"stop"`), "[DONE]"),
		want: answer("", "tool_calls", ai.Usage{}, signed("fc1", `{"city":"Paris"}`, sig("google", "EjQKMgEMOdbH")), signed("fc2", `{"city":"Rome"}`, sig("google", "AY89a18I"))),
	}, {
		name:   "a call not streamed, the vertex namespace",
		source: "earendil-works/pi#6733 (Vertex AI's extra_content.vertex); earendil-works/pi#7745",
		opts:   gemini,
		reply: openaitest.JSONBody(200, `{"choices":[{"finish_reason":"tool_calls","index":0,"message":{"role":"assistant","tool_calls":[`+
			`{"extra_content":{"vertex":{"thought_signature":"AY89a18IwQsQ8in"}},"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"fc1","type":"function"}]}}],`+
			`"created":1,"id":"x","model":"gemini-3-pro","object":"chat.completion","usage":{"completion_tokens":6,"prompt_tokens":50,"total_tokens":56}}`),
		want: answer("", "tool_calls", ai.Usage{InputTokens: 50, OutputTokens: 6}, signed("fc1", `{"city":"Paris"}`, sig("vertex", "AY89a18IwQsQ8in"))),
	}, {
		// The next turn without the signature.
		name:   "a call sent back without its signature",
		source: "earendil-works/pi#6733; tinyhumansai/openhuman#3548 (the 400)",
		opts:   gemini,
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(`[{"error":{"code":400,"message":"Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly.","status":"INVALID_ARGUMENT"}}]`),
		err: &wantErr{status: 400, code: "INVALID_ARGUMENT", msg: "missing a thought_signature"},
	}})
}

// The signatures go back with their calls, streamed or not, on a server
// that refuses a call without its own (openaitest.ThoughtSignatures); the
// run fails with Gemini's 400 when they do not (the Opaque of another
// origin is not sent), which is what the test guards.
func TestGeminiSignaturesGoBack(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, stream := range []bool{false, true} {
		model := aitest.NewScripted(
			aitest.CallTools(aitest.Call("get_weather", `{"city":"Paris"}`), aitest.Call("get_time", `{"city":"Rome"}`)),
			aitest.Reply("done"))
		srv := openaitest.NewServer(t, model, openaitest.WithQuirks(openaitest.ThoughtSignatures))
		var log toolLog
		out, err := testAgent(t, srv.URL(), &log, stream, openai.WithFamily(openai.FamilyGemini)).Execute("weather and time")
		if err != nil || out != "done" {
			t.Fatalf("stream=%v: %q, %v", stream, out, err)
		}
		calls := decodeBody(t, srv.Requests()[1])["messages"].([]any)[1].(map[string]any)["tool_calls"].([]any)
		for _, c := range calls {
			c := c.(map[string]any)
			got, _ := json.Marshal(c["extra_content"])
			if want := `{"google":{"thought_signature":"sig-` + c["id"].(string) + `"}}`; string(got) != want {
				t.Errorf("stream=%v: extra_content %s, want %s", stream, got, want)
			}
		}
	}
}

// Opaque fields go back only to the family that made them: a conversation
// that moved from Gemini to OpenAI (a fallback) does not send Gemini's
// extra_content, which OpenAI would reject; the family that made them
// gets them back verbatim.
func TestOpaqueFieldsStayWithTheirOrigin(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, completion("ok", "stop")) })
	c := call("fc1", "get_weather", `{"city":"Paris"}`)
	c.Opaque = &ai.Opaque{Origin: "openai/chat/gemini", Fields: map[string]json.RawMessage{"extra_content": json.RawMessage(`{"google":{"thought_signature":"S1"}}`)}}
	req := ai.Request{Messages: []ai.Message{
		{Role: ai.RoleUser, Content: "weather?"},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{c},
			Opaque: &ai.Opaque{Origin: "openai/chat/openrouter", Fields: map[string]json.RawMessage{"reasoning_details": json.RawMessage(`[{"type":"reasoning.encrypted","data":"x"}]`)}}},
		{Role: ai.RoleTool, ToolCallID: "fc1", Content: "sunny"},
	}}
	for i, f := range []openai.Family{openai.FamilyGemini, openai.FamilyOpenAI, openai.FamilyOpenRouter} {
		if _, err := newModel(t, api.URL(), openai.WithFamily(f)).Generate(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		a := api.body(t, i)["messages"].([]any)[1].(map[string]any)
		tc := a["tool_calls"].([]any)[0].(map[string]any)
		if _, sent := tc["extra_content"]; sent != (f == openai.FamilyGemini) {
			t.Errorf("%s: extra_content sent = %v", f, sent)
		}
		if _, sent := a["reasoning_details"]; sent != (f == openai.FamilyOpenRouter) {
			t.Errorf("%s: reasoning_details sent = %v", f, sent)
		}
	}
}
