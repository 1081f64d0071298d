package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// Retries retries transient model failures (HTTP 429/5xx, timeouts) with
// the waits of a RetryPolicy; 0 means none. Sleep is replaced here so the
// example does not wait.
func ExampleRetryPolicy() {
	model := aitest.Inject(aitest.NewScripted(aitest.Reply("done"))).
		FailNext(aitest.StatusError(503, 0), aitest.StatusError(429, 2*time.Second))
	var waits []time.Duration
	agent := aigentic.Agent{
		Model:   model,
		Retries: 2,
		RetryPolicy: &aigentic.RetryPolicy{
			BaseDelay: 100 * time.Millisecond,
			Rand:      func() float64 { return 0.5 }, // fixed jitter, for the example: 50ms + 0.5×50ms
			Sleep: func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			},
		},
		Logger: slog.New(slog.DiscardHandler),
	}
	run, _ := agent.Start("go")
	for range run.Next() {
	}
	answer, err := run.Wait(0)
	fmt.Println(answer, err)
	fmt.Println("retries:", run.Stats().Retries, "waits:", waits) // the 429's Retry-After wins
	// Output:
	// done <nil>
	// retries: 2 waits: [75ms 2s]
}

// MaxLLMCalls stops a run whose model never stops calling tools; the
// *LimitError keeps the work done so far.
func ExampleLimitError() {
	model := aitest.Inject(offline.NewModel()).EndlessToolCalls("search", `{}`)
	search := aigentic.AgentTool{Name: "search", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		return ai.Text("nothing new"), nil
	}}
	_, err := aigentic.Agent{Model: model, MaxLLMCalls: 3, AgentTools: []aigentic.AgentTool{search}, Logger: slog.New(slog.DiscardHandler)}.Execute("find it")

	var le *aigentic.LimitError
	if errors.As(err, &le) {
		fmt.Println(le.Exceeded, le.Calls, "calls,", le.ToolCalls, "tools run,", len(le.Pending), "pending,", len(le.Transcript), "messages kept")
	}
	fmt.Println(errors.Is(err, aigentic.ErrMaxLLMCalls))
	// Output:
	// MaxLLMCalls 3 calls, 2 tools run, 1 pending, 6 messages kept
	// true
}

// A Budget bounds a whole run tree: the coordinator and its sub-agents
// draw from one budget of model calls (MaxLLMCalls would count each
// agent's own).
func ExampleBudget() {
	// A model that never answers: every response delegates to the
	// researcher.
	model := aitest.Inject(offline.NewModel()).EndlessToolCalls("researcher", `{"input":"dig"}`)
	coordinator := aigentic.Agent{
		Name:   "coordinator",
		Model:  model,
		Budget: aigentic.Budget{MaxLLMCalls: 5},
		// The sub-agent runs on the same model (it has none of its own):
		// its calls of a tool it does not have come back to it as error
		// results, and it goes on — until the shared budget runs out.
		Agents: []aigentic.Agent{{Name: "researcher"}},
		Logger: slog.New(slog.DiscardHandler),
	}
	run, _ := coordinator.Start("research")
	for range run.Next() {
	}
	_, err := run.Wait(0)
	var le *aigentic.LimitError
	errors.As(err, &le)
	fmt.Println(le.Exceeded, "of", le.BudgetOwner+":", le.Used, "of", le.Max)
	fmt.Println("model calls in the tree:", run.Stats().LLMCalls)
	fmt.Println(errors.Is(err, aigentic.ErrBudgetExceeded))
	// Output:
	// Budget.MaxLLMCalls of coordinator: 5 of 5
	// model calls in the tree: 5
	// true
}

// A Session's context bounds every run in it: here a 10ms timeout ends a
// model call that would take a minute.
func ExampleNewSession() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	slow := aitest.NewScripted(aitest.Reply("too late").After(time.Minute))
	_, err := aigentic.Agent{Model: slow, Session: session, Logger: slog.New(slog.DiscardHandler)}.Execute("hello")
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	fmt.Println(err)
	// Output:
	// true
	// aigentic: run stopped during model call 1: context deadline exceeded
}
