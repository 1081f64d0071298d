package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// Demo 7's pattern: a health check, then one request with every limit
// set, its figures logged as one JSON record (here without the fields
// that change from run to run: time, run ID, trace file, durations).
func Example_production() {
	ctx := context.Background()
	agent := exampleAgent(lookupOrderTool(), checkSystemStatusTool())
	health, err := healthCheck(ctx, agent.Model, 5*time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("health check: provider %s, model %s\n", health.Provider, health.Model)

	dir, err := os.MkdirTemp("", "traces")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	r := serve(ctx, agent, "Where is order 1043?", production{
		Timeout:     time.Minute,
		TraceDir:    dir,
		Retries:     2,
		RetryPolicy: &aigentic.RetryPolicy{AttemptTimeout: 30 * time.Second, Sleep: noWait},
		MaxLLMCalls: 10,
		ToolTimeout: 10 * time.Second,
		// A response's calls run at once, at most 4; a stop waits on a
		// stuck tool for aigentic.DefaultStopGrace at most.
		ParallelToolCalls: 4,
		RateLimiter:       waiter{Limiter: rate.NewLimiter(5, 1), sleep: noWait},
		Pricing:           &aigentic.Pricing{InputPerMTok: 0.15, OutputPerMTok: 0.60},
		Metrics: slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "run", "trace_file", "duration_ms", "rate_limit_wait_ms":
				return slog.Attr{}
			}
			return a
		}})),
	})
	fmt.Printf("err %v; trace file written: %v\n%s\n", r.Err, r.TraceFile != "", r.Answer)
	// Output:
	// health check: provider offline, model offline
	// {"level":"INFO","msg":"agent run succeeded","llm_calls":2,"tool_calls":1,"tool_errors":0,"tool_timeouts":0,"tools_abandoned":0,"retries":0,"tokens_in":479,"tokens_out":55,"cost_usd":0.00010485}
	// err <nil>; trace file written: true
	// The lookup_order tool (order_id: 1043) returned: Order 1043: paid, waiting to be packed; expected to ship within 2 working days.
}
