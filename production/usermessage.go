package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// userMessage turns a failed run into what the user is told: what
// happened, whether trying again helps, and a reference for support (the
// run's ID, which names its trace file) — never a raw error.
func userMessage(err error, reference string) string {
	var msg string
	var te *aigentic.ToolError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		msg = "That took too long and was stopped. Please try again, or ask for something smaller."
	case errors.Is(err, context.Canceled):
		msg = "The request was cancelled."
	case errors.Is(err, aigentic.ErrMaxLLMCalls):
		msg = "I could not finish this within my step budget. Here is what I found so far; please narrow the request."
	case errors.Is(err, aigentic.ErrRetriesExhausted) || ai.IsTransient(err):
		msg = "The assistant is temporarily unavailable (our AI provider is overloaded). Please try again in a minute."
	case errors.As(err, &te):
		msg = fmt.Sprintf("A backend system (%s) is failing, so I could not complete your request. Our team has been alerted; please try again later.", te.Tool)
	default:
		msg = "Something went wrong on our side and your request was not completed."
	}
	return msg + " (reference: " + reference + ")"
}
