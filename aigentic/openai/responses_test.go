package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// A reasoning model on the Responses API without server-side storage:
// store false, include reasoning.encrypted_content, and each answer's
// reasoning item sent back before the calls it came with — which OpenAI
// requires ("Item 'fc_X' of type 'function_call' was provided without its
// required 'reasoning' item"), and openaitest too. A model that drops the
// items (the Opaque) fails on that 400: the mechanism the test guards.
func TestResponsesReasoningItemsGoBack(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, stream := range []bool{false, true} {
		for _, drop := range []bool{false, true} {
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_weather", `{"city":"Paris"}`)), aitest.Reply("sunny"))
			srv := openaitest.NewServer(t, model)
			m, err := openai.New("o4-mini", "", openai.WithBaseURL(srv.URL()), openai.WithAPI(openai.ResponsesAPI))
			if err != nil {
				t.Fatal(err)
			}
			var log toolLog
			agent := aigentic.Agent{Model: m, AgentTools: testTools(&log), Stream: stream, MaxLLMCalls: 5}
			if drop {
				agent.Model = dropOpaque{m}
			}
			out, err := agent.Execute("weather in Paris?")
			if drop {
				if err == nil || !strings.Contains(err.Error(), "of type 'function_call' was provided without its required 'reasoning' item") {
					t.Errorf("stream=%v, items dropped: %q, %v; want the 400", stream, out, err)
				}
				continue
			}
			if err != nil || out != "sunny" {
				t.Fatalf("stream=%v: %q, %v", stream, out, err)
			}
			body := decodeBody(t, srv.Requests()[1])
			if body["store"] != false || !strings.Contains(string(srv.Requests()[0]), `"include":["reasoning.encrypted_content"]`) {
				t.Errorf("store %v; first request %s", body["store"], srv.Requests()[0])
			}
			input := body["input"].([]any)
			item := input[1].(map[string]any)
			if item["type"] != "reasoning" || !strings.HasPrefix(item["encrypted_content"].(string), "enc-resp_") || input[2].(map[string]any)["type"] != "function_call" {
				t.Errorf("stream=%v: input %v", stream, input)
			}
		}
	}
}

// dropOpaque is a model that loses what the provider needs back.
type dropOpaque struct{ ai.Model }

func (d dropOpaque) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	msgs := append([]ai.Message(nil), req.Messages...)
	for i := range msgs {
		msgs[i].Opaque = nil
	}
	req.Messages = msgs
	return d.Model.Generate(ctx, req)
}

// Only reasoning models are asked for encrypted reasoning: other models
// refuse the include ("Encrypted content is not supported with this
// model").
func TestResponsesIncludeOnlyForReasoningModels(t *testing.T) {
	for model, include := range map[string]bool{"o4-mini": true, "o3": true, "gpt-5-mini": true, "gpt-4o-mini": false, "gpt-4.1": false, "gpt-5-chat-latest": false} {
		srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("hi")))
		m, err := openai.New(model, "", openai.WithBaseURL(srv.URL()), openai.WithAPI(openai.ResponsesAPI))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Generate(context.Background(), hello); err != nil {
			t.Fatal(err)
		}
		if got := decodeBody(t, srv.Requests()[0])["include"] != nil; got != include {
			t.Errorf("%s: include sent = %v", model, got)
		}
	}
}

// The API is chosen per model on OpenAI, Chat Completions elsewhere, and
// by option.
func TestAPIChoice(t *testing.T) {
	cases := []struct {
		model, base string
		opts        []openai.Option
		want        openai.API
	}{
		{"gpt-4o-mini", openai.DefaultBaseURL, nil, openai.ChatCompletionsAPI},
		{"o3-pro", openai.DefaultBaseURL, nil, openai.ResponsesAPI},
		{"gpt-5-codex", openai.DefaultBaseURL, nil, openai.ResponsesAPI},
		{"o3-pro", "http://localhost:8000/v1", nil, openai.ChatCompletionsAPI},
		{"gpt-4o-mini", openai.DefaultBaseURL, []openai.Option{openai.WithAPI(openai.ResponsesAPI)}, openai.ResponsesAPI},
		{"o3-pro", openai.DefaultBaseURL, []openai.Option{openai.WithAPI(openai.ChatCompletionsAPI)}, openai.ChatCompletionsAPI},
	}
	for _, c := range cases {
		m, err := openai.New(c.model, "sk-x", append([]openai.Option{openai.WithBaseURL(c.base)}, c.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		if m.API() != c.want {
			t.Errorf("%s at %s: %v, want %v", c.model, c.base, m.API(), c.want)
		}
	}
	for _, o := range []openai.Option{openai.WithAPI(openai.API(7)), openai.WithFamily("gemeni"), openai.WithStructuredOutput(9), openai.WithTokenCapField("max_len")} {
		if _, err := openai.New("m", "sk-x", o); !errors.Is(err, openai.ErrInvalidConfig) {
			t.Errorf("a bad option: %v", err)
		}
	}
}

// The family detected from the base URL.
func TestDetectFamily(t *testing.T) {
	for url, want := range map[string]openai.Family{
		"https://api.openai.com/v1":                                openai.FamilyOpenAI,
		"https://my-res.openai.azure.com/openai/v1":                openai.FamilyAzure,
		"https://api.deepseek.com":                                 openai.FamilyDeepSeek,
		"https://generativelanguage.googleapis.com/v1beta/openai/": openai.FamilyGemini,
		"https://api.groq.com/openai/v1":                           openai.FamilyGroq,
		"https://api.mistral.ai/v1":                                openai.FamilyMistral,
		"https://openrouter.ai/api/v1":                             openai.FamilyOpenRouter,
		"http://localhost:11434/v1":                                openai.FamilyOllama,
		"http://127.0.0.1:1234/v1":                                 openai.FamilyLMStudio,
		"http://127.0.0.1:8080/v1":                                 openai.FamilyCompatible,
		"http://api.openai.com.evil.example/v1":                    openai.FamilyCompatible,
		"::not a url":                                              openai.FamilyCompatible,
	} {
		if got := openai.DetectFamily(url); got != want {
			t.Errorf("%s: %s, want %s", url, got, want)
		}
	}
}

// A server that refuses stream_options (a proxy): the run fails on an
// error naming the field and the option; with the option, it runs.
func TestStreamOptionsRefusedThenTurnedOff(t *testing.T) {
	for _, on := range []bool{true, false} {
		srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("hi")), openaitest.WithQuirks(openaitest.RejectsStreamOptions))
		var log toolLog
		out, err := testAgent(t, srv.URL(), &log, true, openai.WithStreamUsage(on)).Execute("hi")
		var rf *openai.RejectedFieldError
		if on != errors.As(err, &rf) || on && (rf.Field != "stream_options" || !strings.Contains(err.Error(), "openai.WithStreamUsage(false)")) {
			t.Errorf("stream usage %v: %q, %v", on, out, err)
		}
		if !on && out != "hi" {
			t.Errorf("with stream usage off: %q, %v", out, err)
		}
	}
}

// Opaque data survives the JSON of a transcript (checkpoints, traces).
func TestOpaqueRoundTripsThroughJSON(t *testing.T) {
	msg := ai.Message{Role: ai.RoleAssistant, Reasoning: "r", Opaque: &ai.Opaque{Origin: "openai/responses/openai", Items: []json.RawMessage{json.RawMessage(`{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"e"}`)}},
		ToolCalls: []ai.ToolCall{{ID: "c", Name: "n", Arguments: "{}", Opaque: &ai.Opaque{Origin: "o", Fields: map[string]json.RawMessage{"extra_content": json.RawMessage(`{"google":{"thought_signature":"s"}}`)}}}}}
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	var back ai.Message
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) || !back.Opaque.From("openai/responses/openai") || back.ToolCalls[0].Opaque.From("openai/responses/openai") {
		t.Errorf("%s\n%s", b, b2)
	}
}
