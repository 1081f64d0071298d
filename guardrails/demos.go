package main

import (
	"context"
	"errors"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// testCard is Visa's published test number: a real card's shape, no
// real card.
const testCard = "4111 1111 1111 1111"

// classify asks for the ticket as a Ticket: the model may look the order
// up first; its final answer must match Ticket's schema, or is sent back
// with what was wrong (twice at most).
func (d *desk) classify(ticket string) demo {
	d.heading(1, "A typed answer: the ticket as a Go struct (aigentic.StartAs[Ticket])", "Ticket", ticket)
	res := demo{name: "a typed ticket"}
	run, err := aigentic.StartAs[Ticket](d.ctx, d.agent(lookupOrderTool()), ticket)
	if err != nil {
		d.p.Bad("The run did not start: %s", cli.Redacted(err))
		return res
	}
	_, _ = d.follow(run.AgentRun)
	t, err := run.Wait(0)
	var oe *aigentic.OutputError
	switch {
	case err == nil:
		// The value matched the schema; whether it is this ticket's
		// classification is checked here, not assumed.
		j := judge(ticket, t)
		switch {
		case len(j.wrong) > 0:
			d.p.Line("A Ticket matching the schema came back (%s): category %s, priority %s, order %q; summary: %q",
				calls(run.AgentRun), t.Category, t.Priority, t.OrderID, cli.Clip(t.Summary, 80))
			d.p.NotSeen("A classified ticket was not shown: the value is not this ticket's classification: %s.", strings.Join(j.wrong, "; "))
		case !j.known:
			d.p.Good("A Ticket came back (%s): category %s, priority %s, order %q; summary: %s",
				calls(run.AgentRun), t.Category, t.Priority, t.OrderID, cli.Clip(t.Summary, 80))
			d.p.NotSeen("Its category and priority were not checked: this demo knows the right ones only for its own ticket, not for one given with -q (checked: %s).", strings.Join(j.checked, ", "))
		default:
			d.p.Good("Classified (%s): category %s, priority %s, order %q; summary: %s",
				calls(run.AgentRun), t.Category, t.Priority, t.OrderID, cli.Clip(t.Summary, 80))
			d.p.Faint("  Right for this ticket: %s.", strings.Join(j.checked, ", "))
			res.shown = true
		}
	case errors.As(err, &oe):
		d.p.Good("No value was made up: after %s, none a valid Ticket, the run stopped with an *aigentic.OutputError: %s",
			count(oe.Answers, "answer"), cli.Clip(oe.Problem.Error(), 120))
		d.p.NotSeen("A classified ticket was not shown: this model did not answer with JSON matching the Ticket schema (its last answer began: %s).",
			cli.Clip(oe.Raw, 50))
	default:
		d.p.Bad("The run failed: %s", cli.Redacted(err))
	}
	return res
}

// cardNumber sends a request carrying a card number: the input guard
// refuses it before the first model call, whatever the model.
func (d *desk) cardNumber() demo {
	msg := "Please refund order 1042 to my card " + testCard + "."
	d.heading(2, "An input guard: a request carrying a card number (guard.CreditCards)", "Request", msg)
	res := demo{name: "a card number refused"}
	run, err := d.agent(lookupOrderTool()).Start(msg)
	if err != nil {
		d.p.Bad("The run did not start: %s", cli.Redacted(err))
		return res
	}
	_, err = d.follow(run)
	var te *guard.TripError
	switch {
	case errors.As(err, &te) && te.Guard == "credit_card" && run.Stats().LLMCalls == 0:
		d.p.Good("Refused before any model saw it (%s): the run ended with a *guard.TripError inside an *aigentic.HaltError.", calls(run))
		res.shown = true
	case err == nil:
		d.p.Bad("The request went through: the card number reached the model (%s).", calls(run))
	default:
		d.p.Bad("The run ended otherwise (%s): %s", calls(run), cli.Redacted(err))
	}
	if v, err := guard.MaskCreditCards().Check(context.Background(), guard.Subject{Point: guard.PointInput, Text: msg}); err == nil && v.Action == guard.ActionRewrite {
		d.p.Faint("  With guard.MaskCreditCards instead, the model would have read: %s", v.Text)
	}
	return res
}

// internalURL asks how to refund a double charge: the knowledge base's
// article links to an internal tool, and an answer that repeats the link
// is stopped by the output guard.
func (d *desk) internalURL() demo {
	msg := "How do I refund a double charge? Search the knowledge base."
	d.heading(3, "An output guard: an answer leaking an internal URL (guard.Deny)", "Question", msg)
	res := demo{name: "an internal URL stopped"}
	run, err := d.agent(searchKBTool()).Start(msg)
	if err != nil {
		d.p.Bad("The run did not start: %s", cli.Redacted(err))
		return res
	}
	answer, err := d.follow(run)
	var te *guard.TripError
	switch {
	case errors.As(err, &te) && te.Guard == "internal_url" && te.Point == guard.PointOutput:
		d.p.Good("The answer was stopped (%s): it carried an internal URL; the caller got a *guard.TripError, not the answer.", calls(run))
		res.shown = true
	case err == nil && internalURL.MatchString(answer):
		d.p.Bad("The answer leaked an internal URL: %s", cli.Clip(answer, 100))
	case err == nil:
		d.p.Line("Answer:")
		d.p.Answer(answer)
		why := "the model did not search the knowledge base"
		if run.Stats().ToolCalls > 0 {
			why = "the model's answer did not repeat the article's internal link"
		}
		d.p.NotSeen("Not shown: %s, so the output guard checked the answer and let it pass (%s).", why, calls(run))
	default:
		d.p.Bad("The run ended otherwise (%s): %s", calls(run), cli.Redacted(err))
	}
	return res
}

// injection asks for the customer's e-mail: it carries an injection
// attempt that tries to close the delimiters around it, and the
// tool-result guard refuses it before the model reads it.
func (d *desk) injection() demo {
	msg := "Fetch the customer's latest email and tell me what they want."
	d.heading(4, "A tool-result guard: an e-mail carrying a prompt injection (guard.Injection)", "Request", msg)
	res := demo{name: "an injection refused"}
	run, err := d.agent(fetchEmailTool()).Start(msg)
	if err != nil {
		d.p.Bad("The run did not start: %s", cli.Redacted(err))
		return res
	}
	answer, err := d.follow(run)
	var te *guard.TripError
	switch {
	case errors.As(err, &te) && te.Guard == "injection" && run.Stats().LLMCalls == 1:
		d.p.Good("The e-mail was refused before the model read it (%s): %s.", calls(run), te.Reason)
		res.shown = true
	case err == nil && run.Stats().ToolCalls == 0:
		d.p.Line("Answer:")
		d.p.Answer(answer)
		d.p.NotSeen("Not shown: the model did not call fetch_email, so there was no result to check (%s).", calls(run))
	case err == nil:
		d.p.Bad("The e-mail reached the model (%s).", calls(run))
	default:
		d.p.Bad("The run ended otherwise (%s): %s", calls(run), cli.Redacted(err))
	}
	if delimited := untrusted.Delimit("fetch_email", customerEmail); strings.Count(delimited, "</untrusted-data") == 1 &&
		strings.Contains(delimited, "[markup removed]") {
		d.p.Faint("  Without the guard it would reach the model delimited as data, its fake closing tag replaced by %q.", "[markup removed]")
	}
	return res
}
