package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Demo 6's pattern: a slow tool stopped by a timeout — counted from the
// tool's start (toolDeadline), so the run is in the tool when it ends —
// and by a cancel while the tool runs. The StoppedError says where.
func Example_cancellation() {
	ctx := context.Background()

	tctx, cancel := withToolDeadline(ctx, 10*time.Millisecond)
	defer cancel()
	r := runStoppable(tctx, exampleAgent(generateReportTool(reportTakes, tctx.start)), "Generate the quarterly sales report.")
	fmt.Printf("timeout: stopped during %s; errors.Is(err, context.DeadlineExceeded): %v\n", r.Stopped.During, errors.Is(r.Err, context.DeadlineExceeded))

	cctx, stop := context.WithCancel(ctx)
	defer stop()
	r = runStoppable(cctx, exampleAgent(generateReportTool(reportTakes, stop)), "Generate the monthly sales report.")
	fmt.Printf("cancel: stopped during %s; errors.Is(err, context.Canceled): %v\n", r.Stopped.During, errors.Is(r.Err, context.Canceled))
	fmt.Println("the user is told:", withoutReference(userMessage(r.Err, r.RunID)))
	// Output:
	// timeout: stopped during tool "generate_report"; errors.Is(err, context.DeadlineExceeded): true
	// cancel: stopped during tool "generate_report"; errors.Is(err, context.Canceled): true
	// the user is told: The request was cancelled.
}
