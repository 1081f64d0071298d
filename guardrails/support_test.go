package main

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// The support agent's limits hold with the guards on: a model that looks
// the order up forever is stopped at MaxLLMCalls (6), and a 503 is retried.
func TestSupportAgentLimits(t *testing.T) {
	looping := aitest.Inject(offline.NewModel()).EndlessToolCalls("lookup_order", `{"order_id":"1042"}`)
	agent := newAgent(looping, newGuards(), lookupOrderTool())
	agent.Logger = slog.New(slog.DiscardHandler)
	_, err := agent.Execute("Where is order 1042?")
	if !errors.Is(err, aigentic.ErrMaxLLMCalls) || looping.Calls() != 6 {
		t.Errorf("looping model: %v after %d model calls; want aigentic.ErrMaxLLMCalls after 6", err, looping.Calls())
	}

	failing := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0))
	agent = newAgent(failing, newGuards(), lookupOrderTool())
	agent.Logger = slog.New(slog.DiscardHandler)
	agent.RetryPolicy = &aigentic.RetryPolicy{BaseDelay: 1, MaxDelay: 1}
	if _, err := agent.Execute("Where is order 1042?"); err != nil || failing.Pending() != 0 {
		t.Errorf("a 503: %v, %d faults left; want it retried", err, failing.Pending())
	}
}

// The output guard's pattern finds an internal host with or without its
// scheme, and leaves public links and the words alone.
func TestInternalURL(t *testing.T) {
	for text, want := range map[string]bool{
		"Open https://billing.acme.internal/orders?refund=1 now": true,
		"Open billing.acme.internal/orders?refund=1 now":         true,
		"see (wiki.corp) or http://tools.corp:8443/x":            true,
		"https://example.com/internal is public":                 false,
		"for internal use only; Acme Corp. policy":               false,
		"example.com/corp/internal":                              false,
	} {
		if got := internalURL.MatchString(text); got != want {
			t.Errorf("internalURL on %q = %v, want %v", text, got, want)
		}
	}
}

// The support desk's input guard lets a list of numbers through: ten quiz
// scores are not a card number (Breaker 11, M1), and a card still is.
func TestSupportDeskTakesNumberLists(t *testing.T) {
	agent := newAgent(offline.NewModel(), newGuards())
	agent.Logger = slog.New(slog.DiscardHandler)
	if _, err := agent.ExecuteContext(t.Context(), "Please add up my quiz scores: 49 99 42 15 14 44 95 34 35 13 and tell me the average."); err != nil {
		t.Errorf("quiz scores refused: %v", err)
	}
	var trip *guard.TripError
	if _, err := agent.ExecuteContext(t.Context(), "My card is "+testCard+"."); !errors.As(err, &trip) || trip.Guard != "credit_card" {
		t.Errorf("a card: %v; want the credit_card guard's *guard.TripError", err)
	}
}
