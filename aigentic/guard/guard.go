// Package guard checks what goes into an agent run and what comes out of
// it: guardrails, built on the run's interceptor seam (package
// aigentic/hook).
//
// A [Guard] looks at one piece of text and gives a [Verdict]: pass,
// rewrite (the text goes on changed), or trip (the run stops). [Guards]
// puts lists of them at the three points of a run:
//
//   - Input: the user's message, before the first model call. A rewrite
//     is what the model reads on every call of the run (the run's own
//     transcript keeps the message as given).
//
//   - Output: the final answer (text without tool calls) — for a typed
//     answer (aigentic.ExecuteAs) its JSON, after it matched its schema.
//
//   - ToolResult: what a tool returned, before the model sees it (before
//     an untrusted result is delimited, so a guard reads it raw).
//
//     guards := &guard.Guards{
//     Input:      []guard.Guard{guard.CreditCards()},
//     Output:     []guard.Guard{guard.Deny("internal_url", "an internal URL", internalURL)},
//     ToolResult: []guard.Guard{guard.Injection()},
//     }
//     agent.Interceptors = []aigentic.Interceptor{guards}
//
// Guards run in order; each sees the text as the ones before left it; the
// first trip stops the run. Every verdict is reported as a hook.Decision
// (By the guard's name, Step "input", "output" or `tool "NAME"`, Action
// "pass", "rewrite" or "trip", a short Reason): the run's log, trace file,
// span events, the aigentic.decisions metric and *aigentic.DecisionEvent
// show it. A trip ends the run with an *aigentic.HaltError (ErrHalted)
// wrapping a *TripError (ErrTripped), the transcript so far kept.
//
// A guard runs with a deadline (Guard.Timeout, DefaultTimeout) and may call
// a model itself ([Classifier]: a nested run with its own limits). One
// that fails — returns an error, panics, or has no verdict by its deadline
// — stops the run with an *Error (ErrFailed): a check that could not
// check does not pass, unless the guard says FailOpen. A guard that
// ignores its context is abandoned at the deadline (a goroutine cannot be
// stopped from outside; it ends when the guard returns).
//
// Sub-agents without interceptors of their own inherit their parent's
// Guards, so their input (the task delegated to them), their answers and
// their tools' results are checked too; a trip there stops the whole run,
// not only the sub-agent's.
//
// With Agent.Stream, the answer's text streams before it is complete: an
// output guard decides what the run returns, not what has been streamed,
// and the model's text also reaches the run's own records (its trace,
// ModelEnd observers) before any guard sees it.
package guard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// DefaultTimeout bounds a guard's check when Guard.Timeout is 0: room for
// a small classifier model's call, not for a hung one.
const DefaultTimeout = 30 * time.Second

// Point is where in a run a guard checks.
type Point string

// The points a guard checks at.
const (
	PointInput      Point = "input"
	PointOutput     Point = "output"
	PointToolResult Point = "tool_result"
)

// Action is what a guard decided.
type Action uint8

// The actions. The zero Verdict passes.
const (
	ActionPass Action = iota
	ActionRewrite
	ActionTrip
)

// String is the action as hook.Decision names it: "pass", "rewrite" or
// "trip".
func (a Action) String() string {
	switch a {
	case ActionPass:
		return "pass"
	case ActionRewrite:
		return "rewrite"
	case ActionTrip:
		return "trip"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Verdict is a guard's decision about a text.
type Verdict struct {
	Action Action
	// Text replaces the text checked, for ActionRewrite.
	Text string
	// Reason says why, briefly, for a person: it reaches the logs, the
	// trace and the *TripError. Keep what the text held out of it (a card
	// number, a secret): say what kind of thing was found.
	Reason string
}

// Pass lets the text go on unchanged.
func Pass() Verdict { return Verdict{} }

// Rewrite lets text go on in place of the text checked.
func Rewrite(text, reason string) Verdict {
	return Verdict{Action: ActionRewrite, Text: text, Reason: reason}
}

// Trip stops the run.
func Trip(reason string) Verdict { return Verdict{Action: ActionTrip, Reason: reason} }

// Subject is what a guard checks.
type Subject struct {
	// Point is where the check happens.
	Point Point
	// Text is the user's message (PointInput), the final answer
	// (PointOutput; a typed answer's JSON), or the tool's result text as
	// the tool returned it (PointToolResult) — as the guards before this
	// one left it.
	Text string
	// Run is the run checked (a sub-agent's has a Parent).
	Run *hook.RunInfo
	// Call is the tool call, for PointToolResult; nil otherwise.
	Call *ai.ToolCall
	// Untrusted and IsError are the tool result's marks
	// (ai.ToolResult.Untrusted, .Error), for PointToolResult.
	Untrusted, IsError bool
}

// Guard is one check.
type Guard struct {
	// Name names the guard in decisions, logs and errors: a short
	// identifier ("credit_card").
	Name string
	// Check decides about s. It runs in a goroutine of its own with a
	// context that ends at the guard's deadline (or when the run stops):
	// honour it. An error means it could not decide (see FailOpen).
	Check func(ctx context.Context, s Subject) (Verdict, error)
	// Timeout bounds Check; 0 means DefaultTimeout.
	Timeout time.Duration
	// FailOpen lets the text pass when Check fails (an error, a panic,
	// its deadline), reported as a "pass" decision saying so. By default
	// a failed check stops the run.
	FailOpen bool
}

// ErrTripped is matched (errors.Is) by a *TripError.
var ErrTripped = errors.New("guard: tripped")

// TripError is a guard's trip: the run stopped because of what it found.
type TripError struct {
	// Guard is the guard's name; Point where it checked; Step the step as
	// hook.Decision names it ("input", "output", `tool "fetch_page"`).
	Guard string
	Point Point
	Step  string
	// Reason is the guard's.
	Reason string
}

// Error implements error.
func (e *TripError) Error() string {
	return fmt.Sprintf("guard %q tripped on the %s: %s", e.Guard, e.Step, e.Reason)
}

// Is matches ErrTripped.
func (e *TripError) Is(target error) bool { return target == ErrTripped }

// ErrFailed is matched (errors.Is) by an *Error.
var ErrFailed = errors.New("guard: failed")

// Error is a guard that could not check: its Check returned an error,
// panicked (a *PanicError), or had no verdict by its deadline (wrapping
// context.DeadlineExceeded).
type Error struct {
	Guard string
	Point Point
	Step  string
	Err   error
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("guard %q could not check the %s: %v", e.Guard, e.Step, e.Err)
}

// Unwrap returns the failure.
func (e *Error) Unwrap() error { return e.Err }

// Is matches ErrFailed.
func (e *Error) Is(target error) bool { return target == ErrFailed }

// PanicError is a guard's panic, recovered.
type PanicError struct {
	// Value is what the guard panicked with, with no credential left in
	// it (secret.PanicValue).
	Value any
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }
