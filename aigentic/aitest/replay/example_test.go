package replay_test

import (
	"fmt"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/replay"
)

// An agent run answered from a recording, with no server and no key.
// testdata/weather.yaml was recorded (AIGENTIC_RECORD=record) from
// openaitest's fake server; in a test, replay.New(t, file) does the same
// and fails the test on any request the recording does not hold.
func ExampleOpen() {
	rec, err := replay.Open("testdata/weather.yaml", replay.WithMode(replay.ModeReplay))
	if err != nil {
		fmt.Println(err)
		return
	}
	model, err := rec.OpenAI()
	if err != nil {
		fmt.Println(err)
		return
	}
	type cityIn struct {
		City string `json:"city" jsonschema:"description=the city"`
	}
	agent := aigentic.Agent{
		Model:        model,
		Name:         "weather",
		Instructions: "You are a precise assistant. Use the weather tool.",
		MaxLLMCalls:  4,
		Stream:       true,
		Logger:       slog.New(slog.DiscardHandler),
		AgentTools: []aigentic.AgentTool{aigentic.NewTool("weather", "The weather in a city.", func(_ *aigentic.AgentRun, in cityIn) (string, error) {
			return in.City + ": sunny", nil
		})},
	}
	run, err := agent.Start("Weather in Paris?")
	if err != nil {
		fmt.Println(err)
		return
	}
	for ev := range run.Next() {
		if t, ok := ev.(*aigentic.ToolEvent); ok {
			fmt.Println("tool call:", t.ToolName, t.Arguments)
		}
	}
	answer, err := run.Wait(0)
	fmt.Println("answer:", answer, err)
	fmt.Println("model:", model.ModelName(), "at", model.BaseURL())
	fmt.Println("stop:", rec.Stop())
	// Output:
	// tool call: weather {"city":"Paris"}
	// answer: It is sunny in Paris. <nil>
	// model: gpt-test at http://replay.invalid/v1
	// stop: <nil>
}
