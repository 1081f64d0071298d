package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// Demo 1's three failures through answer: a tool's error result the run
// goes on from, a tool's Go error that stops it (with a message for the
// user), and a transient model failure retried away.
func Example_errors() {
	ctx := context.Background()

	r := answer(ctx, exampleAgent(checkSystemStatusTool()), "Is the payments service healthy? Check the status of the payments component.")
	fmt.Printf("1a: err %v; %d tool call, %d error result; the model explains:\n%s\n", r.Err, r.Stats.ToolCalls, r.Stats.ToolErrors, r.Answer)

	r = answer(ctx, exampleAgent(queryDatabaseTool()), `Run this query on the orders database: "SELECT count(*) FROM orders"`)
	fmt.Printf("1b: stopped by tool %s; errors.Is(err, errDatabaseConnectionLost): %v\n", r.Tool.Tool, errors.Is(r.Err, errDatabaseConnectionLost))
	fmt.Println("    the user is told:", withoutReference(r.UserMessage))

	agent := exampleAgent(lookupOrderTool())
	agent.Model = aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0))
	agent.Retries, agent.RetryPolicy = 2, &aigentic.RetryPolicy{Sleep: noWait}
	r = answer(ctx, agent, "Where is order 1042?")
	fmt.Printf("1c: err %v after %d retry: %s\n", r.Err, r.Stats.Retries, r.Answer)
	// Output:
	// 1a: err <nil>; 1 tool call, 1 error result; the model explains:
	// The check_system_status tool failed: "payments status unavailable: the metrics endpoint timed out after 5s. Check the status dashboard, or try again in a minute."
	// No tool gave me a usable result, so I cannot answer your request reliably.
	// 1b: stopped by tool query_database; errors.Is(err, errDatabaseConnectionLost): true
	//     the user is told: A backend system (query_database) is failing, so I could not complete your request. Our team has been alerted; please try again later.
	// 1c: err <nil> after 1 retry: The lookup_order tool (order_id: 1042) returned: Order 1042: shipped on Monday with UPS, tracking 1Z999AA10123456784, expected delivery tomorrow before 6pm.
}
