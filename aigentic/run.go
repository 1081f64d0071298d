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
	// budgets are the Budgets the run draws from: its agent's, then its
	// parent's chain (budget.go).
	budgets budgets

	tools   []AgentTool
	schemas []argValidator
	aiTools []ai.Tool

	// durable is set by StartDurable/ExecuteDurable (checkpoint.go);
	// toolCallID (under mu) is the tool call being executed
	// (IdempotencyKey).
	durable    *durableRun
	toolCallID string

	// events is ownEvents for a top-level run; a sub-agent's run shares
	// its root's queue, so one Next() shows the whole tree of runs.
	events    *eventQueue
	ownEvents eventQueue
	done      chan struct{}

	// ownCalls is touched only by the run's goroutine.
	ownCalls int

	// obs is the seam every step is reported to (observe.go); its
	// observers live in the run, so registering them allocates nothing.
	obs      observers
	obsBuf   [5]observer
	statsObs statsObserver
	traceObs traceObserver
	logObs   logObserver
	eventObs eventObserver

	mu        sync.Mutex
	stats     Stats
	messages  []ai.Message
	approvals map[string]chan bool
	result    string
	err       error
	// toolCtx is the context of the tool call in progress (what
	// Context returns while it runs), nil between tool calls.
	toolCtx context.Context
}

// ID identifies the run in logs and traces.
func (r *AgentRun) ID() string { return r.id }

// Session returns the run's session.
func (r *AgentRun) Session() *Session { return r.session }

// Context is the run's context: tools must pass it to whatever they call
// and return when it ends. While a tool call runs, it is that call's
// context: the run's, carrying the call's OpenTelemetry span, so what the
// tool calls (a sub-agent, an instrumented HTTP client) nests under it.
func (r *AgentRun) Context() context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.toolCtx != nil {
		return r.toolCtx
	}
	return r.ctx
}

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
// Its start was reported by newRun.
func (r *AgentRun) loop() {
	result, err := r.steps()
	r.finish(result, err)
}

func (r *AgentRun) steps() (string, error) {
	if result, done, err := r.resumePending(); done {
		return result, err
	}
	for {
		if r.ownCalls >= r.maxCalls {
			return "", r.limitError(nil)
		}
		if err := r.budgetBeforeModelCall(); err != nil {
			return "", err
		}
		resp, err := r.callModel()
		if err != nil {
			return "", err
		}
		msg := resp.Message
		msg.Role = ai.RoleAssistant
		r.uniqueToolCallIDs(&msg) // toolcallids.go
		for i := range msg.ToolCalls {
			if !validToolName(msg.ToolCalls[i].Name) {
				// Keep the transcript sendable: providers refuse a call
				// without a valid function name. The model is told below.
				msg.ToolCalls[i].Name = invalidToolName
			}
		}
		r.appendMessage(msg)
		if err := r.checkpoint(StepModelResponse); err != nil {
			return "", err
		}
		if msg.Content != "" && !r.agent.Stream {
			r.obs.content(r.ctx, contentStep{text: msg.Content})
		}
		if err := r.budgetAfterResponse(resp.Usage, msg.ToolCalls); err != nil {
			return "", err
		}
		if len(msg.ToolCalls) == 0 {
			return msg.Content, nil
		}
		if r.ownCalls >= r.maxCalls {
			return "", r.limitError(msg.ToolCalls)
		}
		for i, tc := range msg.ToolCalls {
			if err := r.budgetBeforeToolCall(msg.ToolCalls[i:]); err != nil {
				return "", err
			}
			res, err := r.runToolKeyed(tc)
			if err != nil {
				return "", err
			}
			r.appendMessage(ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: res.String(), IsError: res.Error})
			if err := r.checkpoint(StepToolResult); err != nil {
				return "", err
			}
		}
	}
}

func (r *AgentRun) limitError(pending []ai.ToolCall) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	le := &LimitError{
		Exceeded:   LimitMaxLLMCalls,
		Max:        float64(r.maxCalls),
		Used:       float64(r.ownCalls),
		CostUSD:    r.stats.CostUSD,
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

// finish reports the outcome, then releases the run's context and closes
// Done (and, for a top-level run, the events).
func (r *AgentRun) finish(result string, err error) {
	err = redactError(err) // i12-secrets: the returned error's text holds no secret (redact_error.go)
	r.mu.Lock()
	r.stats.Duration = time.Since(r.stats.Started)
	s := r.stats
	r.result, r.err = result, err
	r.mu.Unlock()

	r.obs.runEnd(r.ctx, runEnd{result: result, err: err, stats: s})
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

	req := ai.Request{Messages: r.messages, Tools: r.aiTools}
	if r.agent.Stream {
		req.OnDelta = r.onDelta
	}
	for attempt := 1; ; attempt++ {
		if r.ctx.Err() != nil {
			return nil, stopped(r.ctx, "model call "+strconv.Itoa(call))
		}
		if r.agent.RateLimiter != nil {
			if err := r.waitRateLimit(call); err != nil {
				return nil, err
			}
		}
		mctx := r.obs.modelStart(r.ctx, modelStart{call: call, attempt: attempt, req: req})
		actx, cancel := mctx, context.CancelFunc(nil)
		if r.policy.AttemptTimeout > 0 {
			actx, cancel = context.WithTimeout(mctx, r.policy.AttemptTimeout)
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
		end := modelEnd{call: call, attempt: attempt, resp: resp, err: err, d: d}
		if err == nil {
			r.obs.modelEnd(mctx, end)
			return resp, nil
		}
		end.resp = nil
		if r.ctx.Err() != nil {
			r.obs.modelEnd(mctx, end)
			return nil, stopped(r.ctx, "model call "+strconv.Itoa(call))
		}
		transient := ai.IsTransient(err)
		if !transient || attempt > r.agent.Retries {
			end.exhausted = transient
			r.obs.modelEnd(mctx, end)
			return nil, &ModelCallError{Call: call, Attempts: attempt, Exhausted: transient, Err: err}
		}
		end.retryIn, end.willRetry = r.policy.Delay(attempt, err), true
		r.obs.modelEnd(mctx, end)
		if r.policy.wait(r.ctx, end.retryIn) != nil {
			return nil, stopped(r.ctx, "backoff before retry of model call "+strconv.Itoa(call))
		}
	}
}

// waitRateLimit waits for the agent's rate limiter before a request.
func (r *AgentRun) waitRateLimit(call int) error {
	start := time.Now()
	err := r.agent.RateLimiter.Wait(r.ctx)
	r.obs.rateLimitWait(r.ctx, rateLimitWait{call: call, d: time.Since(start), err: err})
	if err != nil {
		if r.ctx.Err() != nil {
			return stopped(r.ctx, "rate-limit wait before model call "+strconv.Itoa(call))
		}
		return fmt.Errorf("%w: model call %d: %w", ErrRateLimited, call, err)
	}
	return nil
}

func (r *AgentRun) onDelta(text string) {
	r.obs.content(r.ctx, contentStep{text: text, delta: true})
}

// runTool answers one tool call. A returned error stops the run; anything
// the model should handle comes back as an error result.
func (r *AgentRun) runTool(tc ai.ToolCall) (*ai.ToolResult, error) {
	idx := r.toolIndex(tc.Name)
	var tool *AgentTool
	if idx >= 0 {
		tool = &r.tools[idx]
	}
	tctx := r.obs.toolStart(r.ctx, toolStart{tc: tc, tool: tool})
	r.mu.Lock()
	r.toolCtx = tctx
	r.mu.Unlock()

	start := time.Now()
	res, err := r.answerTool(tctx, tc, idx)
	d := time.Since(start)
	r.mu.Lock()
	r.toolCtx = nil
	r.mu.Unlock()
	if err == nil && res == nil {
		res = &ai.ToolResult{}
	}
	r.obs.toolEnd(tctx, toolEnd{tc: tc, res: res, err: err, d: d})
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

// answerTool validates tc's arguments, asks for approval when the tool
// needs it, and runs the tool (retrying transient failures). ctx is the
// tool call's context, from its toolStart.
func (r *AgentRun) answerTool(ctx context.Context, tc ai.ToolCall, idx int) (*ai.ToolResult, error) {
	if idx < 0 {
		if tc.Name == invalidToolName {
			return ai.ErrorText("the tool call had no valid tool name; call one of: " + r.toolNames()), nil
		}
		return ai.ErrorText(fmt.Sprintf("unknown tool %q; available tools: %s", tc.Name, r.toolNames())), nil
	}
	t := &r.tools[idx]
	var args map[string]any
	var verr error
	if fv, ok := r.schemas[idx].(*flatValidator); ok && t.executeRaw != nil && !t.RequireApproval && t.Validate == nil && fv.quickValid(tc.Arguments) {
		// Plainly valid arguments for a typed tool: it decodes the raw
		// JSON itself, so no map is built.
	} else {
		args, verr = validateArgs(r.schemas[idx], tc.Arguments)
	}
	if verr != nil {
		return ai.ErrorText(fmt.Sprintf("invalid arguments for tool %q: %v", tc.Name, verr)), nil
	}
	vr, refusal, err := r.validateCall(ctx, t, tc, args)
	if err != nil || refusal != nil {
		return refusal, err
	}
	if t.RequireApproval {
		approved, reason, err := r.awaitApproval(ctx, t, tc, args, vr)
		if err != nil {
			return nil, err
		}
		if !approved {
			return ai.ErrorText(fmt.Sprintf("tool %q was not run: %s", tc.Name, reason)), nil
		}
	}
	for attempt := 1; ; attempt++ {
		r.obs.toolAttempt(ctx, toolAttempt{tc: tc, attempt: attempt})
		start := time.Now()
		res, err := r.execTool(t, tc.Arguments, args)
		end := toolAttemptEnd{tc: tc, attempt: attempt, err: err, d: time.Since(start)}
		if err == nil {
			r.obs.toolAttemptEnd(ctx, end)
			return res, nil
		}
		if r.ctx.Err() != nil {
			r.obs.toolAttemptEnd(ctx, end)
			return nil, stopped(r.ctx, fmt.Sprintf("tool %q", tc.Name))
		}
		transient := errors.Is(err, ai.ErrTransient) && !errors.Is(err, ErrToolPanic)
		if !transient || attempt > r.agent.Retries {
			end.exhausted = transient
			r.obs.toolAttemptEnd(ctx, end)
			return nil, &ToolError{Tool: tc.Name, CallID: tc.ID, Attempts: attempt, Exhausted: transient, Err: err}
		}
		end.retryIn, end.willRetry = r.policy.Delay(attempt, err), true
		r.obs.toolAttemptEnd(ctx, end)
		if r.policy.wait(r.ctx, end.retryIn) != nil {
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

// awaitApproval asks for an approval (an *ApprovalEvent showing vr) and
// waits for Approve, the approval timeout, or the end of the run.
func (r *AgentRun) awaitApproval(ctx context.Context, t *AgentTool, tc ai.ToolCall, args map[string]any, vr ValidationResult) (bool, string, error) {
	if !r.events.enabled {
		// An Execute run (or a sub-agent of one) has no event stream:
		// nobody can see the request, so waiting would only delay the denial.
		reason := "approval cannot be asked in a run without events (use Start and answer the ApprovalEvent)"
		r.obs.approvalAnswered(ctx, approvalAnswered{tool: t, tc: tc, how: approvalImpossible, reason: reason})
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

	r.obs.approvalAsked(ctx, approvalAsked{tool: t, tc: tc, id: id, message: vr.Message, validation: vr, args: args, timeout: timeout, deadline: time.Now().Add(timeout)})

	answered := approvalAnswered{tool: t, tc: tc, timeout: timeout}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case ok := <-ch:
		answered.approved, answered.how = ok, approvalAnsweredByUser
		if !ok {
			answered.reason = "the user denied approval"
		}
	case <-timer.C:
		answered.how = approvalTimedOut
		answered.reason = "approval was not given within " + timeout.String() + " (treated as denied)"
	case <-r.ctx.Done():
		return false, "", stopped(r.ctx, fmt.Sprintf("approval of %q", t.Name))
	}
	r.obs.approvalAnswered(ctx, answered)
	return answered.approved, answered.reason, nil
}

// delegate runs a sub-agent inside this run's context: in the tool call's
// context when a tool call is in progress, so the sub-agent's run is part
// of it (its OpenTelemetry span nests under the call's).
func (r *AgentRun) delegate(sub Agent, input string) (*ai.ToolResult, error) {
	if sub.Model == nil {
		sub.Model = r.agent.Model
	}
	sub.Session = &Session{ID: r.session.ID, Context: r.Context()}
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
	if sub.Pricing == nil {
		sub.Pricing = r.agent.Pricing
	}
	if sub.TracerProvider == nil {
		sub.TracerProvider = r.agent.TracerProvider
	}
	if sub.MeterProvider == nil {
		sub.MeterProvider = r.agent.MeterProvider
	}
	child, err := sub.newRun(input, false, r)
	if err != nil {
		return ai.ErrorText(fmt.Sprintf("sub-agent %q cannot run: %v", sub.Name, err)), nil
	}
	r.obs.subAgentStart(sub.Session.Context, subAgentStart{child: child})
	child.loop()
	r.obs.subAgentEnd(sub.Session.Context, subAgentEnd{child: child, stats: child.Stats(), err: child.err})
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
	s = Redact(s) // i12-secrets: redact before cutting, or a cut secret's prefix would escape redaction
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
