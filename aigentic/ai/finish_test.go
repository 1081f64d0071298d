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
		{&ai.RefusalError{Refusal: "I can't help with that."}, ai.ErrRefused, "the model refused to answer: I can't help with that."},
		{&ai.RefusalError{}, ai.ErrRefused, "the model refused to answer"},
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

// The truncation names the limit it can have been, with the counts: the
// cap the request sent, or — with none sent — the server's own (its
// context window or a default cap); and what was cut: calls, text kept,
// template markup kept apart, tokens spent with nothing delivered
// (llama.cpp's transcripts, issue 17 section 3).
func TestTruncatedErrorNamesTheLimit(t *testing.T) {
	u := func(in, out int) ai.Usage { return ai.Usage{InputTokens: in, OutputTokens: out} }
	cases := []struct {
		err  *ai.TruncatedError
		says string
	}{
		{&ai.TruncatedError{FinishReason: "length", Usage: u(230, 6), MaxOutputTokens: 6, Markup: "<tool_call>\n{"},
			`output truncated (finish_reason "length"): the output cap of 6 tokens the request sent was reached (230 prompt + 6 output = 236 tokens); a tool call in the model's template markup was cut off and not run`},
		{&ai.TruncatedError{Usage: u(2026, 22), ToolCalls: []ai.ToolCall{{Name: "calc"}}},
			"no output cap was sent, so the server's own limit ended the answer: its context window filled up (2026 prompt + 22 output = 2048 tokens), or it applies a default output cap; 1 tool call(s) cut off and not run"},
		{&ai.TruncatedError{Usage: u(2026, 22), ContextWindow: 2048, Partial: "abc"},
			"(2026 prompt + 22 output = 2048 tokens of a 2048-token context), or it applies a default output cap; 3 bytes of partial text kept"},
		{&ai.TruncatedError{Usage: u(4000, 90), MaxOutputTokens: 100},
			"below the output cap of 100 tokens the request sent, so the server's context window filled up (4000 prompt + 90 output = 4090 tokens); no output: 90 output tokens were generated and none was delivered"},
		{&ai.TruncatedError{MaxOutputTokens: 100},
			"the output cap of 100 tokens the request sent, or the server's context window (the server reported no usage); no output"},
		{&ai.TruncatedError{}, "its context window or a default output cap (the server reported no usage); no output"},
		{&ai.TruncatedError{Partial: "Let me", Markup: "<tool_call>"}, "a tool call in the model's template markup was cut off and not run, 6 bytes of text before it kept in TruncatedError.Partial"},
	}
	for _, c := range cases {
		if got := c.err.Error(); !strings.Contains(got, c.says) {
			t.Errorf("%q\ndoes not say %q", got, c.says)
		}
	}
	if strings.Contains((&ai.TruncatedError{Usage: u(10, 5)}).Error(), "the token limit") {
		t.Error("a truncation with no cap sent blames the token limit")
	}
}

// A tool call the provider could not use is the model's mistake: typed,
// found through wrapping, not transient by itself.
func TestToolUseFailedError(t *testing.T) {
	tf := &ai.ToolUseFailedError{FailedGeneration: "<function=read={}</function>", Message: "Failed to call a function."}
	err := fmt.Errorf("call 2: %w", &ai.ModelError{Provider: "openai", StatusCode: 400, Err: tf})
	var got *ai.ToolUseFailedError
	if !errors.Is(err, ai.ErrToolUseFailed) || !errors.As(err, &got) || got.FailedGeneration != tf.FailedGeneration || ai.IsTransient(err) {
		t.Fatalf("%v", err)
	}
	if s := tf.Error(); !strings.Contains(s, "Failed to call a function.") || !strings.Contains(s, "28 bytes of failed generation") || strings.Contains(s, "<function") {
		t.Errorf("%q: the message quotes the generation or misses its size", s)
	}
}
