package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Demo 6c's pattern: the user cancels while a tool that ignores its
// context hangs; the run returns after StopGrace without it, and the
// StoppedError names the call it abandoned.
func Example_toolThatIgnoresItsContext() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	export := newHungExport(cancel) // the user cancels as the export starts
	defer export.finish(5 * time.Second)
	r := runControlled(ctx, exampleAgent(export.tool()), "Export order batch 77 to the legacy ERP.", runControl{StopGrace: 10 * time.Millisecond})
	fmt.Printf("stopped during %s, the export still hanging: %v\n", r.Stopped.During, export.running())
	fmt.Printf("abandoned: %s; Stats.ToolsAbandoned: %d; errors.Is(err, context.Canceled): %v\n",
		r.Stopped.Abandoned[0].Name, r.Stats.ToolsAbandoned, errors.Is(r.Err, context.Canceled))
	// Output:
	// stopped during tool "export_to_erp", the export still hanging: true
	// abandoned: export_to_erp; Stats.ToolsAbandoned: 1; errors.Is(err, context.Canceled): true
}

// Demo 6d's pattern: a slow tool past its Timeout becomes an error result
// the model sees, and the run goes on to answer.
func Example_toolTimeout() {
	report := generateReportTool(reportTakes, nil)
	report.Timeout = 10 * time.Millisecond
	r := runControlled(context.Background(), exampleAgent(report), "Generate the weekly sales report.", runControl{})
	fmt.Printf("err: %v; Stats.ToolTimeouts: %d\n", r.Err, r.Stats.ToolTimeouts)
	fmt.Println("the model got:", r.Results[0])
	fmt.Println(r.Answer)
	// Output:
	// err: <nil>; Stats.ToolTimeouts: 1
	// the model got: tool "generate_report" timed out after 10ms and was stopped; its work may be incomplete
	// The generate_report tool failed: "tool "generate_report" timed out after 10ms and was stopped; its work may be incomplete"
	// No tool gave me a usable result, so I cannot answer your request reliably.
}

// Demo 6e's pattern: with ParallelToolCalls, the lookups one response asks
// for run at the same time. Each lookup here waits until the other has
// started (as the tests do): one at a time, the first would wait for
// ever — after 5s it gives up, and the run fails.
func Example_parallelToolCalls() {
	lookup := slowLookupOrderTool(newMeeting().wait)
	r := runControlled(context.Background(), exampleAgent(lookup), "Where are order 1042 and order 1043?", runControl{ParallelToolCalls: 4})
	fmt.Printf("err: %v; calls per response: %v; running at once: %d\n", r.Err, r.CallsPerTurn, r.MostAtOnce)
	fmt.Println(r.Answer)
	// Output:
	// err: <nil>; calls per response: [2]; running at once: 2
	// Here is what I found:
	// - lookup_order (order_id: 1042): Order 1042: shipped on Monday with UPS, tracking 1Z999AA10123456784, expected delivery tomorrow before 6pm.
	// - lookup_order (order_id: 1043): Order 1043: paid, waiting to be packed; expected to ship within 2 working days.
}
