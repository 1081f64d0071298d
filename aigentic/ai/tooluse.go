package ai

import (
	"errors"
	"fmt"
)

// ErrToolUseFailed is matched by a [*ToolUseFailedError]: the model
// generated a tool call the provider could not parse or validate.
var ErrToolUseFailed = errors.New("the model generated a tool call the provider could not use")

// ToolUseFailedError is a model's malformed tool call that the provider
// rejected instead of returning it — Groq's HTTP 400 "tool_use_failed",
// whose body holds the generation (pydantic/pydantic-ai#2759). It is the
// model's mistake, not the request's: the same conversation with one more
// turn telling the model what went wrong can succeed, so a run loop that
// finds it (errors.As) gives the model that turn, counted as a model call,
// instead of failing the run or resending the same request. Its
// *ModelError is permanent (the request as sent is refused), so a loop
// that does not know it stops, as for any 400.
type ToolUseFailedError struct {
	// FailedGeneration is what the model generated, as the provider
	// returned it (Groq's failed_generation: text, a "<function=...>" or a
	// JSON attempt); "" when the provider did not say. It is the model's
	// output: show it to the model, not to a user.
	FailedGeneration string
	// Message is the provider's explanation, e.g. "Failed to call a
	// function. Please adjust your prompt." or "tool call validation
	// failed: parameters for tool X did not match schema".
	Message string
}

// Error implements error.
func (e *ToolUseFailedError) Error() string {
	msg := ErrToolUseFailed.Error()
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if n := len(e.FailedGeneration); n > 0 {
		msg += fmt.Sprintf(" (%d bytes of failed generation kept in ToolUseFailedError.FailedGeneration)", n)
	}
	return msg
}

// Is matches ErrToolUseFailed.
func (e *ToolUseFailedError) Is(target error) bool { return target == ErrToolUseFailed }
