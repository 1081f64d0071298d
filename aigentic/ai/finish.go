package ai

import (
	"errors"
)

// Finish-reason sentinels: an answer that ended for a reason other than
// "stop" or "tool_calls" is not a usable answer, and a provider returns one
// of these (through [*TruncatedError] or [*ContentFilterError], usually
// wrapped in a permanent [*ModelError]) instead of a [Response]. Both are
// permanent: the same request would end the same way, so the agent makes
// one request and does not retry.
var (
	// ErrOutputTruncated is matched by a [*TruncatedError]: the answer
	// stopped at a token limit (OpenAI's finish_reason "length"): the
	// output cap the request sent (max_completion_tokens), or, when it sent
	// none, the server's own — its context window filled up, or a default
	// output cap. [TruncatedError.Error] says which it can have been.
	ErrOutputTruncated = errors.New("output truncated at a token limit")
	// ErrContentFiltered is matched by a [*ContentFilterError]: a content
	// filter stopped the answer (OpenAI's finish_reason "content_filter").
	ErrContentFiltered = errors.New("output stopped by a content filter")
	// ErrRefused is matched by a [*RefusalError]: the model declined to
	// answer (OpenAI's "refusal" field, streamed as delta.refusal).
	ErrRefused = errors.New("the model refused to answer")
)

// RefusalError is an answer in which the model declined the request:
// OpenAI's message.refusal (delta.refusal when streamed; a "refusal"
// content part in the Responses API). It is permanent: the same request
// gets the same refusal. The refusal text is meant for the user; it is not
// an answer to parse (a typed answer's JSON never comes with it).
type RefusalError struct {
	// Refusal is the model's explanation, as sent.
	Refusal string
	// Partial is any answer text that came before the refusal; usually "".
	Partial string
}

// Error implements error.
func (e *RefusalError) Error() string {
	if e.Refusal == "" {
		return ErrRefused.Error()
	}
	return ErrRefused.Error() + ": " + e.Refusal
}

// Is matches ErrRefused and ErrPermanent.
func (e *RefusalError) Is(target error) bool {
	return target == ErrRefused || target == ErrPermanent
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
