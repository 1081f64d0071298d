package window

import (
	"errors"
	"fmt"
)

// ErrWindowTooSmall is matched (errors.Is) by a *TooSmallError.
var ErrWindowTooSmall = errors.New("window: the context window cannot hold the instructions and the latest message")

// ErrInvalidOptions is wrapped by New's error for options it refuses.
var ErrInvalidOptions = errors.New("window: invalid options")

// TooSmallError is a model call refused before it was sent: even with
// everything else left out, the system instructions, the tool definitions,
// the user's latest message and the tool calls not yet answered, with room
// for the answer, need more than the model's window. No compaction can
// help; nothing was sent. The run ends with an *aigentic.HaltError
// wrapping it, its transcript kept.
type TooSmallError struct {
	// Model is the model's name, as the run names it.
	Model string
	// Window is the window in tokens, and Reserve the part of it kept for
	// the answer.
	Window, Reserve int
	// Instructions, Tools and Latest are the estimated tokens of the
	// system messages, the tool definitions and the rest that is never
	// left out (the latest user message and what follows it).
	Instructions, Tools, Latest int
}

// Need is the tokens the request needs at the least.
func (e *TooSmallError) Need() int { return e.Instructions + e.Tools + e.Latest + e.Reserve }

// Error implements error.
func (e *TooSmallError) Error() string {
	return fmt.Sprintf("window: model %q: its context window of %d tokens cannot hold the instructions (≈%d tokens), the tool definitions (≈%d) and the latest message with what follows it (≈%d) with %d tokens kept for the answer (≈%d in all): set a larger Window, a smaller Reserve, or shorten them",
		e.Model, e.Window, e.Instructions, e.Tools, e.Latest, e.Reserve, e.Need())
}

// Is matches ErrWindowTooSmall.
func (e *TooSmallError) Is(target error) bool { return target == ErrWindowTooSmall }
