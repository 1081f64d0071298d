package guard_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

const policy = "Allowed: questions about orders, invoices and refunds. Not allowed: anything else."

// A classifier guard asks a model of its own, which answers a typed
// Classification; the text reaches it delimited as data.
func TestClassifierGuard(t *testing.T) {
	cheap := aitest.NewScripted(
		aitest.Reply(`{"allowed":true,"reason":"a refund question"}`),
		aitest.Reply("```json\n{\"allowed\":false,\"reason\":\"asks for legal advice\"}\n```"))
	classifier := guard.Classifier("topic", aigentic.Agent{Model: cheap, MaxLLMCalls: 3, Logger: slog.New(slog.DiscardHandler)}, policy)
	g := &guard.Guards{Input: []guard.Guard{classifier}}

	rec := &decisions{}
	model := aitest.NewScripted(aitest.Reply("ok"))
	if _, err := agent(model, g, rec).Execute("where is my refund?"); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "decisions", rec.String(), "support topic pass on input: a refund question")
	asked := cheap.Requests()[0]
	if asked.ResponseFormat == nil || asked.ResponseFormat.Name != "Classification" {
		t.Fatalf("the classifier was asked for %+v", asked.ResponseFormat)
	}
	mustContain(t, "the classifier's message", asked.Messages[0].Content, policy, `<untrusted-data source="input"`, "where is my refund?")

	_, err := agent(aitest.NewScripted(aitest.Reply("ok")), g, rec).Execute("can I sue my landlord?")
	if te := requireTrip(t, err, "topic", "input"); te.Reason != "asks for legal advice" {
		t.Fatalf("reason %q", te.Reason)
	}
}

// The classifier's run has its own limits: a classifier model that never
// answers in shape uses them up, and the guard fails closed, naming why.
func TestClassifierOwnLimits(t *testing.T) {
	cheap := aitest.NewScripted(aitest.Reply("yes"), aitest.Reply("yes!"), aitest.Reply("sure"))
	classifier := guard.Classifier("topic", aigentic.Agent{Model: cheap, MaxLLMCalls: 2, Logger: slog.New(slog.DiscardHandler)}, policy)
	model := aitest.NewScripted(aitest.Reply("ok"))
	run, err := agent(model, &guard.Guards{Input: []guard.Guard{classifier}}, &decisions{}).Start("hello")
	if err != nil {
		t.Fatal(err)
	}
	for range run.Next() {
	}
	_, err = run.Wait(0)
	ge := requireFailed(t, err, "topic")
	var le *aigentic.LimitError
	if !errors.As(ge, &le) || le.Calls != 2 || cheap.Calls() != 2 {
		t.Fatalf("err = %v after %d classifier calls", err, cheap.Calls())
	}
	if st := run.Stats(); st.LLMCalls != 0 || model.Calls() != 0 {
		t.Fatalf("the guarded run: %+v, %d model calls", st, model.Calls())
	}
}

// A classifier agent that carries the same Guards is not checked by them
// (its check would start another, without end).
func TestClassifierWithTheSameGuards(t *testing.T) {
	cheap := aitest.NewScripted(aitest.Reply(`{"allowed":true,"reason":"fine"}`))
	g := &guard.Guards{}
	g.Input = []guard.Guard{guard.Classifier("topic", aigentic.Agent{Model: cheap, MaxLLMCalls: 3,
		Interceptors: []aigentic.Interceptor{g}, Logger: slog.New(slog.DiscardHandler)}, policy)}
	model := aitest.NewScripted(aitest.Reply("ok"))
	if _, err := agent(model, g, &decisions{}).Execute("refund?"); err != nil {
		t.Fatal(err)
	}
	if cheap.Calls() != 1 {
		t.Fatalf("%d classifier calls", cheap.Calls())
	}
}

// Guards check a typed answer after it matched its schema: the output
// guard sees its JSON (out of its code fence), never an answer the typed
// check sent back.
func TestOutputGuardOnTypedAnswer(t *testing.T) {
	type reply struct {
		Answer string `json:"answer"`
	}
	var seen []string
	g := &guard.Guards{Output: []guard.Guard{check("spy", func(s guard.Subject) guard.Verdict {
		seen = append(seen, s.Text)
		return guard.Pass()
	}), guard.Deny("internal_url", "an internal URL", internalURL)}}
	model := aitest.NewScripted(aitest.Reply("not json"), aitest.Reply("```json\n{\"answer\":\"see http://wiki.corp/x\"}\n```"))
	_, err := aigentic.ExecuteAs[reply](context.Background(), agent(model, g, &decisions{}), "how?")
	requireTrip(t, err, "internal_url", "output")
	if len(seen) != 1 || seen[0] != `{"answer":"see http://wiki.corp/x"}` {
		t.Fatalf("the output guard saw %q", seen)
	}
}
