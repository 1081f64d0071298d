package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// Demo 5's pattern: the same run (a 503 retried, then a tool that fails)
// logged at each level. Each keeps only the records at or above it.
func Example_logLevels() {
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		agent := exampleAgent(queryDatabaseTool())
		agent.Model = aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0))
		agent.Retries, agent.RetryPolicy = 1, &aigentic.RetryPolicy{Sleep: noWait}
		var log strings.Builder
		runLogged(context.Background(), agent, `Run this query on the orders database: "SELECT 1"`, level, plainText(&log))
		var msgs []string
		for _, rec := range records(log.String()) {
			_, msg, _ := strings.Cut(rec, "msg=")
			msg, _, _ = strings.Cut(strings.TrimPrefix(msg, `"`), `"`)
			msgs = append(msgs, recordLevel(rec)+" "+msg)
		}
		fmt.Printf("%s: %s\n", level, strings.Join(msgs, "; "))
	}
	// Output:
	// DEBUG: DEBUG run started; DEBUG model request; WARN retrying after transient failure; DEBUG model request; DEBUG model response; DEBUG tool call; ERROR run failed
	// INFO: WARN retrying after transient failure; ERROR run failed
	// WARN: WARN retrying after transient failure; ERROR run failed
	// ERROR: ERROR run failed
}
