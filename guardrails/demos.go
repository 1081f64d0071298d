package main

import (
	"context"
	"errors"
	"fmt"
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
		return d.fail(res, "The run did not start: %s", cli.Redacted(err))
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
				callsOf(run.Stats()), t.Category, t.Priority, t.OrderID, cli.Clip(t.Summary, 80))
			d.p.NotSeen("A classified ticket was not shown: the value is not this ticket's classification: %s.", strings.Join(j.wrong, "; "))
		case !j.known:
			d.p.Good("A Ticket came back (%s): category %s, priority %s, order %q; summary: %s",
				callsOf(run.Stats()), t.Category, t.Priority, t.OrderID, cli.Clip(t.Summary, 80))
			d.p.NotSeen("Its category and priority were not checked: this demo knows the right ones only for its own ticket, not for one given with -q (checked: %s).", strings.Join(j.checked, ", "))
		default:
			d.p.Good("Classified (%s): category %s, priority %s, order %q; summary: %s",
				callsOf(run.Stats()), t.Category, t.Priority, t.OrderID, cli.Clip(t.Summary, 80))
			d.p.Faint("  Right for this ticket: %s.", strings.Join(j.checked, ", "))
			res.shown = true
		}
	case errors.As(err, &oe):
		d.p.Good("No value was made up: after %s, none a valid Ticket, the run stopped with an *aigentic.OutputError: %s",
			count(oe.Answers, "answer"), cli.Clip(oe.Problem.Error(), 120))
		d.p.NotSeen("A classified ticket was not shown: this model did not answer with JSON matching the Ticket schema (its last answer began: %s).",
			cli.Clip(oe.Raw, 50))
	case refusedInput(err, run.Stats()) != "":
		d.p.NotSeen("%s", refusedInput(err, run.Stats()))
	default:
		return d.fail(res, "The run failed: %s", cli.Redacted(err))
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
		return d.fail(res, "The run did not start: %s", cli.Redacted(err))
	}
	_, err = d.follow(run)
	res = d.conclude(res, cardVerdict(err, run.Stats()))
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
		return d.fail(res, "The run did not start: %s", cli.Redacted(err))
	}
	answer, err := d.follow(run)
	v := urlVerdict(err, run.Stats(), answer)
	if v.kind == notShownKind {
		d.p.Line("Answer:")
		d.p.Answer(answer)
	}
	return d.conclude(res, v)
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
		return d.fail(res, "The run did not start: %s", cli.Redacted(err))
	}
	answer, err := d.follow(run)
	v := injectionVerdict(err, run.Stats())
	if v.kind == notShownKind {
		d.p.Line("Answer:")
		d.p.Answer(answer)
	}
	res = d.conclude(res, v)
	if delimited := untrusted.Delimit("fetch_email", customerEmail); strings.Count(delimited, "</untrusted-data") == 1 &&
		strings.Contains(delimited, "[markup removed]") {
		d.p.Faint("  Without the guard it would reach the model delimited as data, its fake closing tag replaced by %q.", "[markup removed]")
	}
	return res
}

// conclude prints v and records it in res.
func (d *desk) conclude(res demo, v conclusion) demo {
	switch v.kind {
	case shownKind:
		d.p.Good("%s", v.text)
		res.shown = true
	case notShownKind:
		d.p.NotSeen("%s", v.text)
	default:
		d.p.Bad("%s", v.text)
		res.failed = v.text
	}
	return res
}

// fail prints what went wrong and records it in res.
func (d *desk) fail(res demo, format string, args ...any) demo {
	return d.conclude(res, conclusion{failedKind, fmt.Sprintf(format, args...)})
}
