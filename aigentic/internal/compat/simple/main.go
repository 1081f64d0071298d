// Command simple asks an agent one question, as the aigentic library's
// "simple" example does.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

func apiKey() string {
	key := os.Getenv("OPENAI_API_KEY")
	if key == "" {
		fmt.Println("OPENAI_API_KEY is not set (in the environment or ../.env)")
		os.Exit(1)
	}
	return key
}

func main() {
	_ = utils.LoadEnvFile("../.env") // optional, as in the library's examples

	agent := aigentic.Agent{
		Model:        openai.NewModel("gpt-4o-mini", apiKey()),
		Name:         "Greeter",
		Description:  "Answers questions in one friendly sentence",
		Instructions: "Answer briefly and kindly.",
	}
	answer, err := agent.Execute("Say hello to Ada Lovelace.")
	if err != nil {
		log.Fatalf("simple agent failed: %v", err)
	}
	fmt.Printf("Answer: %s\n", answer)
}
