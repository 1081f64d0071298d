// Command multi-agent has a coordinator delegate to two specialist
// sub-agents through Agent.Agents, as the aigentic library's
// "multi-agent" example does.
package main

import (
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

func main() {
	_ = utils.LoadEnvFile("../.env")
	model := openai.NewModel("gpt-4o-mini", os.Getenv("OPENAI_API_KEY"))

	researcher := aigentic.Agent{
		Model:        model,
		Name:         "Researcher",
		Description:  "Research a topic and report the facts found.",
		Instructions: "Report the key facts you were given, briefly.",
	}
	writer := aigentic.Agent{
		Model:        model,
		Name:         "Writer",
		Description:  "Write a short, clear text from the facts it is given.",
		Instructions: "Write two clear sentences from the notes.",
	}
	coordinator := aigentic.Agent{
		Model:        model,
		Name:         "Coordinator",
		Description:  "Coordinates research and writing",
		Instructions: "Have the Researcher research the topic, then the Writer write a summary of the research.",
		Agents:       []aigentic.Agent{researcher, writer},
		LogLevel:     slog.LevelWarn,
	}
	run, err := coordinator.Start("Research tidal power, then write a summary.")
	if err != nil {
		log.Fatalf("start: %v", err)
	}
	for ev := range run.Next() {
		if e, ok := ev.(*aigentic.ToolEvent); ok {
			fmt.Printf("[%s delegates to %s]\n", e.AgentName, e.ToolName)
		}
	}
	answer, err := run.Wait(0)
	if err != nil {
		log.Fatalf("coordinator failed: %v", err)
	}
	st := run.Stats()
	fmt.Printf("Final answer:\n%s\n", answer)
	fmt.Printf("model calls: %d, tool calls: %d\n", st.LLMCalls, st.ToolCalls)
}
