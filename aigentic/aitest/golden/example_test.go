package golden_test

import (
	"fmt"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/golden"
)

// A run rendered as a transcript: in a test, golden.Assert(t,
// "testdata/sum.golden", text) compares it with the file.
func ExampleRenderRun() {
	type sumIn struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	agent := aigentic.Agent{
		Model: aitest.NewScripted(
			aitest.CallTools(aitest.Call("add", `{"b":2,"a":2}`)),
			aitest.Reply("2 + 2 is 4."),
		),
		Instructions: "Add with the add tool.",
		Logger:       slog.New(slog.DiscardHandler),
		AgentTools: []aigentic.AgentTool{aigentic.NewTool("add", "Adds two integers.", func(_ *aigentic.AgentRun, in sumIn) (string, error) {
			return fmt.Sprint(in.A + in.B), nil
		})},
	}
	run, err := agent.Start("What is 2 + 2?")
	if err != nil {
		fmt.Println(err)
		return
	}
	answer, err := run.Wait(0)
	fmt.Print(golden.RenderRun(run, answer, err))
	// Output:
	// user:
	//   What is 2 + 2?
	// model call 1:
	//   → add {"a":2,"b":2}
	// tool add:
	//   4
	// model call 2:
	//   2 + 2 is 4.
	// outcome: answered
}
