package aigentic

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// toolFrame is one tool call in progress: the call as the seam sees it,
// its context, and its reusable step values.
type toolFrame struct {
	call hook.ToolCall
	// ctx is the call's context, from its ToolStart.
	ctx        context.Context
	start      hook.ToolStart
	attempt    hook.ToolAttempt
	attemptEnd hook.ToolAttemptEnd
	end        hook.ToolEnd
	asked      hook.ApprovalAsked
	answered   hook.ApprovalAnswered
	subStart   hook.SubAgentStart
	subEnd     hook.SubAgentEnd
}

// runTool answers one tool call in frame f: through the agent's
// interceptors, if any, to answerTool. A returned error stops the run;
// anything the model should handle comes back as an error result.
func (r *AgentRun) runTool(f *toolFrame, tc ai.ToolCall) (*ai.ToolResult, error) {
	idx := r.toolIndex(tc.Name)
	var tool *ai.Tool
	if idx >= 0 {
		tool = &r.aiTools[idx]
	}
	f.call = hook.ToolCall{ToolCall: tc, Run: &r.info, Tool: tool}
	f.start = hook.ToolStart{Run: &r.info, Call: tc, Tool: tool}
	f.ctx = r.observe(r.ctx, &f.start)
	r.mu.Lock()
	r.cur = f
	r.mu.Unlock()

	start := time.Now()
	var res *ai.ToolResult
	var err error
	if r.toolNext == nil {
		res, err = r.answerTool(f.ctx, &f.call)
	} else {
		r.innerErr = nil
		res, err = r.toolNext(f.ctx, &f.call)
		if err == nil && res == nil {
			err = fmt.Errorf("an interceptor returned neither a result nor an error")
		}
		if err != nil {
			err = r.halted(err, fmt.Sprintf("tool %q", tc.Name))
		}
	}
	d := time.Since(start)
	r.mu.Lock()
	r.cur = nil
	r.mu.Unlock()
	if err == nil && res == nil {
		res = &ai.ToolResult{}
	}
	f.end = hook.ToolEnd{Run: &r.info, Call: tc, Tool: tool, Result: res, Err: err, Duration: d}
	if err != nil {
		f.end.ErrorType = errorType(err)
	}
	r.note(f.ctx, &f.end)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// toolIndex is the index of the run's tool named name, or -1.
func (r *AgentRun) toolIndex(name string) int {
	for i := range r.tools {
		if r.tools[i].Name == name {
			return i
		}
	}
	return -1
}

// answerTool validates the call's arguments, asks for approval when the
// tool needs it, and runs the tool (retrying transient failures). It is
// the innermost step of the tool call chain; ctx is the call's context.
func (r *AgentRun) answerTool(ctx context.Context, call *hook.ToolCall) (res *ai.ToolResult, err error) {
	defer func() { r.innerErr = err }()
	f := r.frame()
	tc := call.ToolCall
	idx := r.toolIndex(tc.Name)
	if idx < 0 {
		if tc.Name == invalidToolName {
			return ai.ErrorText("the tool call had no valid tool name; call one of: " + r.toolNames()), nil
		}
		return ai.ErrorText(fmt.Sprintf("unknown tool %q; available tools: %s", tc.Name, r.toolNames())), nil
	}
	t := &r.tools[idx]
	var args map[string]any
	var verr error
	if t.executeRaw != nil && !t.RequireApproval && t.Validate == nil && r.schemas[idx].PlainlyValid(tc.Arguments) {
		// Plainly valid arguments for a typed tool: it decodes the raw
		// JSON itself, so no map is built.
	} else {
		args, verr = r.schemas[idx].Args(tc.Arguments)
	}
	if verr != nil {
		return ai.ErrorText(fmt.Sprintf("invalid arguments for tool %q: %v", tc.Name, verr)), nil
	}
	vr, refusal, err := r.validateCall(ctx, f, t, tc, args)
	if err != nil || refusal != nil {
		return refusal, err
	}
	if t.RequireApproval {
		approved, reason, err := r.awaitApproval(ctx, f, t, tc, args, vr)
		if err != nil {
			return nil, err
		}
		if !approved {
			return ai.ErrorText(fmt.Sprintf("tool %q was not run: %s", tc.Name, reason)), nil
		}
	}
	for attempt := 1; ; attempt++ {
		f.attempt = hook.ToolAttempt{Run: &r.info, Call: tc, Attempt: attempt}
		r.note(ctx, &f.attempt)
		start := time.Now()
		res, err := r.execTool(t, tc.Arguments, args)
		end := &f.attemptEnd
		*end = hook.ToolAttemptEnd{Run: &r.info, Call: tc, Attempt: attempt, Err: err, Duration: time.Since(start)}
		if err == nil {
			r.note(ctx, end)
			return res, nil
		}
		end.ErrorType = errorType(err)
		if r.ctx.Err() != nil {
			r.note(ctx, end)
			return nil, stopped(r.ctx, fmt.Sprintf("tool %q", tc.Name))
		}
		transient := errors.Is(err, ai.ErrTransient) && !errors.Is(err, ErrToolPanic)
		if !transient || attempt > r.agent.Retries {
			end.Exhausted = transient
			r.note(ctx, end)
			return nil, &ToolError{Tool: tc.Name, CallID: tc.ID, Attempts: attempt, Exhausted: transient, Err: err}
		}
		end.RetryIn, end.WillRetry = r.policy.Delay(attempt, err), true
		retryIn := end.RetryIn
		r.note(ctx, end)
		if r.policy.wait(r.ctx, retryIn) != nil {
			return nil, stopped(r.ctx, fmt.Sprintf("backoff before retry of tool %q", tc.Name))
		}
	}
}

// invalidToolName replaces, in the transcript, a tool name the model got
// wrong beyond use (empty, or characters no provider accepts).
const invalidToolName = "invalid_tool_name"

// toolNames lists the run's tools for a message to the model.
func (r *AgentRun) toolNames() string {
	if len(r.tools) == 0 {
		return "none"
	}
	names := make([]string, len(r.tools))
	for i := range r.tools {
		names[i] = r.tools[i].Name
	}
	return strings.Join(names, ", ")
}

// execTool runs the tool, turning a panic into a *PanicError.
func (r *AgentRun) execTool(t *AgentTool, raw string, args map[string]any) (res *ai.ToolResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	if t.executeRaw != nil {
		// Validation read empty arguments as {}; decode them the same way.
		if strings.TrimSpace(raw) == "" {
			raw = "{}"
		}
		return t.executeRaw(r, []byte(raw))
	}
	return t.Execute(r, args)
}
