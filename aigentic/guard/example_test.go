package guard_test

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// Guards on an agent: a message carrying a card number is masked before
// the model reads it, and an answer leaking an internal URL stops the run.
func ExampleGuards() {
	internalURL := regexp.MustCompile(`(?i)\bhttps?://[a-z0-9.-]*\.corp\b\S*`)
	guards := &guard.Guards{
		Input:  []guard.Guard{guard.MaskCreditCards()},
		Output: []guard.Guard{guard.Deny("internal_url", "an internal URL", internalURL)},
	}
	model := aitest.NewScripted(aitest.Reply("Follow http://wiki.corp/refunds to refund it."))
	agent := aigentic.Agent{Model: model, Interceptors: []aigentic.Interceptor{guards}, Logger: slog.New(slog.DiscardHandler)}

	_, err := agent.Execute("Refund card 4111 1111 1111 1111, please.")
	fmt.Println("the model read:", model.Requests()[0].Messages[0].Content)
	var trip *guard.TripError
	if errors.As(err, &trip) {
		fmt.Println("tripped:", trip.Guard, "on the", trip.Step+":", trip.Reason)
	}
	fmt.Println("halted:", errors.Is(err, aigentic.ErrHalted))
	// Output:
	// the model read: Refund card [card ending 1111], please.
	// tripped: internal_url on the output: an internal URL (output refused)
	// halted: true
}
