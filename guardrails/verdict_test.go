package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// classifyOn runs demo 1 on model for ticket and returns what it printed
// and whether it counts the demo as shown.
func classifyOn(t *testing.T, model ai.Model, ticket string) (string, bool) {
	t.Helper()
	var out strings.Builder
	d := &desk{ctx: context.Background(), model: model, guards: newGuards(), p: cli.NewPrinter(&out, noColor)}
	res := d.classify(ticket)
	return out.String(), res.shown
}

// TestTypedVerdictChecksTheClassification: a Ticket that matches the
// schema but is not this ticket's classification is not reported as
// classified. The first value is what the real llama-server's tiny model
// answered; the second what the offline model answers.
func TestTypedVerdictChecksTheClassification(t *testing.T) {
	for _, c := range []struct{ answer, want string }{
		{`{"category":"bug","priority":"urgent","summary":"","order_id":"-"}`,
			`– A classified ticket was not shown: the value is not this ticket's classification: category bug, not billing (a double charge); order "-", not 1042 (the ticket names it); the summary is empty.`},
		{`{"category":"billing","priority":"low","summary":"March","order_id":"1042"}`,
			`– A classified ticket was not shown: the value is not this ticket's classification: priority low, not urgent (charged wrongly, to be fixed today); the summary "March" is not a sentence.`},
	} {
		out, shown := classifyOn(t, aitest.NewScripted(aitest.Reply(c.answer)), defaultTicket)
		if shown || strings.Contains(out, "✓") || !strings.Contains(out, c.want) ||
			!strings.Contains(out, "A Ticket matching the schema came back (1 model call, 0 tool calls)") {
			t.Errorf("%s: shown = %t, want false and %q:\n%s", c.answer, shown, c.want, out)
		}
	}
}

// TestTypedVerdictOnAnotherTicket: for a ticket given with -q, the demo
// does not know the right category and priority, and says they were not
// checked; the order it names and the summary still are.
func TestTypedVerdictOnAnotherTicket(t *testing.T) {
	const ticket = "The export button crashes the app since the last update"
	out, shown := classifyOn(t, aitest.NewScripted(aitest.Reply(`{"category":"bug","priority":"normal","summary":"Export crashes the app.","order_id":null}`)), ticket)
	want := "– Its category and priority were not checked: this demo knows the right ones only for its own ticket, not for one given with -q (checked: a summary sentence)."
	if shown || !strings.Contains(out, `✓ A Ticket came back (1 model call, 0 tool calls): category bug, priority normal, order ""; summary: Export crashes the app.`) || !strings.Contains(out, want) {
		t.Errorf("shown = %t:\n%s", shown, out)
	}
	out, shown = classifyOn(t, aitest.NewScripted(aitest.Reply(`{"category":"bug","priority":"normal","summary":"Crash.","order_id":"77"}`)), "Order 1043 crashes at checkout")
	if shown || !strings.Contains(out, `– A classified ticket was not shown: the value is not this ticket's classification: order "77", not 1043 (the ticket names it); the summary "Crash." is not a sentence.`) {
		t.Errorf("shown = %t:\n%s", shown, out)
	}
}

// TestTypedFollowUpShown: the model's first typed answer breaks the
// schema (a category outside the enum, no summary). The runtime sends it
// back with what was wrong, the demo shows that, and the corrected answer
// is the one classified. Without the runtime's validation the first
// answer would be taken; without the follow-up the run would fail.
func TestTypedFollowUpShown(t *testing.T) {
	model := aitest.NewScripted(
		aitest.Reply(`{"category":"refund","priority":"urgent","order_id":"1042"}`),
		aitest.Reply(`{"category":"billing","priority":"urgent","summary":"Charged twice for order 1042.","order_id":"1042"}`))
	out, shown := classifyOn(t, model, defaultTicket)
	for _, want := range []string{
		"  typed:Ticket sent back the output: the answer does not match the schema",
		`✓ Classified (2 model calls, 0 tool calls (1 follow-up after a rejected answer)): category billing, priority urgent, order "1042"; summary: Charged twice for order 1042.`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !shown || model.Remaining() != 0 {
		t.Errorf("shown = %t, %d scripted answers left:\n%s", shown, model.Remaining(), out)
	}
	// The second request told the model what was wrong with the first.
	reqs := model.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	last := reqs[1].Messages[len(reqs[1].Messages)-1]
	if last.Role != ai.RoleUser || !strings.Contains(last.Content, "Your answer was not accepted") ||
		!slices.ContainsFunc([]string{"summary", "category"}, func(f string) bool { return strings.Contains(last.Content, f) }) {
		t.Errorf("the follow-up = %+v", last)
	}
}

func TestJudge(t *testing.T) {
	for _, c := range []struct {
		ticket string
		t      Ticket
		wrong  int
	}{
		{defaultTicket, Ticket{"billing", "urgent", "Charged twice.", "1042"}, 0},
		{defaultTicket, Ticket{"billing", "urgent", "Charged twice.", "#1042"}, 0},
		{defaultTicket, Ticket{"billing", "urgent", "Charged twice.", "order 1042"}, 0},
		{defaultTicket, Ticket{"billing", "urgent", "Charged twice.", ""}, 1},
		{defaultTicket, Ticket{"billing", "urgent", "Charged twice.", "10420"}, 1},
		{defaultTicket, Ticket{"account", "normal", "  ", "1042"}, 3},
		{defaultTicket, Ticket{"billing", "urgent", "1042 1042", "1042"}, 1},
		{"No order here, the app crashes", Ticket{"bug", "low", "App crashes.", ""}, 0},
		{"No order here, the app crashes", Ticket{"bug", "low", "App crashes.", "No order here, the app crashes"}, 1},
		{"Where is order #77?", Ticket{"other", "low", "Asks where it is.", "77"}, 0},
	} {
		if j := judge(c.ticket, c.t); len(j.wrong) != c.wrong {
			t.Errorf("judge(%q, %+v) = %q, want %d problems", c.ticket, c.t, j.wrong, c.wrong)
		}
	}
}

// The guard demos' verdicts fed the outcomes of failures: each is a ✗
// (the program then exits non-zero), never a ✓.
func TestGuardVerdictsOnFailures(t *testing.T) {
	trip := func(name string, p guard.Point, step string) error {
		return fmt.Errorf("aigentic: run halted: %w", &guard.TripError{Guard: name, Point: p, Step: step, Reason: "r"})
	}
	other := errors.New("boom")
	for _, c := range []struct {
		name string
		got  conclusion
		want conclusionKind
		text string
	}{
		// Demo 2: the card number refused before any model call.
		{"card: refused before the model", cardVerdict(trip("credit_card", guard.PointInput, "input"), aigentic.Stats{}), shownKind, "Refused before any model saw it (0 model calls, 0 tool calls)"},
		{"card: tripped after a model call", cardVerdict(trip("credit_card", guard.PointInput, "input"), aigentic.Stats{LLMCalls: 1}), failedKind, "refused only after 1 model call saw it"},
		{"card: tripped on the output", cardVerdict(trip("credit_card", guard.PointOutput, "output"), aigentic.Stats{LLMCalls: 1}), failedKind, "on the output"},
		{"card: another guard", cardVerdict(trip("injection", guard.PointInput, "input"), aigentic.Stats{}), failedKind, "The run ended otherwise"},
		{"card: went through", cardVerdict(nil, aigentic.Stats{LLMCalls: 1}), failedKind, "the card number reached the model"},
		{"card: another error", cardVerdict(other, aigentic.Stats{}), failedKind, "boom"},
		// Demo 4: the e-mail refused after the one model call that asked
		// for it, before any model read it.
		{"injection: refused before the model read it", injectionVerdict(trip("injection", guard.PointToolResult, `tool "fetch_email"`), aigentic.Stats{LLMCalls: 1, ToolCalls: 1}), shownKind, "The e-mail was refused before the model read it (1 model call, 1 tool call)"},
		{"injection: tripped after the model read it", injectionVerdict(trip("injection", guard.PointToolResult, `tool "fetch_email"`), aigentic.Stats{LLMCalls: 2, ToolCalls: 1}), failedKind, "refused only after 2 model calls"},
		{"injection: tripped on the input", injectionVerdict(trip("injection", guard.PointInput, "input"), aigentic.Stats{LLMCalls: 1}), failedKind, "refused only after"},
		{"injection: reached the model", injectionVerdict(nil, aigentic.Stats{LLMCalls: 2, ToolCalls: 1}), failedKind, "The e-mail reached the model"},
		{"injection: not called", injectionVerdict(nil, aigentic.Stats{LLMCalls: 1}), notShownKind, "did not call fetch_email"},
		{"injection: another error", injectionVerdict(other, aigentic.Stats{}), failedKind, "boom"},
		// Demo 3: the answer with the internal link stopped.
		{"url: stopped", urlVerdict(trip("internal_url", guard.PointOutput, "output"), aigentic.Stats{LLMCalls: 2, ToolCalls: 1}, ""), shownKind, "The answer was stopped"},
		{"url: leaked", urlVerdict(nil, aigentic.Stats{LLMCalls: 2, ToolCalls: 1}, "see https://billing.acme.internal/x"), failedKind, "leaked an internal URL"},
		{"url: tripped on the input", urlVerdict(trip("internal_url", guard.PointInput, "input"), aigentic.Stats{}, ""), failedKind, "The run ended otherwise"},
		{"url: not repeated", urlVerdict(nil, aigentic.Stats{LLMCalls: 2, ToolCalls: 1}, "Open the billing console."), notShownKind, "did not repeat the article's internal link"},
	} {
		if c.got.kind != c.want || !strings.Contains(c.got.text, c.text) {
			t.Errorf("%s: %v %q, want %v with %q", c.name, c.got.kind, c.got.text, c.want, c.text)
		}
	}
	// Demo 1: only an input guard's refusal before any model call is the
	// guard working.
	if refusedInput(trip("credit_card", guard.PointInput, "input"), aigentic.Stats{}) == "" ||
		refusedInput(trip("credit_card", guard.PointInput, "input"), aigentic.Stats{LLMCalls: 1}) != "" ||
		refusedInput(trip("internal_url", guard.PointOutput, "output"), aigentic.Stats{LLMCalls: 1}) != "" ||
		refusedInput(other, aigentic.Stats{}) != "" {
		t.Error("refusedInput: want a line only for an input guard's refusal before any model call")
	}
}
