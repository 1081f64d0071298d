package main

import (
	"fmt"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// The agent of main.go on the offline model: a question naming a SKU gets
// the tool's answer; an unknown SKU is a Recoverable error the model reads
// and reports, and the run still succeeds; a question without a SKU gets a
// question back, not a tool call with a made-up SKU.
func Example() {
	agent := aigentic.Agent{
		Model:      offline.NewModel(),
		AgentTools: []aigentic.AgentTool{checkStock},
		Logger:     slog.New(slog.DiscardHandler), // main.go logs through slog.Default()
	}
	for _, q := range []string{"How many units of ABC-123 are in stock?", "Is XYZ-999 in stock?", "How many units are in stock?"} {
		answer, err := agent.Execute(q)
		fmt.Printf("Q: %s\nA: %s (error: %v)\n", q, answer, err)
	}
	// Output:
	// Q: How many units of ABC-123 are in stock?
	// A: The check_stock tool (sku: "ABC-123") returned: 42 units of ABC-123 in stock (error: <nil>)
	// Q: Is XYZ-999 in stock?
	// A: The check_stock tool failed: "no product with SKU XYZ-999"
	// No tool gave me a usable result, so I cannot answer your request reliably. (error: <nil>)
	// Q: How many units are in stock?
	// A: To use the check_stock tool I need the sku (The product SKU, like ABC-123). Please tell me the sku. (error: <nil>)
}
