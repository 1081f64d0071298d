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

// An agent with a typed tool, on the built-in offline model: the model
// calls the tool, reads its result and answers.
func ExampleNewTool() {
	type input struct {
		Expression string `json:"expression" description:"An arithmetic expression such as '6 * 7'"`
	}
	calculator := aigentic.NewTool("calculator", "Evaluates an arithmetic expression.",
		func(run *aigentic.AgentRun, in input) (string, error) {
			fmt.Printf("calculator(%q)\n", in.Expression)
			return "42", nil
		})

	agent := aigentic.Agent{
		Model:      offline.NewModel(),
		AgentTools: []aigentic.AgentTool{calculator},
		Logger:     slog.New(slog.DiscardHandler),
	}
	answer, err := agent.Execute("What is 6 * 7?")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(answer)
	// Output:
	// calculator("6 * 7")
	// The calculator tool (expression: "6 * 7") returned: 42
}

// Start runs in the background; Next delivers its events in order. Switch
// on the types you need and keep a default case: new event types may be
// added.
func ExampleAgent_Start() {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("lookup", `{"city":"Paris"}`)),
		aitest.Reply("It is sunny in Paris."),
	)
	lookup := aigentic.AgentTool{
		Name: "lookup",
		Execute: func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			return ai.Text("sunny"), nil
		},
	}
	run, err := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{lookup}, Logger: slog.New(slog.DiscardHandler)}.Start("Weather in Paris?")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for ev := range run.Next() {
		switch e := ev.(type) {
		case *aigentic.LLMCallEvent:
			fmt.Println("model call", e.Call)
		case *aigentic.ToolEvent:
			fmt.Println("tool call:", e.ToolName, e.Arguments)
		case *aigentic.ToolResponseEvent:
			fmt.Println("tool result:", e.Content)
		case *aigentic.ContentEvent:
			fmt.Println("content:", e.Content)
		case *aigentic.ErrorEvent:
			fmt.Println("error:", e.Err)
		default:
			// *RetryEvent, *ApprovalEvent, and types added later.
		}
	}
	answer, err := run.Wait(0)
	fmt.Println(answer, err)
	// Output:
	// model call 1
	// tool call: lookup {"city":"Paris"}
	// tool result: sunny
	// model call 2
	// content: It is sunny in Paris.
	// It is sunny in Paris. <nil>
}

// ExecuteContext binds a run to the caller's context as well as to the
// session: here a request deadline ends a model call that would take a
// minute.
func ExampleAgent_ExecuteContext() {
	slow := aitest.NewScripted(aitest.Reply("too late").After(time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()

	_, err := aigentic.Agent{Model: slow, Logger: slog.New(slog.DiscardHandler)}.ExecuteContext(ctx, "hello")
	var stopped *aigentic.StoppedError
	fmt.Println(errors.As(err, &stopped), stopped.During)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// true model call 1
	// true
}
