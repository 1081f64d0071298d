package openai_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// DeepSeek's API (https://api.deepseek.com): thinking mode's
// reasoning_content, its cache-hit usage, json_object only.
func TestConformanceDeepSeek(t *testing.T) {
	dchunk := func(delta, finish string) string {
		return `{"id":"d1","object":"chat.completion.chunk","created":1,"model":"deepseek-v4-flash","system_fingerprint":"fp_1","choices":[{"index":0,"delta":` + delta + `,"logprobs":null,"finish_reason":` + finish + `}]}`
	}
	usage := `{"id":"d1","object":"chat.completion.chunk","created":1,"model":"deepseek-v4-flash","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":30,"total_tokens":70,` +
		`"prompt_tokens_details":{"cached_tokens":32},"prompt_cache_hit_tokens":32,"prompt_cache_miss_tokens":8,"completion_tokens_details":{"reasoning_tokens":21}}}`
	thought := "The user wants the weather. I should call get_weather."
	typed := ai.Request{Messages: hello.Messages, ResponseFormat: &ai.ResponseFormat{Name: "weather", Schema: weatherSchema}}
	runWireCases(t, []wireCase{{
		// Thinking mode streams reasoning_content before the answer; it is
		// kept on the message (ai.Message.Reasoning), apart from content.
		name:   "streamed thinking, then a tool call",
		source: "https://api-docs.deepseek.com/guides/thinking_mode (reasoning_content; tool calls); continuedev/continue#10193",
		stream: true,
		reply: sse(dchunk(`{"role":"assistant","content":null,"reasoning_content":"The user wants the weather. "}`, "null"),
			dchunk(`{"reasoning_content":"I should call get_weather."}`, "null"),
			dchunk(`{"tool_calls":[{"index":0,"id":"call_00_x1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}`, "null"),
			dchunk(`{"content":""}`, `"tool_calls"`), usage, "[DONE]"),
		want: &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Reasoning: thought, ToolCalls: []ai.ToolCall{call("call_00_x1", "get_weather", `{"city":"Paris"}`)}},
			Usage: ai.Usage{InputTokens: 40, OutputTokens: 30, ReasoningTokens: 21, CachedInputTokens: 32}, FinishReason: "tool_calls"},
	}, {
		// The cache hit as DeepSeek names it, prompt_cache_hit_tokens, when
		// prompt_tokens_details is absent.
		name:   "thinking and cache hits, not streamed",
		source: "https://api-docs.deepseek.com/guides/kv_cache (prompt_cache_hit_tokens); https://api-docs.deepseek.com/guides/thinking_mode",
		reply: openaitest.JSONBody(200, `{"id":"d2","object":"chat.completion","created":1,"model":"deepseek-v4-flash",
			"choices":[{"index":0,"message":{"role":"assistant","content":"Sunny.","reasoning_content":"Short answer."},"finish_reason":"stop","logprobs":null}],
			"usage":{"prompt_tokens":50,"completion_tokens":9,"total_tokens":59,"prompt_cache_hit_tokens":48,"prompt_cache_miss_tokens":2,"completion_tokens_details":{"reasoning_tokens":4}}}`),
		want: &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "Sunny.", Reasoning: "Short answer."},
			Usage: ai.Usage{InputTokens: 50, OutputTokens: 9, ReasoningTokens: 4, CachedInputTokens: 48}, FinishReason: "stop"},
	}, {
		// What a client that drops reasoning_content gets on its next turn.
		name:   "reasoning_content missing from a tool-call message",
		source: "continuedev/continue#10193; abhigyanpatwari/GitNexus#43 (the 400's text)",
		reply: openaitest.Status(400, "Content-Type", "application/json").WithBody(`{"error":{"message":"Missing ` + "`reasoning_content`" +
			` field in the assistant message at message index 2. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}`),
		err: &wantErr{status: 400, code: "invalid_request_error", msg: "Missing `reasoning_content` field"},
	}, {
		// json_schema sent anyway (the option overrides the family's
		// rule): the 400 names the field and the option.
		name:    "json_schema rejected: the error names response_format",
		source:  "https://api-docs.deepseek.com/guides/json_mode (json_object only); DeepSeek's 400 text as in openaitest.RejectsJSONSchema",
		opts:    []openai.Option{openai.WithFamily(openai.FamilyDeepSeek), openai.WithStructuredOutput(openai.StructuredOutputJSONSchema)},
		request: &typed,
		reply:   openaitest.Status(400, "Content-Type", "application/json").WithBody(apiError("This response_format type is unavailable now", "invalid_request_error", "invalid_request_error")),
		err: &wantErr{is: []error{openai.ErrRejectedField, ai.ErrPermanent}, status: 400, code: "invalid_request_error",
			msg: "the server rejected the optional request field response_format: stop sending it with openai.WithStructuredOutput(openai.StructuredOutputInstructions)"},
	}})
}

// DeepSeek's thinking mode, end to end: its answers carry
// reasoning_content, and it refuses a tool-call message that does not send
// it back (openaitest.ReasoningContent). The DeepSeek family sends each
// message's reasoning back, streamed or not; with it off the run fails on
// the server's 400 — the mechanism the test names.
func TestDeepSeekReasoningGoesBack(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, stream := range []bool{false, true} {
		for _, send := range []bool{true, false} {
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_weather", `{"city":"Paris"}`)), aitest.Reply("sunny"))
			srv := openaitest.NewServer(t, model, openaitest.WithQuirks(openaitest.ReasoningContent))
			var log toolLog
			agent := testAgent(t, srv.URL(), &log, stream, openai.WithFamily(openai.FamilyDeepSeek), openai.WithReasoningContent(send))
			out, err := agent.Execute("weather in Paris?")
			if !send {
				if err == nil || !strings.Contains(err.Error(), "Missing `reasoning_content` field in the assistant message at message index 1") {
					t.Errorf("stream=%v, reasoning not sent: %q, %v; want DeepSeek's 400", stream, out, err)
				}
				continue
			}
			if err != nil || out != "sunny" {
				t.Fatalf("stream=%v: %q, %v", stream, out, err)
			}
			body := decodeBody(t, srv.Requests()[1])
			a := body["messages"].([]any)[1].(map[string]any)
			if rc, _ := a["reasoning_content"].(string); !strings.HasPrefix(rc, "Thinking about chatcmpl-openaitest-1") {
				t.Errorf("stream=%v: reasoning_content sent back = %q", stream, rc)
			}
		}
	}
}

// Where the family does not need it, reasoning is not sent back: OpenAI
// rejects an unknown field in a message.
func TestReasoningNotSentToOtherFamilies(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, completion("ok", "stop")) })
	req := ai.Request{Messages: []ai.Message{
		{Role: ai.RoleUser, Content: "weather?"},
		{Role: ai.RoleAssistant, Reasoning: "I should look it up.", ToolCalls: []ai.ToolCall{call("c1", "get_weather", `{"city":"Paris"}`)}},
		{Role: ai.RoleTool, ToolCallID: "c1", Content: "sunny"},
	}}
	for i, f := range []openai.Family{openai.FamilyOpenAI, openai.FamilyDeepSeek} {
		if _, err := newModel(t, api.URL(), openai.WithFamily(f)).Generate(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		a := api.body(t, i)["messages"].([]any)[1].(map[string]any)
		if _, sent := a["reasoning_content"]; sent != (f == openai.FamilyDeepSeek) {
			t.Errorf("%s: reasoning_content sent = %v", f, sent)
		}
	}
}

// DeepSeek has json_object only: a typed answer's schema goes into the
// instructions, and no response_format is sent.
func TestDeepSeekSchemaInInstructions(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, completion(`{"city":"Paris"}`, "stop"))
	})
	m := newModel(t, api.URL(), openai.WithFamily(openai.FamilyDeepSeek))
	req := ai.Request{Messages: []ai.Message{{Role: ai.RoleSystem, Content: "Be brief."}, {Role: ai.RoleUser, Content: "weather?"}},
		ResponseFormat: &ai.ResponseFormat{Name: "weather", Schema: weatherSchema}}
	if _, err := m.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := api.body(t, 0)
	sys := body["messages"].([]any)[0].(map[string]any)["content"].(string)
	if body["response_format"] != nil || !strings.HasPrefix(sys, "Be brief.\n\n") || !strings.Contains(sys, `"weather"`) || !strings.Contains(sys, `{"properties":{"city"`) {
		t.Errorf("response_format %v, system message %q", body["response_format"], sys)
	}
	if req.Messages[0].Content != "Be brief." {
		t.Errorf("the caller's messages were changed: %+v", req.Messages[0])
	}
}
