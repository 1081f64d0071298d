package ai

import (
	"fmt"
	"strings"
)

// TruncatedError is an answer cut off at a token limit (finish reason
// "length"). Tool calls in it are never run: their arguments may be cut
// mid-way, and a half-written call must not act.
//
// A caller that accepts truncated text takes it from Partial:
//
//	var te *ai.TruncatedError
//	if errors.As(err, &te) && len(te.ToolCalls) == 0 {
//		answer = te.Partial // the text up to the limit
//	}
//
// errors.As finds it through the agent's errors too (*aigentic.ModelCallError
// wraps it). Its message names the limit it can have been, with the counts:
// the output cap the request sent (MaxOutputTokens), or, with none sent,
// the server's own — its context window full (Usage's prompt and output
// tokens, out of ContextWindow when known) or a default output cap. To get
// whole answers, raise the cap (the provider's max tokens option), give the
// server a larger context, or send less.
type TruncatedError struct {
	// Partial is the text produced before the limit; "" when there was
	// none. It is always text for a user: template markup a server passed
	// on unparsed (a "<tool_call>" cut mid-way) is removed into Markup.
	Partial string
	// Markup is what was removed from Partial: the start of a tool call in
	// the model's chat-template syntax (e.g. "<tool_call>\n{\"name"), which
	// the server did not parse because the limit cut it; "" when none.
	Markup string
	// ToolCalls are the calls the answer had started, arguments as
	// received (possibly incomplete JSON). They were not run.
	ToolCalls []ToolCall
	// Usage is the tokens the truncated call used, when the provider
	// reported them.
	Usage Usage
	// FinishReason is the provider's reason, e.g. "length".
	FinishReason string
	// MaxOutputTokens is the output cap the request sent
	// (max_completion_tokens, max_tokens or max_output_tokens); 0 when it
	// sent none, and "length" was then the server's own limit.
	MaxOutputTokens int
	// ContextWindow is the server's context size in tokens when it said
	// (llama.cpp's n_ctx); 0 when unknown.
	ContextWindow int
}

// Error implements error: the limit it can have been, with the counts, and
// what was cut.
func (e *TruncatedError) Error() string {
	var b strings.Builder
	b.WriteString("output truncated")
	if e.FinishReason != "" {
		fmt.Fprintf(&b, " (finish_reason %q)", e.FinishReason)
	}
	b.WriteString(": ")
	b.WriteString(e.limit())
	switch n := len(e.ToolCalls); {
	case n > 0:
		fmt.Fprintf(&b, "; %d tool call(s) cut off and not run", n)
	case e.Markup != "":
		b.WriteString("; a tool call in the model's template markup was cut off and not run")
		if e.Partial != "" {
			fmt.Fprintf(&b, ", %d bytes of text before it kept in TruncatedError.Partial", len(e.Partial))
		}
	case e.Partial != "":
		fmt.Fprintf(&b, "; %d bytes of partial text kept in TruncatedError.Partial", len(e.Partial))
	case e.Usage.OutputTokens > 0:
		fmt.Fprintf(&b, "; no output: %d output tokens were generated and none was delivered (a server holds back a tool call it is still parsing)", e.Usage.OutputTokens)
	default:
		b.WriteString("; no output")
	}
	return b.String()
}

// limit names the limit the answer can have hit, with the counts.
func (e *TruncatedError) limit() string {
	u := e.Usage
	counts := ""
	if u.InputTokens > 0 || u.OutputTokens > 0 {
		counts = fmt.Sprintf("%d prompt + %d output = %d tokens", u.InputTokens, u.OutputTokens, u.Total())
		if e.ContextWindow > 0 {
			counts += fmt.Sprintf(" of a %d-token context", e.ContextWindow)
		}
	}
	switch {
	case e.MaxOutputTokens > 0 && u.OutputTokens >= e.MaxOutputTokens:
		return fmt.Sprintf("the output cap of %d tokens the request sent was reached (%s)", e.MaxOutputTokens, counts)
	case e.MaxOutputTokens > 0 && counts != "":
		return fmt.Sprintf("below the output cap of %d tokens the request sent, so the server's context window filled up (%s)", e.MaxOutputTokens, counts)
	case e.MaxOutputTokens > 0:
		return fmt.Sprintf("the output cap of %d tokens the request sent, or the server's context window (the server reported no usage)", e.MaxOutputTokens)
	case counts != "":
		return "no output cap was sent, so the server's own limit ended the answer: its context window filled up (" + counts + "), or it applies a default output cap"
	}
	return "no output cap was sent, so the server's own limit ended the answer: its context window or a default output cap (the server reported no usage)"
}

// Is matches ErrOutputTruncated and ErrPermanent.
func (e *TruncatedError) Is(target error) bool {
	return target == ErrOutputTruncated || target == ErrPermanent
}
