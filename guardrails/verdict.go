package main

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
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
