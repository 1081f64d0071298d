package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// exampleSys is the program offline, standard input not a terminal: -approve
// decides.
var exampleSys = system{getenv: testutil.Offline}

// The program's default off a terminal: the request is shown, denied
// (-approve=no), and nothing is sent; the model is told and says so.
func Example() {
	if err := runWith(context.Background(), nil, os.Stdout, exampleSys); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).
	// Request: Send an email to alice@example.com with subject "Quarterly report" saying "The Q3 report is ready for review."
	//   → send_email {"body":"The Q3 report is ready for review.","subject":"Quarterly report","to":"alice@example.com"}
	// Approval needed for send_email (call call_1_1): send an e-mail to alice@example.com with subject "Quarterly report" and a 34-byte body: "The Q3 report is ready for review.".
	// The arguments match the tool's schema.
	// No answer within 2m0s counts as denied.
	// Decision: denied (-approve=no, the default when standard input is not a terminal)
	//   – send_email was not run (denied), so the e-mail was not sent.
	//
	// Answer:
	//   The send_email tool failed: "tool "send_email" was not run: the user denied approval"
	//   No tool gave me a usable result, so I cannot answer your request reliably.
	//
	// Outbox: empty (nothing was sent)
}

// With -approve=yes the call runs: the e-mail is in the (simulated) outbox.
func Example_approved() {
	if err := runWith(context.Background(), []string{"-approve=yes"}, os.Stdout, exampleSys); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).
	// Request: Send an email to alice@example.com with subject "Quarterly report" saying "The Q3 report is ready for review."
	//   → send_email {"body":"The Q3 report is ready for review.","subject":"Quarterly report","to":"alice@example.com"}
	// Approval needed for send_email (call call_1_1): send an e-mail to alice@example.com with subject "Quarterly report" and a 34-byte body: "The Q3 report is ready for review.".
	// The arguments match the tool's schema.
	// No answer within 2m0s counts as denied.
	// Decision: approved (-approve=yes; standard input is not a terminal)
	//   ← send_email: E-mail msg-1 sent to alice@example.com with subject "Quarterly report" (simulated: it is in the out…
	//
	// Answer:
	//   The send_email tool (body: "The Q3 report is ready for review.", subject: "Quarterly report", to: "alice@exam…
	//
	// Outbox: 1 e-mail(s) sent (simulated, nothing left this machine)
	//   [msg-1] To: alice@example.com
	//           Subject: Quarterly report
	//           Body: The Q3 report is ready for review.
}
