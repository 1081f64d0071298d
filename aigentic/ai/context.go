package ai

import (
	"errors"
	"fmt"
)

// ErrContextLength is matched (errors.Is) by a [*ContextLengthError]: the
// request did not fit the model's context window. It is permanent — the
// same request fails again — until the conversation is made shorter
// (package aigentic/window compacts it and tries once more).
var ErrContextLength = errors.New("request exceeds the model's context window")

// ContextLengthError is a request the server refused because the prompt
// (with room for the answer) exceeds the model's context window: OpenAI's
// code "context_length_exceeded", llama.cpp's "exceed_context_size_error",
// vLLM's "maximum context length" messages. A provider puts it in
// ModelError.Err, with what the server said of the sizes.
type ContextLengthError struct {
	// Window is the model's context window in tokens, when the server
	// said (llama.cpp's n_ctx, "maximum context length is N tokens"); 0
	// when unknown.
	Window int
	// Prompt is the prompt's size in tokens, when the server said; 0 when
	// unknown.
	Prompt int
}

// Error implements error.
func (e *ContextLengthError) Error() string {
	switch {
	case e.Window > 0 && e.Prompt > 0:
		return fmt.Sprintf("%v: %d prompt tokens, window %d", ErrContextLength, e.Prompt, e.Window)
	case e.Window > 0:
		return fmt.Sprintf("%v: window %d tokens", ErrContextLength, e.Window)
	}
	return ErrContextLength.Error()
}

// Is matches ErrContextLength.
func (e *ContextLengthError) Is(target error) bool { return target == ErrContextLength }
