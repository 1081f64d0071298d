package main

import (
	"context"
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// noColor is an environment with NO_COLOR set.
func noColor(k string) string {
	if k == "NO_COLOR" {
		return "1"
	}
	return ""
}

// The ticket as a Go struct: the model looks the order up, then answers
// — in a code fence, which is accepted — with a value of the schema.
func Example_typedTicket() {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("lookup_order", `{"order_id":"1042"}`)),
		aitest.Reply("```json\n"+`{"category":"billing","priority":"urgent","summary":"Charged twice for order 1042.","order_id":"1042"}`+"\n```"))
	d := &desk{ctx: context.Background(), model: model, guards: newGuards(), p: cli.NewPrinter(os.Stdout, noColor)}
	d.classify(defaultTicket)
	// Output:
	//
	// 1. A typed answer: the ticket as a Go struct (aigentic.StartAs[Ticket])
	// Ticket: I was charged twice for order 1042. It is urgent: please fix it today!
	//   credit_card passed the input
	//   → lookup_order {"order_id":"1042"}
	//   injection passed the tool "lookup_order"
	//   ← lookup_order: Order 1042: one desk lamp, $49.00, charged twice on 3 March (card ending 4242); status: paid, not s…
	//   internal_url passed the output
	// ✓ Classified (2 model calls, 1 tool call): category billing, priority urgent, order "1042"; summary: Charged twice for order 1042.
	//   Right for this ticket: category billing (a double charge), priority urgent (charged wrongly, to be fixed today), order 1042, a summary sentence.
}

// The guards on a model that calls the first tool it is offered: the card
// number is refused before any model call, the e-mail carrying an
// injection before the model reads it.
func Example_guards() {
	d := &desk{ctx: context.Background(), model: aitest.NewNaive(aitest.NaiveOptions{}), guards: newGuards(), p: cli.NewPrinter(os.Stdout, noColor)}
	d.cardNumber()
	d.injection()
	// Output:
	//
	// 2. An input guard: a request carrying a card number (guard.CreditCards)
	// Request: Please refund order 1042 to my card 4111 1111 1111 1111.
	//   credit_card tripped on the input: a payment card number (refused; never send card numbers to the assistant)
	// ✓ Refused before any model saw it (0 model calls, 0 tool calls): the run ended with a *guard.TripError inside an *aigentic.HaltError.
	//   With guard.MaskCreditCards instead, the model would have read: Please refund order 1042 to my card [card ending 1111].
	//
	// 4. A tool-result guard: an e-mail carrying a prompt injection (guard.Injection)
	// Request: Fetch the customer's latest email and tell me what they want.
	//   credit_card passed the input
	//   → fetch_email {}
	//   injection tripped on the tool "fetch_email": the result looks like a prompt injection: delimiter, role_line, ignore_instructions
	// ✓ The e-mail was refused before the model read it (1 model call, 1 tool call): the result looks like a prompt injection: delimiter, role_line, ignore_instructions.
	//   Without the guard it would reach the model delimited as data, its fake closing tag replaced by "[markup removed]".
}

// An answer that repeats the knowledge base's internal link is stopped by
// the output guard: the caller gets the trip, not the answer.
func Example_internalURL() {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("search_kb", `{"query":"refund a double charge"}`)),
		aitest.Reply("Open https://billing.acme.internal/orders?refund=1 and press Refund."))
	d := &desk{ctx: context.Background(), model: model, guards: newGuards(), p: cli.NewPrinter(os.Stdout, noColor)}
	d.internalURL()
	// Output:
	//
	// 3. An output guard: an answer leaking an internal URL (guard.Deny)
	// Question: How do I refund a double charge? Search the knowledge base.
	//   credit_card passed the input
	//   → search_kb {"query":"refund a double charge"}
	//   injection passed the tool "search_kb"
	//   ← search_kb: Refunds for double charges: open the order in the billing console at https://billing.acme.internal/…
	//   internal_url tripped on the output: an internal URL (output refused)
	// ✓ The answer was stopped (2 model calls, 1 tool call): it carried an internal URL; the caller got a *guard.TripError, not the answer.
}

// A first answer that breaks the schema is sent back with what was wrong;
// the model's second answer is the one classified.
func Example_typedTicketFollowUp() {
	model := aitest.NewScripted(
		aitest.Reply(`{"category":"refund","priority":"urgent","order_id":"1042"}`),
		aitest.Reply(`{"category":"billing","priority":"urgent","summary":"Charged twice for order 1042.","order_id":"1042"}`))
	d := &desk{ctx: context.Background(), model: model, guards: newGuards(), p: cli.NewPrinter(os.Stdout, noColor)}
	d.classify(defaultTicket)
	// Output:
	//
	// 1. A typed answer: the ticket as a Go struct (aigentic.StartAs[Ticket])
	// Ticket: I was charged twice for order 1042. It is urgent: please fix it today!
	//   credit_card passed the input
	//   typed:Ticket sent back the output: the answer does not match the schema: /: missing property 'summary'; /category: value must be one of 'billing', 'bug', 'account', 'other'
	//   internal_url passed the output
	// ✓ Classified (2 model calls, 0 tool calls (1 follow-up after a rejected answer)): category billing, priority urgent, order "1042"; summary: Charged twice for order 1042.
	//   Right for this ticket: category billing (a double charge), priority urgent (charged wrongly, to be fixed today), order 1042, a summary sentence.
}
