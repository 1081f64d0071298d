package aigentic_test

import (
	"fmt"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A scripted test model replays fixed responses and records every request,
// so a test can check what the agent sent and what it did with the answers.
func Example_scriptedModel() {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("greet", `{"name":"Ada"}`)),
		aitest.Reply("I greeted Ada."),
	)
	type input struct {
		Name string `json:"name"`
	}
	greet := aigentic.NewTool("greet", "Greets someone.", func(run *aigentic.AgentRun, in input) (string, error) {
		return "Hello, " + in.Name + "!", nil
	})
	answer, err := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{greet}, Logger: slog.New(slog.DiscardHandler)}.Execute("Greet Ada")
	fmt.Println(answer, err)

	second := model.Requests()[1].Messages
	last := second[len(second)-1]
	fmt.Printf("the model's second request ends with the %s result: %q\n", last.Name, last.Content)
	fmt.Println("steps left:", model.Remaining())
	// Output:
	// I greeted Ada. <nil>
	// the model's second request ends with the greet result: "Hello, Ada!"
	// steps left: 0
}
