package aigentic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// AgentRun is one execution of an Agent. Its methods are safe for
// concurrent use.
type AgentRun struct {
	id       string
	agent    Agent
	session  *Session
	ctx      context.Context
	cancel   context.CancelCauseFunc
	logger   *slog.Logger
	trace    *traceRun
	policy   *RetryPolicy
	maxCalls int
	parent   *AgentRun

	tools   []AgentTool
	schemas []argValidator
	aiTools []ai.Tool

	// events is ownEvents for a top-level run; a sub-agent's run shares
	// its root's queue, so one Next() shows the whole tree of runs.
	events    *eventQueue
	ownEvents eventQueue
	done      chan struct{}

	// ownCalls is touched only by the run's goroutine.
	ownCalls int

	mu        sync.Mutex
	stats     Stats
	messages  []ai.Message
	approvals map[string]chan bool
	result    string
	err       error
}

// ID identifies the run in logs and traces.
func (r *AgentRun) ID() string { return r.id }

// Session returns the run's session.
func (r *AgentRun) Session() *Session { return r.session }

// Context is the run's context: tools must pass it to whatever they call
// and return when it ends.
func (r *AgentRun) Context() context.Context { return r.ctx }

// Agent returns the agent the run executes (a copy).
func (r *AgentRun) Agent() Agent { return r.agent }

// Next returns the run's event channel: every event, in order, then closed
// when the run ends. Every call returns the same channel. Drain it until it
// is closed; a reader that stops early calls Cancel once the run has ended
// (after Wait returns) to release the stream. Runs started by Execute
// record no events.
//
// Events of sub-agent runs (Agent.Agents) arrive on the same channel, with
// their own RunID: an *ErrorEvent whose RunID is not this run's is a
// sub-agent failure the coordinator receives as a tool error, and an
// *ApprovalEvent from a sub-agent is answered with this run's Approve.
func (r *AgentRun) Next() <-chan Event { return r.events.channel() }

// Cancel stops the run with context.Canceled. Safe to call at any time.
// Called after the run has ended, it also releases the event stream: the
// events a reader of Next() has not taken are dropped and the channel is
// closed, so a reader that stopped early leaves no goroutine behind.
func (r *AgentRun) Cancel() {
	r.cancel(context.Canceled)
	select {
	case <-r.done:
		r.events.discard()
	default:
	}
}

// Wait waits for the run to end and returns its answer. A timeout > 0
// stops the run when it elapses (the error then wraps ErrWaitTimeout and
// context.DeadlineExceeded); 0 waits as long as the run takes.
func (r *AgentRun) Wait(timeout time.Duration) (string, error) {
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case <-r.done:
		case <-t.C:
			r.cancel(ErrWaitTimeout)
			<-r.done
		}
	} else {
		<-r.done
	}
	return r.result, r.err
}

// Done is closed when the run has ended.
func (r *AgentRun) Done() <-chan struct{} { return r.done }

// Stats returns the run's counters: final once the run ended (success or
// failure), current while it runs.
func (r *AgentRun) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	select {
	case <-r.done:
	default:
		s.Duration = time.Since(s.Started)
	}
	return s
}

// Messages returns the conversation so far: the partial work of a failed
// run is here too.
func (r *AgentRun) Messages() []ai.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ai.Message(nil), r.messages...)
}

// TraceFilepath is the run's trace file, or "" without a trace.
func (r *AgentRun) TraceFilepath() string {
	if r.trace == nil {
		return ""
	}
	return r.trace.path
}

// Approve answers the approval request id (an *ApprovalEvent's ID). It
// returns an error wrapping ErrUnknownApproval when nothing waits on id.
func (r *AgentRun) Approve(id string, approved bool) error {
	r = r.root()
	r.mu.Lock()
	ch, ok := r.approvals[id]
	if ok {
		delete(r.approvals, id)
	}
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownApproval, id)
	}
	ch <- approved // buffered: never blocks
	return nil
}

// root is the top-level run of a tree of sub-agent runs.
func (r *AgentRun) root() *AgentRun {
	for r.parent != nil {
		r = r.parent
	}
	return r
}

// eventInfo is the EventInfo of the run's events.
func (r *AgentRun) eventInfo() EventInfo {
	return EventInfo{RunID: r.id, AgentName: r.agent.Name, SessionID: r.session.ID}
}

func (r *AgentRun) appendMessage(m ai.Message) {
	r.mu.Lock()
	r.messages = append(r.messages, m)
	r.mu.Unlock()
}

// loop is the run: model call → tool calls → results → … → final text.
func (r *AgentRun) loop() {
	r.logger.Info("run started", "model", r.agent.Model.ModelName(), "max_llm_calls", r.maxCalls, "retries", r.agent.Retries, "tools", len(r.tools))
	result, err := r.steps()
	r.finish(result, err)
}

func (r *AgentRun) steps() (string, error) {
	for {
		if r.ownCalls >= r.maxCalls {
			return "", r.limitError(nil)
		}
		resp, err := r.callModel()
		if err != nil {
			return "", err
		}
		msg := resp.Message
		msg.Role = ai.RoleAssistant
		for i := range msg.ToolCalls {
			if msg.ToolCalls[i].ID == "" {
				msg.ToolCalls[i].ID = "call_" + strconv.Itoa(r.ownCalls) + "_" + strconv.Itoa(i)
			}
			if !validToolName(msg.ToolCalls[i].Name) {
				// Keep the transcript sendable: providers refuse a call
				// without a valid function name. The model is told below.
				msg.ToolCalls[i].Name = invalidToolName
			}
		}
		r.appendMessage(msg)
		if msg.Content != "" && !r.agent.Stream {
			if r.events.enabled {
				r.events.push(&ContentEvent{EventInfo: r.eventInfo(), Content: msg.Content})
			}
		}
		if len(msg.ToolCalls) == 0 {
			return msg.Content, nil
		}
		if r.ownCalls >= r.maxCalls {
			return "", r.limitError(msg.ToolCalls)
		}
		for _, tc := range msg.ToolCalls {
			res, err := r.runTool(tc)
			if err != nil {
				return "", err
			}
			r.appendMessage(ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: res.String(), IsError: res.Error})
		}
	}
}

func (r *AgentRun) limitError(pending []ai.ToolCall) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	le := &LimitError{
		Limit:      r.maxCalls,
		Calls:      r.ownCalls,
		ToolCalls:  r.stats.ToolCalls,
		Transcript: append([]ai.Message(nil), r.messages...),
		Pending:    append([]ai.ToolCall(nil), pending...),
		Usage:      ai.Usage{InputTokens: r.stats.InputTokens, OutputTokens: r.stats.OutputTokens},
	}
	for i := len(r.messages) - 1; i >= 0; i-- {
		if m := r.messages[i]; m.Role == ai.RoleAssistant && m.Content != "" {
			le.Partial = m.Content
			break
		}
	}
	return le
}

// finish records the outcome, closes the trace and the events, and
// releases the run's context.
func (r *AgentRun) finish(result string, err error) {
	r.mu.Lock()
	r.stats.Duration = time.Since(r.stats.Started)
	s := r.stats
	r.result, r.err = result, err
	r.mu.Unlock()

	attrs := []any{"duration", s.Duration, "llm_calls", s.LLMCalls, "tool_calls", s.ToolCalls,
		"tool_errors", s.ToolErrors, "retries", s.Retries, "tokens_in", s.InputTokens, "tokens_out", s.OutputTokens}
	switch {
	case err == nil:
		r.logger.Info("run finished", attrs...)
	case isStopped(err):
		r.logger.Warn("run stopped", append(attrs, "error", err)...)
	case r.parent != nil:
		// The parent sees this failure as a tool error result and decides.
		r.logger.Warn("sub-agent run failed; its parent gets the error as a tool result", append(attrs, "error", err)...)
	default:
		r.logger.Error("run failed", append(attrs, "error", err)...)
	}
	if err != nil {
		if r.events.enabled {
			r.events.push(&ErrorEvent{EventInfo: r.eventInfo(), Err: err})
		}
	}
	r.trace.outcome(s, result, err)
	r.trace.close()
	r.cancel(nil)
	close(r.done)
	if r.parent == nil {
		r.events.close()
	}
}

func isStopped(err error) bool {
	var se *StoppedError
	return errors.As(err, &se)
}

// callModel makes one model call, retrying transient failures.
func (r *AgentRun) callModel() (*ai.Response, error) {
	if r.ctx.Err() != nil {
		// Stopped before the call began: it does not count as made.
		return nil, stopped(r.ctx, "model call "+strconv.Itoa(r.ownCalls+1))
	}
	r.ownCalls++
	call := r.ownCalls
	r.mu.Lock()
	r.stats.LLMCalls++
	r.mu.Unlock()

	req := ai.Request{Messages: r.messages, Tools: r.aiTools}
	if r.agent.Stream {
		req.OnDelta = r.onDelta
	}
	debug := r.logger.Enabled(r.ctx, slog.LevelDebug)
	for attempt := 1; ; attempt++ {
		if r.ctx.Err() != nil {
			return nil, stopped(r.ctx, "model call "+strconv.Itoa(call))
		}
		if debug {
			r.logger.Debug("model request", "call", call, "attempt", attempt, "messages", len(req.Messages), "tools", len(req.Tools),
				"last_message", truncate(req.Messages[len(req.Messages)-1].Content, 200))
		}
		if r.agent.RateLimiter != nil {
			if err := r.waitRateLimit(call); err != nil {
				return nil, err
			}
		}
		r.trace.modelRequest(call, attempt, &req)
		if r.events.enabled {
			r.events.push(&LLMCallEvent{EventInfo: r.eventInfo(), Call: call, Attempt: attempt, Message: req.Messages[len(req.Messages)-1].Content, Tools: req.Tools})
		}

		actx, cancel := r.ctx, context.CancelFunc(nil)
		if r.policy.AttemptTimeout > 0 {
			actx, cancel = context.WithTimeout(r.ctx, r.policy.AttemptTimeout)
		}
		start := time.Now()
		resp, err := r.agent.Model.Generate(actx, req)
		d := time.Since(start)
		if cancel != nil {
			cancel()
		}
		if err == nil && resp == nil {
			err = &ai.ModelError{Provider: r.agent.Model.ModelName(), Message: "model returned neither a response nor an error"}
		}
		if err == nil {
			r.mu.Lock()
			r.stats.InputTokens += resp.Usage.InputTokens
			r.stats.OutputTokens += resp.Usage.OutputTokens
			r.mu.Unlock()
			r.trace.modelResponse(call, attempt, resp, d)
			if debug {
				r.logger.Debug("model response", "call", call, "attempt", attempt, "duration", d,
					"tool_calls", len(resp.Message.ToolCalls), "tokens_in", resp.Usage.InputTokens, "tokens_out", resp.Usage.OutputTokens,
					"content", truncate(resp.Message.Content, 200))
			}
			return resp, nil
		}
		if r.ctx.Err() != nil {
			r.trace.modelError(call, attempt, err, d, 0, false)
			return nil, stopped(r.ctx, "model call "+strconv.Itoa(call))
		}
		transient := ai.IsTransient(err)
		if !transient || attempt > r.agent.Retries {
			r.trace.modelError(call, attempt, err, d, 0, false)
			return nil, &ModelCallError{Call: call, Attempts: attempt, Exhausted: transient, Err: err}
		}
		delay := r.policy.Delay(attempt, err)
		r.noteRetry("model call "+strconv.Itoa(call), attempt, delay, err)
		r.trace.modelError(call, attempt, err, d, delay, true)
		if r.policy.wait(r.ctx, delay) != nil {
			return nil, stopped(r.ctx, "backoff before retry of model call "+strconv.Itoa(call))
		}
	}
}

// waitRateLimit waits for the agent's rate limiter before a request.
func (r *AgentRun) waitRateLimit(call int) error {
	start := time.Now()
	err := r.agent.RateLimiter.Wait(r.ctx)
	d := time.Since(start)
	r.mu.Lock()
	r.stats.RateLimitWait += d
	r.mu.Unlock()
	if err != nil {
		if r.ctx.Err() != nil {
			return stopped(r.ctx, "rate-limit wait before model call "+strconv.Itoa(call))
		}
		return fmt.Errorf("aigentic: rate limiter refused model call %d: %w", call, err)
	}
	if d >= time.Millisecond {
		r.logger.Debug("rate limited", "call", call, "waited", d)
		r.trace.note("rate limiter: waited %s before model call %d\n", d, call)
	}
	return nil
}

func (r *AgentRun) noteRetry(step string, attempt int, delay time.Duration, err error) {
	r.mu.Lock()
	r.stats.Retries++
	r.mu.Unlock()
	r.logger.Warn("retrying after transient failure", "step", step, "attempt", attempt, "next_attempt", attempt+1, "delay", delay, "error", err)
	if r.events.enabled {
		r.events.push(&RetryEvent{EventInfo: r.eventInfo(), Step: step, Attempt: attempt, Delay: delay, Err: err})
	}
}

func (r *AgentRun) onDelta(text string) {
	if r.events.enabled {
		r.events.push(&ContentEvent{EventInfo: r.eventInfo(), Content: text, Delta: true})
	}
}

// runTool answers one tool call. A returned error stops the run; anything
// the model should handle comes back as an error result.
func (r *AgentRun) runTool(tc ai.ToolCall) (*ai.ToolResult, error) {
	if r.events.enabled {
		r.events.push(&ToolEvent{EventInfo: r.eventInfo(), ToolCallID: tc.ID, ToolName: tc.Name, Arguments: tc.Arguments})
	}
	r.mu.Lock()
	r.stats.ToolCalls++
	r.mu.Unlock()

	start := time.Now()
	res, err := r.answerTool(tc)
	d := time.Since(start)
	if err != nil {
		return nil, err
	}
	if res == nil {
		res = &ai.ToolResult{}
	}
	if res.Error {
		r.mu.Lock()
		r.stats.ToolErrors++
		r.mu.Unlock()
		r.logger.Warn("tool returned an error result", "tool", tc.Name, "call_id", tc.ID, "result", truncate(res.String(), 300))
	} else if r.logger.Enabled(r.ctx, slog.LevelDebug) {
		r.logger.Debug("tool result", "tool", tc.Name, "call_id", tc.ID, "duration", d, "result", truncate(res.String(), 200))
	}
	r.trace.toolResult(tc, res, d)
	if r.events.enabled {
		r.events.push(&ToolResponseEvent{EventInfo: r.eventInfo(), ToolCallID: tc.ID, ToolName: tc.Name, Content: res.String(), Result: res, Error: res.Error, Duration: d})
	}
	return res, nil
}

func (r *AgentRun) answerTool(tc ai.ToolCall) (*ai.ToolResult, error) {
	idx := -1
	for i := range r.tools {
		if r.tools[i].Name == tc.Name {
			idx = i
			break
		}
	}
	if idx < 0 {
		r.trace.toolCall(tc, 1)
		if tc.Name == invalidToolName {
			return ai.ErrorText("the tool call had no valid tool name; call one of: " + r.toolNames()), nil
		}
		return ai.ErrorText(fmt.Sprintf("unknown tool %q; available tools: %s", tc.Name, r.toolNames())), nil
	}
	t := &r.tools[idx]
	var args map[string]any
	var verr error
	if fv, ok := r.schemas[idx].(*flatValidator); ok && t.executeRaw != nil && !t.RequireApproval && fv.quickValid(tc.Arguments) {
		// Plainly valid arguments for a typed tool: it decodes the raw
		// JSON itself, so no map is built.
	} else {
		args, verr = validateArgs(r.schemas[idx], tc.Arguments)
	}
	if verr != nil {
		r.trace.toolCall(tc, 1)
		return ai.ErrorText(fmt.Sprintf("invalid arguments for tool %q: %v", tc.Name, verr)), nil
	}
	if t.RequireApproval {
		approved, reason, err := r.awaitApproval(t, tc, args)
		if err != nil {
			return nil, err
		}
		if !approved {
			r.trace.note("--- tool call %s (%s) not run: %s ---\n\n", tc.Name, tc.ID, reason)
			return ai.ErrorText(fmt.Sprintf("tool %q was not run: %s", tc.Name, reason)), nil
		}
	}
	if r.logger.Enabled(r.ctx, slog.LevelDebug) {
		r.logger.Debug("tool call", "tool", tc.Name, "call_id", tc.ID, "arguments", truncate(tc.Arguments, 300))
	}
	for attempt := 1; ; attempt++ {
		r.trace.toolCall(tc, attempt)
		start := time.Now()
		res, err := r.execTool(t, tc.Arguments, args)
		if err == nil {
			return res, nil
		}
		d := time.Since(start)
		if r.ctx.Err() != nil {
			r.trace.toolFailure(tc, err, d, 0, false)
			return nil, stopped(r.ctx, fmt.Sprintf("tool %q", tc.Name))
		}
		transient := errors.Is(err, ai.ErrTransient) && !errors.Is(err, ErrToolPanic)
		if !transient || attempt > r.agent.Retries {
			r.trace.toolFailure(tc, err, d, 0, false)
			return nil, &ToolError{Tool: tc.Name, CallID: tc.ID, Attempts: attempt, Exhausted: transient, Err: err}
		}
		delay := r.policy.Delay(attempt, err)
		r.noteRetry("tool "+tc.Name, attempt, delay, err)
		r.trace.toolFailure(tc, err, d, delay, true)
		if r.policy.wait(r.ctx, delay) != nil {
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
			stack := debug.Stack()
			r.logger.Error("tool panicked", "tool", t.Name, "panic", fmt.Sprint(v), "stack", string(stack))
			res, err = nil, &PanicError{Value: v, Stack: stack}
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

// awaitApproval emits an *ApprovalEvent and waits for Approve, the
// approval timeout, or the end of the run.
func (r *AgentRun) awaitApproval(t *AgentTool, tc ai.ToolCall, args map[string]any) (bool, string, error) {
	if !r.events.enabled {
		// An Execute run (or a sub-agent of one) has no event stream:
		// nobody can see the request, so waiting would only delay the denial.
		reason := "approval cannot be asked in a run without events (use Start and answer the ApprovalEvent)"
		r.logger.Warn("approval impossible; treated as denied", "tool", t.Name, "call_id", tc.ID)
		return false, reason, nil
	}
	timeout := r.agent.ApprovalTimeout
	if timeout <= 0 {
		timeout = DefaultApprovalTimeout
	}
	// Approvals are answered on the root run, where the events are read; a
	// sub-agent's call IDs are prefixed with its run ID to stay unique.
	id := tc.ID
	if r.parent != nil {
		id = r.id + "/" + tc.ID
	}
	root := r.root()
	ch := make(chan bool, 1)
	root.mu.Lock()
	if root.approvals == nil {
		root.approvals = make(map[string]chan bool)
	}
	root.approvals[id] = ch
	root.mu.Unlock()
	defer func() {
		root.mu.Lock()
		delete(root.approvals, id)
		root.mu.Unlock()
	}()

	msg := "arguments match the tool's schema"
	if t.ApprovalMessage != nil {
		msg = t.ApprovalMessage(args) + " (" + msg + ")"
	}
	deadline := time.Now().Add(timeout)
	r.logger.Info("approval requested", "tool", t.Name, "call_id", tc.ID, "timeout", timeout)
	r.trace.note("--- approval requested for %s (%s): %s ---\narguments: %s\n", t.Name, tc.ID, msg, tc.Arguments)
	if r.events.enabled {
		r.events.push(&ApprovalEvent{EventInfo: r.eventInfo(), ApprovalID: id, ToolName: t.Name, Args: args, ValidationResult: ValidationResult{Values: args, Message: msg}, Deadline: deadline})
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case ok := <-ch:
		r.trace.note("approval answer: approved=%t\n\n", ok)
		r.logger.Info("approval answered", "tool", t.Name, "call_id", tc.ID, "approved", ok)
		if !ok {
			return false, "the user denied approval", nil
		}
		return true, "", nil
	case <-timer.C:
		r.trace.note("approval timed out after %s: treated as denied\n\n", timeout)
		r.logger.Warn("approval timed out; treated as denied", "tool", t.Name, "call_id", tc.ID, "timeout", timeout)
		return false, "approval was not given within " + timeout.String() + " (treated as denied)", nil
	case <-r.ctx.Done():
		return false, "", stopped(r.ctx, fmt.Sprintf("approval of %q", t.Name))
	}
}

// delegate runs a sub-agent inside this run's context.
func (r *AgentRun) delegate(sub Agent, input string) (*ai.ToolResult, error) {
	if sub.Model == nil {
		sub.Model = r.agent.Model
	}
	sub.Session = &Session{ID: r.session.ID, Context: r.ctx}
	if sub.Trace == nil {
		sub.Trace = r.agent.Trace
	}
	sub.LogLevel = r.agent.LogLevel
	if sub.Logger == nil {
		sub.Logger = r.agent.Logger
	}
	if sub.RetryPolicy == nil {
		sub.RetryPolicy = r.agent.RetryPolicy
	}
	if sub.RateLimiter == nil {
		sub.RateLimiter = r.agent.RateLimiter
	}
	if sub.ApprovalTimeout == 0 {
		sub.ApprovalTimeout = r.agent.ApprovalTimeout
	}
	child, err := sub.newRun(input, false, r)
	if err != nil {
		return ai.ErrorText(fmt.Sprintf("sub-agent %q cannot run: %v", sub.Name, err)), nil
	}
	child.loop()
	cs := child.Stats()
	r.mu.Lock()
	r.stats.LLMCalls += cs.LLMCalls
	r.stats.Retries += cs.Retries
	r.stats.RateLimitWait += cs.RateLimitWait
	r.stats.InputTokens += cs.InputTokens
	r.stats.OutputTokens += cs.OutputTokens
	r.mu.Unlock()
	if child.err != nil {
		if r.ctx.Err() != nil {
			return nil, child.err
		}
		return ai.ErrorText(fmt.Sprintf("sub-agent %q failed: %v", sub.Name, child.err)), nil
	}
	return ai.Text(child.result), nil
}

// truncate shortens s to at most n bytes, on a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
