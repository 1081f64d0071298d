// Command production runs an agent with the safeguards of the aigentic
// library's "production" example: a session with a timeout, a trace,
// retries, a limit on model calls, and errors told apart.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

type queryInput struct {
	Query string `json:"query" description:"What to look up in the orders database"`
}

func main() {
	_ = utils.LoadEnvFile("../.env")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	trace := aigentic.NewTrace()

	orders := aigentic.NewTool("query_orders", "Looks up orders in the orders database.",
		func(run *aigentic.AgentRun, in queryInput) (string, error) {
			if err := run.Session().Context.Err(); err != nil {
				return "", err
			}
			return fmt.Sprintf("query %q: 42 orders", in.Query), nil
		})

	agent := aigentic.Agent{
		Model:        openai.NewModel("gpt-4o-mini", os.Getenv("OPENAI_API_KEY")),
		Name:         "OrdersAgent",
		Description:  "Answers questions about orders",
		Instructions: "Use query_orders to answer questions about orders.",
		Session:      session,
		AgentTools:   []aigentic.AgentTool{orders},
		Trace:        trace,
		Retries:      2,
		MaxLLMCalls:  10,
		LogLevel:     slog.LevelWarn,
	}
	answer, err := agent.Execute("Query the orders database for orders placed today.")
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		log.Fatalf("timed out: %v", err)
	case errors.Is(err, context.Canceled):
		log.Fatalf("cancelled: %v", err)
	case errors.Is(err, aigentic.ErrMaxLLMCalls):
		log.Fatalf("model call limit reached: %v", err)
	case err != nil:
		log.Fatalf("failed: %v", err)
	}
	fmt.Printf("Answer: %s\n", answer)
	fmt.Printf("trace %s: %d file(s)\n", trace.SessionID, len(trace.Files()))
	for _, f := range trace.Files() {
		fmt.Println("trace file:", f)
	}
}
