// Command memory has three conversations in one session with an agent
// whose Agent.Memory remembers between them, as the aigentic library's
// "memory" example does.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/memory"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

func main() {
	_ = utils.LoadEnvFile("../.env")

	session := aigentic.NewSession(context.Background())
	defer session.Cancel()
	agent := aigentic.Agent{
		Model:        openai.NewModel("gpt-4o-mini", os.Getenv("OPENAI_API_KEY")),
		Name:         "Assistant",
		Description:  "A personal assistant that remembers",
		Instructions: "Save what the user tells you about themselves with save_memory; look it up with get_memory before answering questions about them.",
		Session:      session,
		Memory:       memory.NewMemory(),
	}
	for i, msg := range []string{
		`Save to memory that my "favourite colour" is "teal".`,
		`Save to memory that my "home city" is "Lisbon".`,
		`Look up my "favourite colour" in memory.`,
	} {
		answer, err := agent.Execute(msg)
		if err != nil {
			log.Fatalf("conversation %d: %v", i+1, err)
		}
		fmt.Printf("Conversation %d: %s\n-> %s\n", i+1, msg, answer)
	}
}
