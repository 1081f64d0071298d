package aigentic_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// overHTTP is an agent whose model is the openai provider talking to a
// fake server in front of model.
func overHTTP(t *testing.T, model ai.Model, serverOpts []openaitest.Option, opts ...openai.Option) (aigentic.Agent, *openaitest.Server) {
	t.Helper()
	srv := openaitest.NewServer(t, model, serverOpts...)
	m, err := openai.New("gpt-test", "sk-test", append([]openai.Option{openai.WithBaseURL(srv.URL())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return quietAgent(m), srv
}

// body decodes the i-th chat completion body the server received.
func body(t *testing.T, srv *openaitest.Server, i int) map[string]any {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(srv.Requests()[i], &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// A server that supports json_schema gets the strict schema as
// response_format on every request of the run, tools or not, and the
// model behind it receives it; its answer is the value.
func TestTypedOverHTTPNativeSchema(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup_order", `{"id":"A1"}`)), aitest.Reply(validTicket))
	a, srv := overHTTP(t, model, nil)
	a.AgentTools = []aigentic.AgentTool{aigentic.NewTool("lookup_order", "Look an order up.", func(_ *aigentic.AgentRun, in struct {
		ID string `json:"id"`
	}) (string, error) {
		return "charged twice", nil
	})}
	v, err := aigentic.ExecuteAs[ticket](context.Background(), a, "order A1")
	if err != nil || v.Category != "billing" {
		t.Fatalf("%+v, %v", v, err)
	}
	for i := range 2 {
		rf, _ := body(t, srv, i)["response_format"].(map[string]any)
		js, _ := rf["json_schema"].(map[string]any)
		if rf["type"] != "json_schema" || js["name"] != "ticket" || js["strict"] != true || js["schema"] == nil {
			t.Fatalf("request %d: response_format %v", i, rf)
		}
		if got := model.Requests()[i].ResponseFormat; got == nil || got.Name != "ticket" || !got.Strict {
			t.Fatalf("request %d: the model got %+v", i, got)
		}
	}
}

// A server that rejects json_schema (DeepSeek's 400) fails the run with a
// clear error when the provider sends it natively; told the server's
// family, or to use instructions, the provider describes the schema in a
// system message instead, and the typed answer works.
func TestTypedOverHTTPServerRejectsJSONSchema(t *testing.T) {
	rejects := []openaitest.Option{openaitest.WithQuirks(openaitest.RejectsJSONSchema)}
	a, _ := overHTTP(t, aitest.NewScripted(aitest.Reply(validTicket)), rejects)
	_, err := aigentic.ExecuteAs[ticket](context.Background(), a, "hi")
	var mce *aigentic.ModelCallError
	if !errors.As(err, &mce) || !strings.Contains(err.Error(), "This response_format type is unavailable now") {
		t.Fatalf("err = %v, want the server's refusal", err)
	}
	for name, opt := range map[string]openai.Option{
		"family":       openai.WithFamily(openai.FamilyDeepSeek),
		"instructions": openai.WithStructuredOutput(openai.StructuredOutputInstructions),
	} {
		model := aitest.NewScripted(aitest.Reply(validTicket))
		a, srv := overHTTP(t, model, rejects, opt)
		a.Instructions = "You classify support tickets."
		v, err := aigentic.ExecuteAs[ticket](context.Background(), a, "hi")
		if err != nil || v.Category != "billing" {
			t.Fatalf("%s: %+v, %v", name, v, err)
		}
		if _, ok := body(t, srv, 0)["response_format"]; ok {
			t.Fatalf("%s: response_format sent", name)
		}
		sys := model.Requests()[0].Messages[0]
		if sys.Role != ai.RoleSystem || !strings.HasPrefix(sys.Content, "You classify support tickets.") ||
			!strings.Contains(sys.Content, `"ticket"`) || !strings.Contains(sys.Content, `"category"`) {
			t.Fatalf("%s: system message %q", name, sys.Content)
		}
	}
}

// Over HTTP, streamed: a model that answers invalid JSON twice — prose,
// then JSON for another schema — before a valid one gets two follow-ups
// and its third answer is the value.
func TestTypedOverHTTPInvalidTwiceThenValid(t *testing.T) {
	model := aitest.NewScripted(
		aitest.Reply("The ticket is about billing."),
		aitest.Reply(`{"type":"invoice","amount":12.5}`),
		aitest.Reply("```json\n"+validTicket+"\n```"))
	a, srv := overHTTP(t, model, nil)
	a.Stream = true
	run, err := aigentic.StartAs[ticket](context.Background(), a, "charged twice")
	if err != nil {
		t.Fatal(err)
	}
	for range run.Next() {
	}
	v, err := run.Wait(0)
	if err != nil || v.Summary != "Charged twice" {
		t.Fatalf("%+v, %v", v, err)
	}
	if st := run.Stats(); st.FollowUps != 2 || st.LLMCalls != 3 || len(srv.Requests()) != 3 {
		t.Fatalf("stats %+v, %d requests", st, len(srv.Requests()))
	}
	last := model.Requests()[2].Messages
	if follow := last[len(last)-1].Content; !strings.Contains(follow, "the answer does not match the schema: /: missing properties 'category', 'order', 'priority', 'summary'; /: additional properties") {
		t.Fatalf("second follow-up %q", follow)
	}
}

// A server whose model answers JSON for another schema, every time: the
// run ends with the last raw answer and what was wrong, no panic.
func TestTypedOverHTTPAnotherSchema(t *testing.T) {
	other := `{"type":"invoice","amount":12.5}`
	a, _ := overHTTP(t, aitest.NewScripted(aitest.Reply(other), aitest.Reply(other), aitest.Reply(other)), nil)
	_, err := aigentic.ExecuteAs[ticket](context.Background(), a, "hi")
	var oe *aigentic.OutputError
	if !errors.As(err, &oe) || oe.Raw != other || oe.Answers != 3 || !strings.Contains(oe.Problem.Error(), "missing properties") {
		t.Fatalf("err = %v", err)
	}
}
