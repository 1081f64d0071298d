package aigentic

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The outcomes of a run (attribute "outcome" of aigentic.runs and
// aigentic.run.duration, and error.type of a failed invoke_agent span).
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
)

// outcomeOf classifies how a run ended: stopped by its context (timeout
// when a deadline passed, canceled otherwise), out of model calls (limit),
// failed by a tool (tool_error), refused by the rate limiter
// (rate_limited), or failed by the model (model_error).
func outcomeOf(err error) string {
	var le *LimitError
	var te *ToolError
	switch {
	case err == nil:
		return outcomeOK
	case isStopped(err):
		if errors.Is(err, context.DeadlineExceeded) {
			return outcomeTimeout
		}
		return outcomeCanceled
	case errors.As(err, &le):
		return outcomeLimit
	case errors.As(err, &te):
		return outcomeToolError
	case errors.Is(err, ErrRateLimited):
		return outcomeRateLimited
	default:
		return outcomeModelError
	}
}

// toolErrorResult is error.type of a tool call whose result was an error
// result (and outcome "error_result" of aigentic.tool.calls).
const toolErrorResult = "error_result"

// errorType is error.type for a failed step: the HTTP status of a
// provider's error, "timeout" or "canceled" for a context's end, "panic"
// for a tool's panic, else the error's Go type.
func errorType(err error) string {
	var me *ai.ModelError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return outcomeTimeout
	case errors.Is(err, context.Canceled):
		return outcomeCanceled
	case errors.Is(err, ErrToolPanic):
		return "panic"
	case errors.As(err, &me) && me.StatusCode != 0:
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
