package guard_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// coordinator delegates to a "billing" sub-agent that sets no
// interceptors of its own, so it inherits the coordinator's guards.
func coordinator(coord, sub ai.Model, g *guard.Guards, rec *decisions, subTools ...aigentic.AgentTool) aigentic.Agent {
	a := agent(coord, g, rec)
	a.Name = "coordinator"
	a.Agents = []aigentic.Agent{{Name: "billing", Model: sub, AgentTools: subTools}}
	return a
}

// delegate is the coordinator's script: delegate input, then answer.
func delegate(input string) *aitest.Scripted {
	return aitest.NewScripted(aitest.CallTools(aitest.Call("billing", `{"input":"`+input+`"}`)), aitest.Reply("done"))
}

// A sub-agent inherits the guards: its input (the task delegated), its
// tools' results and its answer pass, are rewritten, or trip — and a trip
// in the sub-agent stops the sub-agent's run, which its parent hears as a
// failed tool.
func TestSubAgentInheritsGuards(t *testing.T) {
	t.Run("pass", func(t *testing.T) {
		rec := &decisions{}
		sub := aitest.NewScripted(aitest.CallTools(aitest.Call("ledger", `{}`)), aitest.Reply("refund sent"))
		g := &guard.Guards{Input: []guard.Guard{guard.CreditCards()}, ToolResult: []guard.Guard{guard.CreditCards()},
			Output: []guard.Guard{guard.CreditCards()}}
		if _, err := coordinator(delegate("refund order 7"), sub, g, rec, textTool("ledger", "paid", false)).Execute("refund order 7"); err != nil {
			t.Fatal(err)
		}
		mustContain(t, "decisions", rec.String(),
			"billing credit_card pass on input", `billing credit_card pass on tool "ledger"`, "billing credit_card pass on output",
			`coordinator credit_card pass on tool "billing"`, "coordinator credit_card pass on output")
	})
	t.Run("rewrite", func(t *testing.T) {
		rec := &decisions{}
		sub := aitest.NewScripted(aitest.CallTools(aitest.Call("ledger", `{}`)), aitest.Reply("charged "+card))
		g := &guard.Guards{Input: []guard.Guard{guard.MaskCreditCards()}, ToolResult: []guard.Guard{guard.MaskCreditCards()},
			Output: []guard.Guard{guard.MaskCreditCards()}}
		coord := delegate("refund card " + card)
		if _, err := coordinator(coord, sub, g, rec, textTool("ledger", "card "+card+" paid", false)).Execute("refund"); err != nil {
			t.Fatal(err)
		}
		reqs := sub.Requests()
		if got := reqs[0].Messages[0].Content; got != "refund card [card ending 1111]" {
			t.Fatalf("the sub-agent got the task %q", got)
		}
		if got := reqs[1].Messages[2].Content; got != "card [card ending 1111] paid" {
			t.Fatalf("the sub-agent's model got the result %q", got)
		}
		if got := coord.Requests()[1].Messages[2].Content; got != "charged [card ending 1111]" {
			t.Fatalf("the coordinator got the sub-agent's answer %q", got)
		}
		mustContain(t, "decisions", rec.String(),
			"billing credit_card_mask rewrite on input", `billing credit_card_mask rewrite on tool "ledger"`,
			"billing credit_card_mask rewrite on output")
	})
	t.Run("trip", func(t *testing.T) {
		for _, c := range []struct {
			point string
			g     *guard.Guards
			sub   *aitest.Scripted
			input string
		}{
			{"input", &guard.Guards{Input: []guard.Guard{guard.CreditCards()}}, aitest.NewScripted(aitest.Reply("never")), "card " + card},
			{`tool "ledger"`, &guard.Guards{ToolResult: []guard.Guard{guard.CreditCards()}},
				aitest.NewScripted(aitest.CallTools(aitest.Call("ledger", `{}`)), aitest.Reply("never")), "refund"},
			{"output", &guard.Guards{Output: []guard.Guard{guard.CreditCards()}}, aitest.NewScripted(aitest.Reply("charged " + card)), "refund"},
		} {
			rec := &decisions{}
			coord := delegate(c.input)
			// A trip in the sub-agent stops the whole run: handed to the
			// coordinator as a tool error, it could be routed around.
			answer, err := coordinator(coord, c.sub, c.g, rec, textTool("ledger", "card "+card, false)).Execute("refund")
			if !errors.Is(err, guard.ErrTripped) || !errors.Is(err, aigentic.ErrHalted) || answer != "" {
				t.Fatalf("%s: the coordinator's run: %q, %v; want it halted by the trip", c.point, answer, err)
			}
			if !strings.Contains(err.Error(), `sub-agent "billing"`) || !strings.Contains(err.Error(), `guard "credit_card" tripped on the `+c.point) ||
				strings.Contains(err.Error(), "1111") {
				t.Fatalf("%s: the run's error %q should name the sub-agent and the trip, not the card", c.point, err)
			}
			if n := coord.Calls(); n != 1 {
				t.Fatalf("%s: the coordinator's model was called %d times after the trip, want 1 (before it)", c.point, n)
			}
			mustContain(t, "decisions", rec.String(), "billing credit_card trip on "+c.point)
		}
	})
}
