package failover

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Sentinels; match them with errors.Is.
var (
	// ErrInvalidConfig is matched by every error of [New]: an empty list,
	// a nil model, two models that cannot be told apart, a breaker
	// setting out of range.
	ErrInvalidConfig = errors.New("failover: invalid configuration")
	// ErrCircuitOpen is matched by an [*OpenError]: a model's breaker
	// refused the call, so the model was not called.
	ErrCircuitOpen = errors.New("circuit breaker open")
	// ErrAllFailed is matched by the [*Error] of a Generate in which
	// every model failed transiently or had its breaker open. The error
	// unwraps to the last model's error, so ai.IsTransient and
	// ai.RetryAfterOf read it.
	ErrAllFailed = errors.New("every model of the failover list failed")
	// ErrPartialAnswer is matched by the [*Error] of a Generate whose model
	// failed after part of its answer had reached the caller through
	// Request.OnDelta: it was not restarted on the next model.
	ErrPartialAnswer = errors.New("the model failed after streaming part of its answer")
)

// Attempt is one model's part in one Generate: tried, or skipped because
// its breaker was open.
type Attempt struct {
	// Index is the model's position in the list given to [New], from 0.
	Index int
	// Provider is the model's gen_ai.provider.name.
	Provider string
	// Model is the model's ModelName.
	Model string
	// Err is nil when the model answered. It is an [*OpenError] when
	// Skipped.
	Err error
	// Skipped reports that the breaker refused the call: the model was
	// not called.
	Skipped bool
	// Streamed reports that part of the answer had reached the caller
	// through Request.OnDelta before Err.
	Streamed bool
	// MovedOn reports that the next model of the list was tried after this
	// one failed or was skipped: a fallback. Count these to count
	// fallbacks.
	MovedOn bool
	// Duration is how long the attempt took, on the package's clock
	// ([WithClock]); 0 when Skipped.
	Duration time.Duration
}

// Name is "provider/model", the name the package gives the model in
// errors and logs.
func (a Attempt) Name() string { return a.Provider + "/" + a.Model }

// OpenError is the failure of an attempt the breaker refused. It matches
// [ErrCircuitOpen] and ai.ErrTransient, and unwraps to an
// *ai.TransientError carrying RetryAfter, so the run's retry layer may
// wait until the breaker half-opens; the TransientError in turn wraps
// gobreaker.ErrOpenState or gobreaker.ErrTooManyRequests.
type OpenError struct {
	// Provider and Model name the model whose breaker is open.
	Provider, Model string
	// State is StateOpen, or StateHalfOpen when the breaker is probing
	// and its probes are all in flight.
	State State
	// Until is when an open breaker half-opens; zero when half-open.
	Until time.Time
	// RetryAfter is Until less the time of the refusal; 0 when half-open.
	RetryAfter time.Duration
	cause      error
}

// Error implements error.
func (e *OpenError) Error() string {
	if e.State == StateHalfOpen {
		return fmt.Sprintf("%s/%s: %v: half-open, its probes are in flight", e.Provider, e.Model, ErrCircuitOpen)
	}
	return fmt.Sprintf("%s/%s: %v until %s (retry after %s)", e.Provider, e.Model, ErrCircuitOpen,
		e.Until.Format(time.RFC3339Nano), e.RetryAfter)
}

// Is reports true for ErrCircuitOpen and ai.ErrTransient.
func (e *OpenError) Is(target error) bool {
	return target == ErrCircuitOpen || target == ai.ErrTransient
}

// Unwrap returns an *ai.TransientError with RetryAfter, wrapping
// gobreaker's sentinel.
func (e *OpenError) Unwrap() error { return e.cause }

// ErrorType is "circuit_open": the error.type of spans and metrics for a
// call an open breaker refused.
func (e *OpenError) ErrorType() string { return "circuit_open" }

func newOpenError(t *target, st State, until, now time.Time) *OpenError {
	e := &OpenError{Provider: t.provider, Model: t.name, State: st}
	cause := gobreaker.ErrTooManyRequests
	if st == StateOpen {
		cause = gobreaker.ErrOpenState
		e.Until = until
		if e.RetryAfter = until.Sub(now); e.RetryAfter < 0 {
			e.RetryAfter = 0
		}
	}
	e.cause = &ai.TransientError{Err: cause, RetryAfter: e.RetryAfter}
	return e
}

// Error is the error of a Generate that did not end in an answer. It
// matches [ErrAllFailed] when every model failed transiently or was
// skipped, [ErrPartialAnswer] when a model failed after streaming part of
// its answer; otherwise Err is a permanent failure, or the end of the
// caller's context. It unwraps to Err, so errors.Is/As, ai.IsTransient and
// ai.RetryAfterOf see the error that ended it.
type Error struct {
	// Attempts lists every model tried or skipped, in order.
	Attempts []Attempt
	// Err is the error that ended the Generate: the last attempt's, or the
	// context's when it ended between two attempts.
	Err error

	allFailed, partial bool
	between            bool // the context ended between two attempts
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("failover: ")
	last := Attempt{Index: -1}
	if n := len(e.Attempts); n > 0 {
		last = e.Attempts[n-1]
	}
	switch {
	case e.allFailed:
		fmt.Fprintf(&b, "all %d models failed: ", len(e.Attempts))
		for i, a := range e.Attempts {
			if i > 0 {
				b.WriteString("; ")
			}
			if !a.Skipped { // an *OpenError names its model
				b.WriteString(a.Name() + ": ")
			}
			b.WriteString(a.Err.Error())
		}
		return b.String()
	case e.partial:
		fmt.Fprintf(&b, "%s failed after streaming part of its answer, not restarted on the next model: %v", last.Name(), e.Err)
	case e.between || last.Index < 0:
		fmt.Fprintf(&b, "stopped after %d attempts: %v", len(e.Attempts), e.Err)
	default:
		fmt.Fprintf(&b, "%s: %v", last.Name(), e.Err)
	}
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// ErrorType is the error.type of the last attempt's error: "circuit_open"
// when every model's breaker was open, else what the runtime would name
// that error ("" lets it decide).
func (e *Error) ErrorType() string {
	if oe, ok := errors.AsType[*OpenError](e.Err); ok {
		return oe.ErrorType()
	}
	return ""
}

// Is reports true for ErrAllFailed and ErrPartialAnswer when they
// describe the error.
func (e *Error) Is(target error) bool {
	return target == ErrAllFailed && e.allFailed || target == ErrPartialAnswer && e.partial
}
