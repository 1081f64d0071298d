package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// nature is what the demo knows a ticket to be: the classification a
// right answer gives it, and why, for the verdict to say.
type nature struct {
	category, categoryWhy string
	priority, priorityWhy string
}

// knownTickets are the tickets whose right classification the demo knows:
// its own. The priority follows Ticket's schema: "urgent when the
// customer is blocked or charged wrongly".
var knownTickets = map[string]nature{
	defaultTicket: {
		category: "billing", categoryWhy: "a double charge",
		priority: "urgent", priorityWhy: "charged wrongly, to be fixed today",
	},
}

// orderInTicket finds the order a ticket names: "order 1042", "order #1042".
var orderInTicket = regexp.MustCompile(`(?i)\border\s*(?:no\.?\s*|number\s*)?#?\s*(\d+)`)

// orderID is an order ID that is a number: "1042", "#1042", "order 1042".
var orderID = regexp.MustCompile(`^(?i)(?:order\s*)?#?\s*(\d+)$`)

// judgement is what the verdict of demo 1 found in a typed answer.
type judgement struct {
	// wrong lists what is wrong with the answer, for the verdict to say;
	// empty when every check held.
	wrong []string
	// checked says what was checked, when every check held.
	checked []string
	// known is false when the demo does not know the ticket's nature (a
	// ticket given with -q): category and priority were not checked.
	known bool
}

// judge checks a Ticket against the ticket it classifies: the category
// and priority against the ticket's known nature, the order against the
// one the ticket names, and the summary for being a sentence (the
// schema's "the problem in one sentence"). The schema itself was checked
// by the runtime before the value came back.
func judge(ticket string, t Ticket) judgement {
	var j judgement
	n, known := knownTickets[strings.TrimSpace(ticket)]
	j.known = known
	if known {
		if t.Category == n.category {
			j.checked = append(j.checked, fmt.Sprintf("category %s (%s)", n.category, n.categoryWhy))
		} else {
			j.wrong = append(j.wrong, fmt.Sprintf("category %s, not %s (%s)", t.Category, n.category, n.categoryWhy))
		}
		if t.Priority == n.priority {
			j.checked = append(j.checked, fmt.Sprintf("priority %s (%s)", n.priority, n.priorityWhy))
		} else {
			j.wrong = append(j.wrong, fmt.Sprintf("priority %s, not %s (%s)", t.Priority, n.priority, n.priorityWhy))
		}
	}
	if m := orderInTicket.FindStringSubmatch(ticket); m != nil {
		if orderDigits(t.OrderID) == m[1] {
			j.checked = append(j.checked, "order "+m[1])
		} else {
			j.wrong = append(j.wrong, fmt.Sprintf("order %q, not %s (the ticket names it)", t.OrderID, m[1]))
		}
	} else if strings.TrimSpace(t.OrderID) != "" {
		j.wrong = append(j.wrong, fmt.Sprintf("order %q, but the ticket names none", cli.Clip(t.OrderID, 60)))
	}
	switch words := strings.Fields(t.Summary); {
	case len(words) == 0:
		j.wrong = append(j.wrong, "the summary is empty")
	case len(words) < 2 || !strings.ContainsFunc(t.Summary, unicode.IsLetter):
		j.wrong = append(j.wrong, fmt.Sprintf("the summary %q is not a sentence", t.Summary))
	default:
		j.checked = append(j.checked, "a summary sentence")
	}
	return j
}

// orderDigits is an order ID as digits: "#1042", "1042" and "order 1042"
// are all 1042; anything else is itself.
func orderDigits(id string) string {
	id = strings.TrimSpace(id)
	if m := orderID.FindStringSubmatch(id); m != nil {
		return m[1]
	}
	return id
}

// conclusion is a guard demo's verdict: a line and how it is printed.
type conclusion struct {
	kind conclusionKind
	text string
}

type conclusionKind int

const (
	shownKind    conclusionKind = iota // ✓: the guard did what the demo shows
	notShownKind                       // –: the model did not let it happen
	failedKind                         // ✗: the guard did not hold: the program fails
)

// callsOf describes a run's model and tool calls: "0 model calls, 0 tool
// calls".
func callsOf(s aigentic.Stats) string {
	line := fmt.Sprintf("%s, %s", count(s.LLMCalls, "model call"), count(s.ToolCalls, "tool call"))
	if s.FollowUps > 0 {
		line += fmt.Sprintf(" (%s after a rejected answer)", count(s.FollowUps, "follow-up"))
	}
	return line
}

// cardVerdict is demo 2's verdict from the run's error and counts: the
// credit_card guard tripped on the input and no model call ran (the
// input guard checks before the first one).
func cardVerdict(err error, s aigentic.Stats) conclusion {
	var te *guard.TripError
	switch {
	case errors.As(err, &te) && te.Guard == "credit_card" && te.Point == guard.PointInput && s.LLMCalls == 0:
		return conclusion{shownKind, fmt.Sprintf("Refused before any model saw it (%s): the run ended with a *guard.TripError inside an *aigentic.HaltError.", callsOf(s))}
	case errors.As(err, &te) && te.Guard == "credit_card":
		return conclusion{failedKind, fmt.Sprintf("The card number was refused only after %s saw it (%s, on the %s).", count(s.LLMCalls, "model call"), callsOf(s), te.Step)}
	case err == nil:
		return conclusion{failedKind, fmt.Sprintf("The request went through: the card number reached the model (%s).", callsOf(s))}
	default:
		return conclusion{failedKind, fmt.Sprintf("The run ended otherwise (%s): %s", callsOf(s), cli.Redacted(err))}
	}
}

// injectionVerdict is demo 4's verdict from the run's error, counts and
// answer: the injection guard tripped on fetch_email's result after the
// one model call that asked for it, so no model read the result.
func injectionVerdict(err error, s aigentic.Stats) conclusion {
	var te *guard.TripError
	switch {
	case errors.As(err, &te) && te.Guard == "injection" && te.Point == guard.PointToolResult && s.LLMCalls == 1:
		return conclusion{shownKind, fmt.Sprintf("The e-mail was refused before the model read it (%s): %s.", callsOf(s), te.Reason)}
	case errors.As(err, &te) && te.Guard == "injection":
		return conclusion{failedKind, fmt.Sprintf("The e-mail was refused only after %s (%s, on the %s): a model may have read it.", count(s.LLMCalls, "model call"), callsOf(s), te.Step)}
	case err == nil && s.ToolCalls == 0:
		return conclusion{notShownKind, fmt.Sprintf("Not shown: the model did not call fetch_email, so there was no result to check (%s).", callsOf(s))}
	case err == nil:
		return conclusion{failedKind, fmt.Sprintf("The e-mail reached the model (%s).", callsOf(s))}
	default:
		return conclusion{failedKind, fmt.Sprintf("The run ended otherwise (%s): %s", callsOf(s), cli.Redacted(err))}
	}
}

// urlVerdict is demo 3's verdict from the run's error, counts and answer:
// the internal_url guard stopped the answer on the output; an answer
// without the link passed it (not shown: the model did not repeat it).
func urlVerdict(err error, s aigentic.Stats, answer string) conclusion {
	var te *guard.TripError
	switch {
	case errors.As(err, &te) && te.Guard == "internal_url" && te.Point == guard.PointOutput:
		return conclusion{shownKind, fmt.Sprintf("The answer was stopped (%s): it carried an internal URL; the caller got a *guard.TripError, not the answer.", callsOf(s))}
	case err == nil && internalURL.MatchString(answer):
		return conclusion{failedKind, "The answer leaked an internal URL: " + cli.Clip(answer, 100)}
	case err == nil:
		why := "the model did not search the knowledge base"
		if s.ToolCalls > 0 {
			why = "the model's answer did not repeat the article's internal link"
		}
		return conclusion{notShownKind, fmt.Sprintf("Not shown: %s, so the output guard checked the answer and let it pass (%s).", why, callsOf(s))}
	default:
		return conclusion{failedKind, fmt.Sprintf("The run ended otherwise (%s): %s", callsOf(s), cli.Redacted(err))}
	}
}

// refusedInput is, for a run the input guard refused, what demo 1 says:
// a ticket given with -q that carries what a guard refuses (a card
// number) is the guard working, not a failure; "" for any other error.
func refusedInput(err error, s aigentic.Stats) string {
	var te *guard.TripError
	if !errors.As(err, &te) || te.Point != guard.PointInput || s.LLMCalls != 0 {
		return ""
	}
	return fmt.Sprintf("A classified ticket was not shown: the input guard %s refused the ticket before any model saw it (%s): %s. That is the guard working (demo 2); give a ticket without it to see it classified.",
		te.Guard, callsOf(s), te.Reason)
}
