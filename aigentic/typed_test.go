package aigentic_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// ticket is the typed answer of these tests.
type ticket struct {
	Category string `json:"category" jsonschema:"enum=billing,enum=bug,enum=other" description:"what the ticket is about"`
	Summary  string `json:"summary"`
	Priority int    `json:"priority" jsonschema:"minimum=1,maximum=3"`
	// Order is optional: strict mode makes it required and nullable.
	Order string `json:"order,omitempty"`
}

const validTicket = `{"category":"billing","summary":"Charged twice","priority":2,"order":null}`

func quietAgent(m ai.Model) aigentic.Agent {
	return aigentic.Agent{Model: m, Logger: discardLogger()}
}

// A valid answer is decoded; the request asked for the strict schema.
func TestExecuteAsDecodes(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply(validTicket))
	got, err := aigentic.ExecuteAs[ticket](context.Background(), quietAgent(model), "I was charged twice")
	if err != nil {
		t.Fatal(err)
	}
	if got != (ticket{Category: "billing", Summary: "Charged twice", Priority: 2}) {
		t.Fatalf("got %+v", got)
	}
	rf := model.Requests()[0].ResponseFormat
	if rf == nil || rf.Name != "ticket" || !rf.Strict {
		t.Fatalf("response format %+v", rf)
	}
	props := rf.Schema["properties"].(map[string]any)
	if req := rf.Schema["required"].([]any); len(req) != 4 {
		t.Fatalf("required %v: strict mode needs every property", req)
	}
	if typ := props["order"].(map[string]any)["type"]; !equalJSON(typ, []any{"string", "null"}) {
		t.Fatalf("the optional order is %v, want nullable", typ)
	}
	if rf.Schema["additionalProperties"] != false {
		t.Fatalf("schema %v is not closed", rf.Schema)
	}
}

func equalJSON(a, b any) bool { return reflect.DeepEqual(a, b) }

// A model that answers invalid JSON twice before a valid one gets two
// follow-ups naming what was wrong, each a model call counted in Stats and
// reported as a decision; the third answer is the value.
func TestTypedAnswerFollowsUpTwice(t *testing.T) {
	model := aitest.NewScripted(
		aitest.Reply("Sure! It is a billing ticket."),
		aitest.Reply(`{"category":"refund","summary":"x","priority":2,"order":null}`),
		aitest.Reply(validTicket))
	run, err := aigentic.StartAs[ticket](context.Background(), quietAgent(model), "I was charged twice")
	if err != nil {
		t.Fatal(err)
	}
	var decisions []string
	for ev := range run.Next() {
		if d, ok := ev.(*aigentic.DecisionEvent); ok {
			decisions = append(decisions, d.By+" "+d.Action+": "+d.Reason)
		}
	}
	got, err := run.Wait(0)
	if err != nil || got.Category != "billing" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if st := run.Stats(); st.LLMCalls != 3 || st.FollowUps != 2 {
		t.Fatalf("stats %+v", st)
	}
	if len(decisions) != 2 || !strings.HasPrefix(decisions[0], "typed:ticket retry: the answer is not a JSON object") ||
		!strings.Contains(decisions[1], "/category: value must be one of") {
		t.Fatalf("decisions %q", decisions)
	}
	reqs := model.Requests()
	if follow := reqs[1].Messages[len(reqs[1].Messages)-1]; follow.Role != ai.RoleUser ||
		!strings.Contains(follow.Content, "not a JSON object") || !strings.Contains(follow.Content, `schema "ticket"`) {
		t.Fatalf("first follow-up %+v", follow)
	}
	if follow := reqs[2].Messages[len(reqs[2].Messages)-1]; !strings.Contains(follow.Content, "/category") {
		t.Fatalf("second follow-up %+v", follow)
	}
}

// Out of follow-ups, the run stops with the last raw answer and what was
// wrong, the transcript kept.
func TestTypedAnswerGivesUp(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("no"), aitest.Reply("still no"), aitest.Reply(`{"category":"bug"}`))
	_, err := aigentic.ExecuteAs[ticket](context.Background(), quietAgent(model), "hi")
	var oe *aigentic.OutputError
	var he *aigentic.HaltError
	if !errors.As(err, &oe) || !errors.As(err, &he) || !errors.Is(err, aigentic.ErrInvalidOutput) {
		t.Fatalf("err = %v", err)
	}
	if oe.Raw != `{"category":"bug"}` || oe.Answers != 3 || oe.Schema != "ticket" ||
		!strings.Contains(oe.Problem.Error(), "missing properties") {
		t.Fatalf("output error %+v", oe)
	}
	if he.Step != "model call 3" || len(he.Transcript) != 5 || he.Partial != "still no" {
		t.Fatalf("halt %+v", he)
	}
}

// NoFollowUps fails at the first answer that does not match; a larger
// count allows more.
func TestTypedAnswerFollowUpCount(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("no"), aitest.Reply(validTicket))
	out, err := aigentic.NewOutput[ticket](aigentic.OutputOptions{FollowUps: aigentic.NoFollowUps})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.Execute(context.Background(), quietAgent(model), "hi"); !errors.Is(err, aigentic.ErrInvalidOutput) || model.Calls() != 1 {
		t.Fatalf("err = %v after %d calls", err, model.Calls())
	}
	steps := []aitest.Step{aitest.Reply("1"), aitest.Reply("2"), aitest.Reply("3"), aitest.Reply("4"), aitest.Reply(validTicket)}
	model = aitest.NewScripted(steps...)
	out, _ = aigentic.NewOutput[ticket](aigentic.OutputOptions{FollowUps: 4, Name: "support_ticket", Description: "a ticket"})
	v, err := out.Execute(context.Background(), quietAgent(model), "hi")
	if err != nil || v.Priority != 2 {
		t.Fatalf("%+v, %v", v, err)
	}
	if rf := model.Requests()[0].ResponseFormat; rf.Name != "support_ticket" || rf.Description != "a ticket" {
		t.Fatalf("format %+v", rf)
	}
}

// Follow-ups are model calls: MaxLLMCalls stops a model that never gets
// it right.
func TestTypedFollowUpsCountAgainstMaxLLMCalls(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("a"), aitest.Reply("b"), aitest.Reply("c"))
	a := quietAgent(model)
	a.MaxLLMCalls = 2
	_, err := aigentic.ExecuteAs[ticket](context.Background(), a, "hi")
	var le *aigentic.LimitError
	if !errors.As(err, &le) || le.Calls != 2 {
		t.Fatalf("err = %v", err)
	}
}

// An answer in a markdown code fence, with text around it, is accepted as
// pydantic-ai accepts it; the run's result is the JSON alone. Text after
// a bare object is not.
func TestTypedAnswerInCodeFence(t *testing.T) {
	fenced := "Here is the ticket:\n```json\n" + validTicket + "\n```\nAnything else?"
	model := aitest.NewScripted(aitest.Reply(fenced))
	run, err := aigentic.StartAs[ticket](context.Background(), quietAgent(model), "hi")
	if err != nil {
		t.Fatal(err)
	}
	drain(t, run.AgentRun)
	v, err := run.Wait(0)
	if err != nil || v.Summary != "Charged twice" {
		t.Fatalf("%+v, %v", v, err)
	}
	if result, _ := run.AgentRun.Wait(0); result != validTicket {
		t.Fatalf("result %q", result)
	}
	out, _ := aigentic.NewOutput[ticket](aigentic.OutputOptions{})
	for _, ok := range []string{validTicket, "  " + validTicket + "\n", "```\n" + validTicket + "\n```", "```JSON\r\n" + validTicket + "\r\n```", "```json\n" + validTicket} {
		if _, err := out.Parse(ok); err != nil {
			t.Errorf("Parse(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", validTicket + " Hope this helps!", "The ticket: " + validTicket, "[" + validTicket + "]", "```json " + validTicket + "```", "null"} {
		if _, err := out.Parse(bad); !errors.Is(err, aigentic.ErrInvalidOutput) {
			t.Errorf("Parse(%q) = %v, want ErrInvalidOutput", bad, err)
		}
	}
}

// Tools come first; the typed answer is the final one. Every request of
// the run asks for the schema.
func TestTypedAnswerAfterTools(t *testing.T) {
	tool := aigentic.NewTool("lookup_order", "Look an order up.", func(_ *aigentic.AgentRun, in struct {
		ID string `json:"id"`
	}) (string, error) {
		return "order " + in.ID + ": charged twice", nil
	})
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup_order", `{"id":"A1"}`)), aitest.Reply(validTicket))
	a := quietAgent(model)
	a.AgentTools = []aigentic.AgentTool{tool}
	v, err := aigentic.ExecuteAs[ticket](context.Background(), a, "order A1")
	if err != nil || v.Category != "billing" {
		t.Fatalf("%+v, %v", v, err)
	}
	for i, req := range model.Requests() {
		if req.ResponseFormat == nil || len(req.Tools) != 1 {
			t.Fatalf("request %d: format %v, %d tools", i, req.ResponseFormat, len(req.Tools))
		}
	}
	if got := model.Requests()[1].Messages[2].Content; got != "order A1: charged twice" {
		t.Fatalf("tool result %q", got)
	}
}

// Streaming: the text of every answer streams, a rejected one followed by
// its decision; the value is checked when the answer is complete.
func TestTypedAnswerStreams(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("thinking..."), aitest.Reply(validTicket))
	a := quietAgent(model)
	a.Stream = true
	run, err := aigentic.StartAs[ticket](context.Background(), a, "hi")
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	drainWith(t, run.AgentRun, func(ev aigentic.Event) {
		switch e := ev.(type) {
		case *aigentic.ContentEvent:
			if e.Delta {
				seen = append(seen, "delta "+e.Content)
			}
		case *aigentic.DecisionEvent:
			seen = append(seen, "decision "+e.Action)
		}
	})
	v, err := run.Wait(0)
	if err != nil || v.Category != "billing" {
		t.Fatalf("%+v, %v", v, err)
	}
	if got := strings.Join(seen, " | "); got != "delta thinking... | decision retry | delta "+validTicket {
		t.Fatalf("events: %s", got)
	}
}

// A sub-agent inherits the typed run's interceptors but answers its
// parent in text: its requests carry no schema and its answer is not
// checked.
func TestTypedAnswerSubAgentAnswersInText(t *testing.T) {
	sub := aitest.NewScripted(aitest.Reply("the customer was charged twice"))
	coord := aitest.NewScripted(aitest.CallTools(aitest.Call("researcher", `{"input":"what happened?"}`)), aitest.Reply(validTicket))
	a := quietAgent(coord)
	a.Agents = []aigentic.Agent{{Name: "researcher", Model: sub}}
	v, err := aigentic.ExecuteAs[ticket](context.Background(), a, "classify")
	if err != nil || v.Category != "billing" {
		t.Fatalf("%+v, %v", v, err)
	}
	if rf := sub.Requests()[0].ResponseFormat; rf != nil {
		t.Fatalf("the sub-agent was asked for %+v", rf)
	}
	if got := coord.Requests()[1].Messages[2].Content; got != "the customer was charged twice" {
		t.Fatalf("the coordinator got %q", got)
	}
}

// The Output is the schema's one owner: Schema returns a copy.
func TestOutputSchemaIsACopy(t *testing.T) {
	out, err := aigentic.NewOutput[ticket](aigentic.OutputOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := out.Schema()
	s["properties"] = nil
	if out.Schema()["properties"] == nil || out.Name() != "ticket" {
		t.Fatal("changing the copy changed the Output")
	}
}
