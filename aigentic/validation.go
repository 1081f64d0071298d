package aigentic

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// schemaPassed is the ValidationResult.Message of a call whose tool has no
// Validate function, or whose Validate left Message empty.
const schemaPassed = "arguments match the tool's schema"

// validateCall runs the tool's Validate, if any, on schema-valid args. It
// returns the ValidationResult to show in an approval request, or a
// refusal — an error result for the model, the tool not run — or an error
// that stops the run (the run's context ended, Validate panicked).
func (r *AgentRun) validateCall(ctx context.Context, f *toolFrame, t *AgentTool, tc ai.ToolCall, args map[string]any) (ValidationResult, *ai.ToolResult, error) {
	if t.Validate == nil {
		return ValidationResult{Values: args, Message: schemaPassed}, nil, nil
	}
	vr, err := callValidate(r, t, args)
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
		// Observed as a failed attempt: logged, traced and counted like a
		// panic in Execute.
		f.attemptEnd = hook.ToolAttemptEnd{Run: &r.info, Call: tc, Attempt: 1, Err: err, ErrorType: errorType(err)}
		r.note(ctx, &f.attemptEnd)
		return vr, nil, &ToolError{Tool: tc.Name, CallID: tc.ID, Attempts: 1, Err: err}
	case err != nil && r.ctx.Err() != nil:
		return vr, nil, stopped(r.ctx, fmt.Sprintf("validation of %q", tc.Name))
	case err != nil:
		return vr, ai.ErrorText(fmt.Sprintf("invalid arguments for tool %q: %v", tc.Name, err)), nil
	case len(vr.ValidationErrors) > 0 && !t.RequireApproval:
		return vr, ai.ErrorText(fmt.Sprintf("invalid arguments for tool %q: %v", tc.Name, errors.Join(vr.ValidationErrors...))), nil
	}
	if vr.Values == nil {
		vr.Values = args
	}
	if vr.Message == "" {
		vr.Message = schemaPassed
	}
	return vr, nil, nil
}

// callValidate calls t.Validate, turning a panic into a *PanicError.
func callValidate(r *AgentRun, t *AgentTool, args map[string]any) (vr ValidationResult, err error) {
	defer recoverAs(PanicInTool, &err)
	return t.Validate(r, args)
}
