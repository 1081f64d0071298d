package aigentic

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// toolFrame is one tool call in progress: the call as the seam sees it,
// its context, and its reusable step values.
type toolFrame struct {
	call hook.ToolCall
	// ctx is the call's context, from its ToolStart.
	ctx context.Context
	// innerErr is what answerTool last returned for the call: an
	// interceptor that passes it on does not halt the run.
	innerErr error
	// gate lets the innermost step run under interceptors one at a time,
	// and never after the call ended (toolOnce, intercept.go).
	gate atomic.Int32
	// tool is the call's tool as offered to the model (nil: none).
	tool    *ai.Tool
	started time.Time
	// attempted is when the call's last attempt ended, after started
	// (0: none ran; an offset keeps the frame small and the monotonic
	// reading).
	attempted  time.Duration
	start      hook.ToolStart
	attempt    hook.ToolAttempt
	attemptEnd hook.ToolAttemptEnd
	end        hook.ToolEnd
	// The rarer steps — approvals, sub-agents, abandoned calls — are
	// values of their own: each costs one allocation, next to the wait for
	// a person or a whole run it reports.
}

// startTool reports tc's ToolStart from ctx and readies its frame f.
func (r *AgentRun) startTool(ctx context.Context, f *toolFrame, tc ai.ToolCall) {
	f.tool = nil
	if idx := r.toolIndex(tc.Name); idx >= 0 {
		f.tool = &r.aiTools[idx]
	}
	f.call = hook.ToolCall{ToolCall: tc, Run: &r.info, Tool: f.tool}
	f.start = hook.ToolStart{Run: &r.info, Call: tc, Tool: f.tool}
	f.innerErr = nil
	f.attempted = 0
	f.attempt.Attempt = 0 // the call's attempts are numbered from 1
	f.ctx = r.observe(ctx, &f.start)
	f.started = r.now()
}

// callTool answers f's call: through the agent's interceptors, if any, to
// answerTool.
func (r *AgentRun) callTool(f *toolFrame) (*ai.ToolResult, error) {
	if r.toolNext == nil {
		return r.answerTool(f.ctx, &f.call)
	}
	res, err, abandoned := awaitChain(r, f.ctx, &f.gate, func(ctx context.Context) (*ai.ToolResult, error) { return r.toolNext(ctx, &f.call) })
	if abandoned {
		// An interceptor ignored the end of the call's context: the run
		// stopped, or another call of a parallel turn failed.
		r.abandon(f, f.start.Call, false, r.stopGrace())
		if r.ctx.Err() != nil {
			return nil, stopped(r.ctx, fmt.Sprintf("tool %q", f.start.Call.Name))
		}
		return nil, fmt.Errorf("%w: tool %q: its interceptor did not return", errAbandoned, f.start.Call.Name)
	}
	if err == nil && res == nil {
		err = fmt.Errorf("an interceptor returned neither a result nor an error")
	}
	if err != nil {
		err = r.halted(err, f.innerErr, fmt.Sprintf("tool %q", f.start.Call.Name))
	}
	return res, err
}

// endTool reports f's ToolEnd: res, or err, which stops the run; the call
// ended at ended.
func (r *AgentRun) endTool(f *toolFrame, res *ai.ToolResult, err error, ended time.Time) *ai.ToolResult {
	if err == nil && res == nil {
		res = &ai.ToolResult{}
	}
	f.end = hook.ToolEnd{Run: &r.info, Call: f.start.Call, Tool: f.tool, Result: res, Err: err, Duration: r.elapsed(f.started, ended), At: ended}
	switch {
	case err != nil:
		f.end.ErrorType = errorType(err)
	case f.attemptEnd.ErrorType == outcomeTimeout && res.Error:
		f.end.ErrorType = outcomeTimeout // the tool ran past its timeout
	}
	r.note(f.ctx, &f.end)
	return res
}

// runTool answers one tool call of a one-at-a-time turn, in frame f. A
// returned error stops the run; anything the model should handle comes
// back as an error result.
func (r *AgentRun) runTool(f *toolFrame, tc ai.ToolCall) (*ai.ToolResult, error) {
	f.attemptEnd = hook.ToolAttemptEnd{}
	r.startTool(r.ctx, f, tc)
	r.cur.Store(f)
	res, err := r.callTool(f)
	r.cur.Store(nil)
	var ended time.Time
	if f.attempted <= 0 || r.toolNext != nil {
		// No attempt ran, or an interceptor had the last word: read the
		// clock. Otherwise the call ended when its last attempt did.
		ended = r.now()
	} else {
		ended = f.started.Add(f.attempted)
	}
	res = r.endTool(f, res, err, ended)
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

// frameKey finds a tool call's frame in its context, in a parallel turn.
type frameKey struct{}

// frameOf is the frame of the tool call whose context ctx is.
func (r *AgentRun) frameOf(ctx context.Context) *toolFrame {
	if f, ok := ctx.Value(frameKey{}).(*toolFrame); ok {
		return f
	}
	return r.frame()
}

// frameFor is the frame of call: the one-at-a-time turn's, or, for a
// parallel turn's call or an interceptor's copy, the one in ctx.
func (r *AgentRun) frameFor(ctx context.Context, call *hook.ToolCall) *toolFrame {
	if call == &r.seq.call {
		return &r.seq
	}
	return r.frameOf(ctx)
}

// toolOnce is the innermost step of the tool chain: answerTool, refused
// with ErrConcurrentNext while an earlier call of it for the same tool call
// still runs — the runtime's steps for one call cannot run twice at once —
// and with ErrCallEnded once the call ended. Called again after it
// returned (an interceptor's retry), it runs again.
func (r *AgentRun) toolOnce(ctx context.Context, call *hook.ToolCall) (*ai.ToolResult, error) {
	if call == nil {
		return nil, ErrNilCall
	}
	f := r.frameFor(ctx, call)
	if f == nil {
		return nil, fmt.Errorf("%w: the tool call cannot be found", ErrNextContext)
	}
	gen, err := enterGate(ctx, &f.gate, func() string { return fmt.Sprintf("tool %q", call.Name) })
	if err != nil {
		return nil, err
	}
	defer leaveGate(&f.gate, gen)
	return r.answerTool(ctx, call)
}

// answerTool validates the call's arguments, asks for approval when the
// tool needs it, and runs the tool (retrying transient failures, within
// its timeout). It is the innermost step of the tool call chain; ctx is
// the call's context.
func (r *AgentRun) answerTool(ctx context.Context, call *hook.ToolCall) (res *ai.ToolResult, err error) {
	f := r.frameFor(ctx, call)
	defer func() { f.innerErr = err }()
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
		approved, reason, err := r.approve(ctx, f, t, tc, args, vr)
		if err != nil {
			return nil, err
		}
		if !approved {
			return ai.ErrorText(fmt.Sprintf("tool %q was not run: %s", tc.Name, reason)), nil
		}
	}
	return r.attempts(ctx, f, t, tc, args)
}

// attempts runs the tool, retrying transient failures within
// Agent.Retries; an attempt that runs past the tool's timeout is an error
// result the model sees. An interceptor that calls next again for the
// same call (to retry) continues its attempt numbering, as for a model
// call; Agent.Retries and the backoff apply to each call of next.
func (r *AgentRun) attempts(ctx context.Context, f *toolFrame, t *AgentTool, tc ai.ToolCall, args map[string]any) (*ai.ToolResult, error) {
	timeout := t.Timeout
	if timeout == 0 {
		timeout = r.agent.ToolTimeout
	}
	first := f.attempt.Attempt + 1
	for attempt := first; ; attempt++ {
		try := attempt - first + 1
		f.attempt = hook.ToolAttempt{Run: &r.info, Call: tc, Attempt: attempt}
		r.note(ctx, &f.attempt)
		start := r.now()
		res, err, timedOut := r.execTool(ctx, f, t, tc, args, timeout)
		ended := r.now()
		f.attempted = r.elapsed(f.started, ended)
		end := &f.attemptEnd
		*end = hook.ToolAttemptEnd{Run: &r.info, Call: tc, Attempt: attempt, Err: err, Duration: r.elapsed(start, ended)}
		if err == nil && !timedOut {
			r.note(ctx, end)
			return res, nil
		}
		if r.ctx.Err() != nil {
			if err == nil {
				err = context.Cause(r.ctx)
			}
			end.Err, end.ErrorType = err, errorType(err)
			r.note(ctx, end)
			return nil, stopped(r.ctx, fmt.Sprintf("tool %q", tc.Name))
		}
		if timedOut {
			// Past its timeout the tool's context was cancelled: whatever it
			// returned (or not, if it was abandoned), the model is told.
			end.Err = fmt.Errorf("%w: tool %q ran past its timeout of %s", context.DeadlineExceeded, tc.Name, timeout)
			end.ErrorType = outcomeTimeout
			r.note(ctx, end)
			r.mu.Lock()
			r.stats.ToolTimeouts++
			r.mu.Unlock()
			return ai.ErrorText(fmt.Sprintf("tool %q timed out after %s and was stopped; its work may be incomplete", tc.Name, timeout)), nil
		}
		end.ErrorType = errorType(err)
		if h, ok := err.(subAgentHalt); ok {
			r.note(ctx, end)
			return nil, h.HaltError // a sub-agent's halt is the run's (delegate)
		}
		transient := errors.Is(err, ai.ErrTransient) && !errors.Is(err, ErrToolPanic)
		if !transient || try > r.agent.Retries {
			end.Exhausted = transient
			r.note(ctx, end)
			return nil, &ToolError{Tool: tc.Name, CallID: tc.ID, Attempts: attempt, Exhausted: transient, Err: err}
		}
		d, perr := r.policy.delay(try, err)
		if perr != nil {
			r.note(ctx, end)
			return nil, perr
		}
		end.RetryIn, end.WillRetry = d, true
		retryIn := d
		r.note(ctx, end)
		if err := r.backoff(retryIn, fmt.Sprintf("tool %q", tc.Name)); err != nil {
			return nil, err
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
