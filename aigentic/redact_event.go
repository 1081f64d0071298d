package aigentic

import (
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// redactEvent returns e with its text redacted ([Redact]) before it is
// queued for Next(): events are what the runtime writes for observers (a
// UI, a log, a transcript store), so they follow the rule of traces and
// logs. Redacted are LLMCallEvent.Message, ContentEvent.Content (each
// streamed delta on its own: a secret split across two deltas is not
// caught), ToolEvent.Arguments, ToolResponseEvent.Content and Result,
// ApprovalEvent.Args, ValidationResult and its errors, and the Err of
// RetryEvent and ErrorEvent (behind a wrapper that keeps errors.Is/As
// working). What the tools and the model receive, and the answer Execute and
// Wait return, are the program's data and are not changed. Shared values
// (a ToolResult, an argument map) are copied, never modified.
func redactEvent(e Event) Event {
	switch ev := e.(type) {
	case *LLMCallEvent:
		ev.Message = Redact(ev.Message)
	case *ContentEvent:
		ev.Content = Redact(ev.Content)
	case *ToolEvent:
		ev.Arguments = Redact(ev.Arguments)
	case *ToolResponseEvent:
		ev.Content = Redact(ev.Content)
		ev.Result = redactToolResult(ev.Result)
	case *RetryEvent:
		ev.Err = redactError(ev.Err)
	case *ErrorEvent:
		ev.Err = redactError(ev.Err)
	case *DecisionEvent:
		ev.Step, ev.Reason = Redact(ev.Step), Redact(ev.Reason)
	case *ApprovalEvent:
		args, changed := secret.Value(ev.Args)
		if changed {
			ev.Args = args.(map[string]any)
		}
		if v, changed := secret.Value(ev.ValidationResult.Values); changed {
			ev.ValidationResult.Values = v
		}
		ev.ValidationResult.Message = Redact(ev.ValidationResult.Message)
		if len(ev.ValidationResult.ValidationErrors) > 0 {
			errs := make([]error, len(ev.ValidationResult.ValidationErrors))
			for i, err := range ev.ValidationResult.ValidationErrors {
				errs[i] = redactError(err)
			}
			ev.ValidationResult.ValidationErrors = errs
		}
	}
	return e
}

// redactToolResult returns r, or a copy with its text redacted when it
// held a secret (r is the transcript's, which the model still needs).
func redactToolResult(r *ai.ToolResult) *ai.ToolResult {
	if r == nil {
		return nil
	}
	var out *ai.ToolResult
	for i, c := range r.Content {
		clean := Redact(c.Content)
		if clean == c.Content {
			continue
		}
		if out == nil {
			out = &ai.ToolResult{Content: append([]ai.ToolContent(nil), r.Content...), Error: r.Error}
		}
		out.Content[i].Content = clean
	}
	if out == nil {
		return r
	}
	return out
}
