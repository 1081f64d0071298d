package aigentic

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The outcomes of a run (hook.RunEnd.Outcome: attribute "outcome" of
// aigentic.runs and aigentic.run.duration, and error.type of a failed
// invoke_agent span).
const (
	outcomeOK         = "ok"
	outcomeToolError  = "tool_error"
	outcomeModelError = "model_error"
	outcomeLimit      = "limit"
	outcomeTimeout    = "timeout"
	outcomeCanceled   = "canceled"
	// outcomeRateLimited: Agent.RateLimiter refused a request
	// (ErrRateLimited) — back-pressure, not a failure of the model.
	outcomeRateLimited = "rate_limited"
	// outcomeHalted: an interceptor stopped the run (*HaltError).
	outcomeHalted = "halted"
	// outcomeCheckpoint: a durable run's checkpoint could not be saved.
	outcomeCheckpoint = "checkpoint_error"
	// outcomeInvalidOutput: a typed answer never matched its schema
	// (ErrInvalidOutput).
	outcomeInvalidOutput = "invalid_output"
	// outcomeParked: a durable run parked until an approval is decided.
	outcomeParked = "approval_pending"
)

// outcomeOf classifies how a run ended: stopped by its context (timeout
// when a deadline passed, canceled otherwise), out of model calls (limit),
// failed by a tool (tool_error), halted by an interceptor (halted), out of
// checkpoints (checkpoint_error), refused by the rate limiter
// (rate_limited), or failed by the model (model_error).
func outcomeOf(err error) string {
	switch {
	case err == nil:
		return outcomeOK
	case isStopped(err):
		if errors.Is(err, context.DeadlineExceeded) {
			return outcomeTimeout
		}
		return outcomeCanceled
	case errors.Is(err, ErrMaxLLMCalls), errors.Is(err, ErrBudgetExceeded):
		return outcomeLimit
	case errors.Is(err, ErrInvalidOutput):
		return outcomeInvalidOutput
	case errors.Is(err, ErrHalted):
		return outcomeHalted
	case errors.Is(err, ErrCheckpoint):
		return outcomeCheckpoint
	case errors.Is(err, ErrApprovalPending):
		return outcomeParked
	case isToolError(err):
		return outcomeToolError
	case errors.Is(err, ErrRateLimited):
		return outcomeRateLimited
	default:
		return outcomeModelError
	}
}

// errorType is error.type for a failed step: what an error in the chain
// says of itself (an ErrorType() string method), the HTTP status of a
// provider's error, "timeout" or "canceled" for a context's end, "panic"
// for a tool's panic, else the error's Go type.
func errorType(err error) string {
	me, isModel := errors.AsType[*ai.ModelError](err)
	if et, ok := errors.AsType[typedError](err); ok && et.ErrorType() != "" {
		// An error that names its own kind (a failover list's open
		// breaker: "circuit_open").
		return et.ErrorType()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return outcomeTimeout
	case errors.Is(err, context.Canceled):
		return outcomeCanceled
	case errors.Is(err, ErrToolPanic):
		return "panic"
	case isModel && me.StatusCode != 0:
		return strconv.Itoa(me.StatusCode)
	}
	for {
		// The outermost error that is not a plain wrapper names the kind.
		u := errors.Unwrap(err)
		if u == nil || !isPlainWrapper(err) {
			return fmt.Sprintf("%T", err)
		}
		err = u
	}
}

// isPlainWrapper reports whether err only says where a failure happened,
// not its kind: fmt.Errorf's %w wrapper, and the *ToolError and
// *ModelCallError the run wraps a step's failure in.
func isPlainWrapper(err error) bool {
	switch err.(type) {
	case *ToolError, *ModelCallError:
		return true
	}
	t := fmt.Sprintf("%T", err)
	return t == "*fmt.wrapError" || t == "*fmt.wrapErrors"
}

// isToolError reports whether err holds a *ToolError.
func isToolError(err error) bool {
	_, ok := errors.AsType[*ToolError](err)
	return ok
}

// asTruncated finds a *ai.TruncatedError in err.
func asTruncated(err error) (*ai.TruncatedError, bool) {
	return errors.AsType[*ai.TruncatedError](err)
}

// typedError is an error that names its own kind for error.type.
type typedError interface {
	error
	ErrorType() string
}
