package guard_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

var internalURL = regexp.MustCompile(`(?i)\bhttps?://[a-z0-9.-]*\.(?:internal|corp)\b\S*`)

// requireTrip checks that err is a halt by guard name at step.
func requireTrip(t *testing.T, err error, name, step string) *guard.TripError {
	t.Helper()
	var te *guard.TripError
	var he *aigentic.HaltError
	if !errors.As(err, &te) || !errors.As(err, &he) || !errors.Is(err, guard.ErrTripped) || !errors.Is(err, aigentic.ErrHalted) {
		t.Fatalf("err = %v, want a halt by a trip", err)
	}
	if te.Guard != name || te.Step != step {
		t.Fatalf("trip %+v, want %s on %s", te, name, step)
	}
	return te
}

// Input: a message that passes reaches the model as it is; a rewritten
// one reaches it rewritten on every call (not only the first); a tripped
// one never reaches it.
func TestInputGuards(t *testing.T) {
	t.Run("pass", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.Reply("ok"))
		g := &guard.Guards{Input: []guard.Guard{guard.CreditCards()}}
		if _, err := agent(model, g, rec).Execute("my invoice is wrong"); err != nil {
			t.Fatal(err)
		}
		if got := model.Requests()[0].Messages[0].Content; got != "my invoice is wrong" {
			t.Fatalf("model got %q", got)
		}
		if rec.String() != "support credit_card pass on input: " {
			t.Fatalf("decisions:\n%s", rec)
		}
	})
	t.Run("rewrite", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{}`)), aitest.Reply("ok"))
		g := &guard.Guards{Input: []guard.Guard{guard.MaskCreditCards()}}
		run, err := agent(model, g, rec, textTool("lookup", "found", false)).Start("card " + card + " was charged twice")
		if err != nil {
			t.Fatal(err)
		}
		for range run.Next() {
		}
		if _, err := run.Wait(0); err != nil {
			t.Fatal(err)
		}
		for i, req := range model.Requests() {
			if got := req.Messages[0].Content; got != "card [card ending 1111] was charged twice" {
				t.Fatalf("call %d sent %q", i+1, got)
			}
		}
		if got := run.Messages()[0].Content; !strings.Contains(got, card) {
			t.Fatalf("the run's own transcript is %q, want the message as given", got)
		}
		mustContain(t, "decisions", rec.String(), "support credit_card_mask rewrite on input: a payment card number masked")
	})
	t.Run("trip", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.Reply("ok"))
		g := &guard.Guards{Input: []guard.Guard{guard.CreditCards()}}
		_, err := agent(model, g, rec).Execute("charge my card " + card)
		te := requireTrip(t, err, "credit_card", "input")
		if te.Point != guard.PointInput || strings.Contains(err.Error(), "1111") {
			t.Fatalf("trip %+v; error %q must not quote the number", te, err)
		}
		if model.Calls() != 0 {
			t.Fatal("the model was called with the card number")
		}
		mustContain(t, "decisions", rec.String(), "support credit_card trip on input: a payment card number")
	})
}

// Output: the final answer passes, is rewritten, or stops the run; an
// answer with tool calls is not a final answer and is not checked.
func TestOutputGuards(t *testing.T) {
	leak := "See http://wiki.corp/runbooks/refunds for the steps."
	t.Run("pass", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{}`)), aitest.Reply("Refund issued."))
		g := &guard.Guards{Output: []guard.Guard{guard.Deny("internal_url", "an internal URL", internalURL)}}
		answer, err := agent(model, g, rec, textTool("lookup", "found", false)).Execute("refund?")
		if err != nil || answer != "Refund issued." {
			t.Fatalf("%q, %v", answer, err)
		}
		if rec.String() != "support internal_url pass on output: " {
			t.Fatalf("decisions (one, for the final answer):\n%s", rec)
		}
	})
	t.Run("rewrite", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.Reply(leak))
		g := &guard.Guards{Output: []guard.Guard{guard.Replace("internal_url", "[internal link removed]", internalURL)}}
		answer, err := agent(model, g, rec).Execute("refund?")
		if err != nil || answer != "See [internal link removed] for the steps." {
			t.Fatalf("%q, %v", answer, err)
		}
		mustContain(t, "decisions", rec.String(), "support internal_url rewrite on output: 1 match(es) replaced")
	})
	t.Run("trip", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.Reply(leak))
		g := &guard.Guards{Output: []guard.Guard{guard.Deny("internal_url", "an internal URL", internalURL)}}
		answer, err := agent(model, g, rec).Execute("refund?")
		requireTrip(t, err, "internal_url", "output")
		var he *aigentic.HaltError
		errors.As(err, &he)
		if answer != "" || he.Partial != "" || strings.Contains(err.Error(), "wiki.corp") {
			t.Fatalf("the leak got out: answer %q, partial %q, error %q", answer, he.Partial, err)
		}
		mustContain(t, "decisions", rec.String(), "support internal_url trip on output: an internal URL (output refused)")
	})
}

// Tool results: what a tool returns passes, is rewritten before the model
// sees it (its marks kept), or stops the run.
func TestToolResultGuards(t *testing.T) {
	result := "Customer card on file: " + card
	t.Run("pass", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("crm", `{}`)), aitest.Reply("ok"))
		g := &guard.Guards{ToolResult: []guard.Guard{guard.CreditCards()}}
		if _, err := agent(model, g, rec, textTool("crm", "no card on file", false)).Execute("card?"); err != nil {
			t.Fatal(err)
		}
		if got := model.Requests()[1].Messages[2].Content; got != "no card on file" {
			t.Fatalf("model got %q", got)
		}
		mustContain(t, "decisions", rec.String(), `support credit_card pass on tool "crm"`)
	})
	t.Run("rewrite", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("crm", `{}`)), aitest.Reply("ok"))
		g := &guard.Guards{ToolResult: []guard.Guard{guard.MaskCreditCards()}}
		if _, err := agent(model, g, rec, textTool("crm", result, true)).Execute("card?"); err != nil {
			t.Fatal(err)
		}
		got := model.Requests()[1].Messages[2].Content
		if !strings.Contains(got, "Customer card on file: [card ending 1111]") || !strings.Contains(got, "<untrusted-data") {
			t.Fatalf("model got %q: want it masked, and still delimited as untrusted", got)
		}
		mustContain(t, "decisions", rec.String(), `support credit_card_mask rewrite on tool "crm"`)
	})
	t.Run("trip", func(t *testing.T) {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("crm", `{}`)), aitest.Reply("ok"))
		g := &guard.Guards{ToolResult: []guard.Guard{guard.CreditCards()}}
		_, err := agent(model, g, rec, textTool("crm", result, false)).Execute("card?")
		requireTrip(t, err, "credit_card", `tool "crm"`)
		if model.Calls() != 1 {
			t.Fatalf("%d model calls: the result reached the model", model.Calls())
		}
	})
}

// Guards run in order: each sees the text as the one before left it, and
// the first trip stops the rest.
func TestGuardsRunInOrder(t *testing.T) {
	var seen []string
	record := func(name string, v guard.Verdict) guard.Guard {
		return check(name, func(s guard.Subject) guard.Verdict { seen = append(seen, name+":"+s.Text); return v })
	}
	rec := &decisions{}
	model := aitest.NewScripted(aitest.Reply("ok"))
	g := &guard.Guards{Input: []guard.Guard{
		record("upper", guard.Rewrite("HELLO", "shouting")),
		record("second", guard.Pass()),
		record("stop", guard.Trip("enough")),
		record("never", guard.Pass()),
	}}
	_, err := agent(model, g, rec).Execute("hello")
	requireTrip(t, err, "stop", "input")
	if got := strings.Join(seen, " "); got != "upper:hello second:HELLO stop:HELLO" {
		t.Fatalf("guards saw %s", got)
	}
	if got := rec.String(); got != "support upper rewrite on input: shouting\nsupport second pass on input: \nsupport stop trip on input: enough" {
		t.Fatalf("decisions:\n%s", got)
	}
}
