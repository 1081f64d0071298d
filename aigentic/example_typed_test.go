package aigentic_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A typed answer: the schema comes from the struct, the model is asked
// for it, and an answer that does not match is sent back once with what
// was wrong.
func ExampleExecuteAs() {
	type Ticket struct {
		Category string `json:"category" jsonschema:"enum=billing,enum=bug,enum=other"`
		Summary  string `json:"summary" description:"one sentence"`
	}
	model := aitest.NewScripted(
		aitest.Reply(`{"category":"refund","summary":"Charged twice"}`),
		aitest.Reply("```json\n{\"category\":\"billing\",\"summary\":\"Charged twice\"}\n```"),
	)
	agent := aigentic.Agent{Model: model, Logger: slog.New(slog.DiscardHandler)}
	t, err := aigentic.ExecuteAs[Ticket](context.Background(), agent, "I was charged twice for order 1042")
	fmt.Printf("%+v %v\n", t, err)
	fmt.Println("asked for:", model.Requests()[0].ResponseFormat.Name)
	second := model.Requests()[1].Messages
	fmt.Println("told:", second[len(second)-1].Content)
	// Output:
	// {Category:billing Summary:Charged twice} <nil>
	// asked for: Ticket
	// told: Your answer was not accepted: the answer does not match the schema: /category: value must be one of ["billing", "bug", "other"]. Answer again with only a JSON object that matches the schema "Ticket", with no other text.
}
