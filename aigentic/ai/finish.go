package ai

import (
	"errors"
	"fmt"
	"strings"
)

// Finish-reason sentinels: an answer that ended for a reason other than
// "stop" or "tool_calls" is not a usable answer, and a provider returns one
// of these (through [*TruncatedError] or [*ContentFilterError], usually
// wrapped in a permanent [*ModelError]) instead of a [Response]. Both are
// permanent: the same request would end the same way, so the agent makes
// one request and does not retry.
var (
	// ErrOutputTruncated is matched by a [*TruncatedError]: the model
	// stopped because it reached its output token limit (OpenAI's
	// finish_reason "length", e.g. max_completion_tokens or the context
	// window).
	ErrOutputTruncated = errors.New("output truncated at the token limit")
	// ErrContentFiltered is matched by a [*ContentFilterError]: a content
	// filter stopped the answer (OpenAI's finish_reason "content_filter").
	ErrContentFiltered = errors.New("output stopped by a content filter")
)

// TruncatedError is an answer cut off at the output token limit (finish
// reason "length"). Tool calls in it are never run: their arguments may be
// cut mid-way, and a half-written call must not act.
//
// A caller that accepts truncated text takes it from Partial:
//
//	var te *ai.TruncatedError
//	if errors.As(err, &te) && len(te.ToolCalls) == 0 {
//		answer = te.Partial // the text up to the limit
//	}
//
// errors.As finds it through the agent's errors too (*aigentic.ModelCallError
// wraps it). To get whole answers instead, raise the limit (the provider's
// max tokens option) or ask for shorter output.
type TruncatedError struct {
	// Partial is the text produced before the limit; "" when there was none.
	Partial string
	// ToolCalls are the calls the answer had started, arguments as
	// received (possibly incomplete JSON). They were not run.
	ToolCalls []ToolCall
	// Usage is the tokens the truncated call used, when the provider
	// reported them.
	Usage Usage
	// FinishReason is the provider's reason, e.g. "length".
	FinishReason string
}

// Error implements error.
func (e *TruncatedError) Error() string {
	var b strings.Builder
	b.WriteString(ErrOutputTruncated.Error())
	if e.FinishReason != "" {
		fmt.Fprintf(&b, " (finish_reason %q)", e.FinishReason)
	}
	switch n := len(e.ToolCalls); {
	case n > 0:
		fmt.Fprintf(&b, ": %d tool call(s) cut off and not run", n)
	case e.Partial != "":
		fmt.Fprintf(&b, ": %d bytes of partial text kept in TruncatedError.Partial", len(e.Partial))
	default:
		b.WriteString(": no output")
	}
	return b.String()
}

// Is matches ErrOutputTruncated and ErrPermanent.
func (e *TruncatedError) Is(target error) bool {
	return target == ErrOutputTruncated || target == ErrPermanent
}

// ContentFilterError is an answer stopped by a content filter (finish
// reason "content_filter", or a provider's filter error). It is permanent.
type ContentFilterError struct {
	// Filter names what stopped the answer: the provider's filter
	// categories when it reported them (e.g. "hate, violence" from Azure
	// OpenAI's content_filter_results), otherwise the finish reason
	// "content_filter".
	Filter string
	// Partial is the text produced before the filter stopped it, if any.
	Partial string
}

// Error implements error.
func (e *ContentFilterError) Error() string {
	f := e.Filter
	if f == "" {
		f = "content_filter"
	}
	return ErrContentFiltered.Error() + ": " + f
}

// Is matches ErrContentFiltered and ErrPermanent.
func (e *ContentFilterError) Is(target error) bool {
	return target == ErrContentFiltered || target == ErrPermanent
}
