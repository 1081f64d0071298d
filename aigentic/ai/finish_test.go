package ai_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The finish-reason errors are permanent and found through any wrapping,
// as the agent returns them (a *ModelError inside its own error).
func TestFinishErrorsArePermanentThroughWrapping(t *testing.T) {
	cases := []struct {
		err      error
		sentinel error
		text     string
	}{
		{&ai.TruncatedError{Partial: "Once upon", FinishReason: "length"}, ai.ErrOutputTruncated, "9 bytes of partial text"},
		{&ai.TruncatedError{ToolCalls: []ai.ToolCall{{Name: "x", Arguments: `{"a":`}}, FinishReason: "length"}, ai.ErrOutputTruncated, "1 tool call(s) cut off and not run"},
		{&ai.TruncatedError{}, ai.ErrOutputTruncated, "no output"},
		{&ai.ContentFilterError{Filter: "hate, violence"}, ai.ErrContentFiltered, "content filter: hate, violence"},
		{&ai.ContentFilterError{}, ai.ErrContentFiltered, "content filter: content_filter"},
	}
	for _, c := range cases {
		for _, err := range []error{c.err, &ai.ModelError{Provider: "p", Err: c.err}, fmt.Errorf("call 1: %w", &ai.ModelError{Provider: "p", Err: c.err})} {
			if !errors.Is(err, c.sentinel) || !errors.Is(err, ai.ErrPermanent) || errors.Is(err, ai.ErrTransient) || ai.IsTransient(err) {
				t.Errorf("%v: sentinel %v, permanent, not transient expected", err, c.sentinel)
			}
		}
		if !strings.Contains(c.err.Error(), c.text) {
			t.Errorf("%q does not say %q", c.err.Error(), c.text)
		}
	}
	var te *ai.TruncatedError
	if !errors.As(fmt.Errorf("x: %w", &ai.ModelError{Err: &ai.TruncatedError{Partial: "p"}}), &te) || te.Partial != "p" {
		t.Fatal("errors.As does not find the TruncatedError")
	}
}

// A caller that accepts text cut at the token limit takes it from the
// error.
func ExampleTruncatedError() {
	// err is what Generate (or an agent run) returned for an answer with
	// finish_reason "length".
	var err error = fmt.Errorf("aigentic: model call 1 failed: %w",
		&ai.ModelError{Provider: "openai", Err: &ai.TruncatedError{Partial: "The three laws are: 1.", FinishReason: "length"}})

	var te *ai.TruncatedError
	if errors.As(err, &te) && len(te.ToolCalls) == 0 {
		fmt.Println("accepted a truncated answer:", te.Partial)
	}
	// Output: accepted a truncated answer: The three laws are: 1.
}
