// Command streaming prints an agent's answer as it streams, with the
// event switch of the aigentic library's "streaming" example.
package main

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

func main() {
	_ = utils.LoadEnvFile("../.env")
	question := "Tell me about streaming responses."
	if len(os.Args) > 1 {
		question = strings.Join(os.Args[1:], " ")
	}

	agent := aigentic.Agent{
		Model:        openai.NewModel("gpt-4o-mini", os.Getenv("OPENAI_API_KEY")),
		Description:  "A helpful assistant.",
		Instructions: "Explain clearly.",
		Stream:       true,
		Trace:        aigentic.NewTrace(),
	}
	run, err := agent.Start(question)
	if err != nil {
		log.Fatalf("start: %v", err)
	}

	var streamed strings.Builder
	fragments := 0
	for ev := range run.Next() {
		switch e := ev.(type) {
		case *aigentic.ContentEvent:
			fmt.Print(e.Content)
			streamed.WriteString(e.Content)
			fragments++
		case *aigentic.ToolEvent:
			fmt.Printf("\n[tool %s]\n", e.ToolName)
		case *aigentic.ApprovalEvent:
			_ = run.Approve(e.ApprovalID, true)
		case *aigentic.ErrorEvent:
			log.Fatalf("run %s failed: %v", e.ID(), e.Err)
		default:
			// Other events (*LLMCallEvent, *ToolResponseEvent, *RetryEvent,
			// and any added later) are not needed here.
		}
	}
	answer, err := run.Wait(0)
	if err != nil {
		log.Fatalf("wait: %v", err)
	}
	fmt.Printf("\nstreamed %d fragments, %d characters; same as the answer: %t\n", fragments, streamed.Len(), streamed.String() == answer)
	fmt.Printf("trace files: %d\n", len(agent.Trace.Files()))
}
