package aigentic

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
	"github.com/nexxia-ai/aigentic-examples/aigentic/tracefile"
)

// AgentRun is one execution of an Agent. Its methods are safe for
// concurrent use.
//
// A tool gets the run as an *AgentRun too: in a turn whose tool calls run
// in parallel (Agent.ParallelToolCalls), each call gets a handle of its
// own on the same run, whose Context and IdempotencyKey are that call's.
type AgentRun struct {
	*runState
	// scope is the tool call a call's own handle belongs to (a call of a
	// parallel turn, or one with a timeout); nil on the run's own handle.
	scope *callScope
}

// callScope is what a tool call's own handle carries: the call and the
// context its tool runs in.
type callScope struct {
	ctx   context.Context
	frame *toolFrame
}

// runState is a run: everything its handles share.
type runState struct {
	// self is the run's own handle (self.runState is this runState).
	self AgentRun

	id      string
	agent   Agent
	session *Session
	// ownSession is the session of a run started without one.
	ownSession Session
	ctx        context.Context
	cancel     context.CancelCauseFunc
	// logger is the run's logger, over handler (log.go).
	logger  slog.Logger
	handler runHandler
	policy  *RetryPolicy
	parent  *AgentRun
	// info describes the run to observers and interceptors.
	info hook.RunInfo
	// budgets are the Budgets the run draws from: its agent's, then its
	// parent's chain (budget.go).
	budgets budgets

	tools   []AgentTool
	schemas []*schema.Validator
	aiTools []ai.Tool
	// toolBuf holds schemas and aiTools for a run of one tool, so
	// preparing them allocates nothing.
	toolBuf struct {
		schemas [1]*schema.Validator
		aiTools [1]ai.Tool
	}

	// durable is set by StartDurable/ExecuteDurable (checkpoint.go).
	durable *durableRun

	// events is a top-level run's own queue (noEvents without events); a
	// sub-agent's run shares its root's, so one Next() shows the whole
	// tree of runs.
	events *eventQueue
	done   chan struct{}

	// ownCalls is touched only by the run's goroutine, and so is
	// madeIDs, the tool call IDs it made up (toolcallids.go).
	ownCalls int
	madeIDs  int32
	// toolUseFailures counts malformed tool calls in a row (loop.go).
	toolUseFailures int32
	// historyFrom is where this run's own messages start in the
	// transcript (after the instructions and Session.History's).
	historyFrom int

	// obs are the observers every step is reported to (observe.go); the
	// run's own live in the run, so registering them allocates nothing.
	obs      []hook.Observer
	obsBuf   [4]hook.Observer
	statsObs statsObserver
	logObs   logObserver
	eventObs eventObserver
	// st are the run's reusable step values; mcall its model call and
	// seq the tool call of a one-at-a-time turn, as the seam sees them.
	st    stepValues
	mcall hook.ModelCall
	seq   toolFrame

	// modelNext and toolNext are the agent's interceptors chained around
	// the model call and the tool call (intercept.go); nil without any.
	modelNext hook.ModelNext
	toolNext  hook.ToolNext
	// innerErr is the error the innermost model call last returned: an
	// interceptor that passes it on does not halt the run (a tool call's
	// is in its frame).
	innerErr error

	mu        sync.Mutex
	stats     Stats
	messages  []ai.Message
	approvals map[string]chan bool
	result    string
	err       error
	// cur is the tool call in progress in a one-at-a-time turn (nil
	// between tool calls): what the run's own handle's Context and
	// IdempotencyKey read.
	cur atomic.Pointer[toolFrame]
	// rare is what only some runs need, made on first use, under mu:
	// so runState stays in its size class.
	rare *rareState

	// stoppable is set when something outside the run can end it while a
	// tool runs: Cancel and Wait (a run started with Start), or a context
	// that can end (the session's, ExecuteContext's). Tools of a run that
	// is not stoppable and have no timeout run in the run's goroutine
	// (toolexec.go).
	stoppable bool
	// concurrent is set while the calls of a parallel turn run: steps are
	// then reported under stepMu, one at a time, and approvals asked
	// under approvalMu, one at a time (parallel.go).
	concurrent bool
	// timed is whether steps are timed (observe.go: now).
	timed bool
	// logDebug is whether the run logs at Debug (read when it starts).
	logDebug   bool
	stepMu     sync.Mutex
	approvalMu sync.Mutex
	// modelGate lets the innermost step of the model chain run one at a
	// time, and never after the model call ended (intercept.go). Last,
	// with the other small fields, so that runState stays in its size
	// class (runstate_size_internal_test.go).
	modelGate atomic.Int32
}

// rareState is the part of a run's state only some runs use.
type rareState struct {
	// abandoned are the tool calls the run stopped waiting for (toolexec.go).
	abandoned []ai.ToolCall
	// streamed is the text the model has streamed in the model call
	// attempt in progress, or the last one (modelcall.go: onDelta): a
	// *StoppedError's Partial when the run stops mid-stream.
	streamed strings.Builder
}

// rareLocked returns r's rareState, making it first; call it under r.mu.
func (r *AgentRun) rareLocked() *rareState {
	if r.rare == nil {
		r.rare = &rareState{}
	}
	return r.rare
}

// handle is the run's own handle, whichever handle r is.
func (r *AgentRun) handle() *AgentRun { return &r.self }

// frame is the tool call r's Context is about: the call a handle belongs
// to, else the call in progress; nil between tool calls.
func (r *AgentRun) frame() *toolFrame {
	if r.scope != nil {
		return r.scope.frame
	}
	return r.cur.Load()
}

// scoped returns a handle of the run for one tool call, whose Context is
// ctx: what a tool gets when its call has a context of its own (a
// timeout) or runs beside others (a parallel turn).
func (r *AgentRun) scoped(f *toolFrame, ctx context.Context) *AgentRun {
	sr := &scopedRun{s: callScope{ctx: ctx, frame: f}}
	sr.h = AgentRun{runState: r.runState, scope: &sr.s}
	return &sr.h
}

// scopedRun is a call's handle and its scope, in one allocation.
type scopedRun struct {
	h AgentRun
	s callScope
}

// ID identifies the run in logs and traces.
func (r *AgentRun) ID() string { return r.id }

// Session returns the run's session.
func (r *AgentRun) Session() *Session { return r.session }

// Context is the run's context: tools must pass it to whatever they call
// and return when it ends. While a tool call runs, it is that call's
// context: the run's, carrying what the observers added at the call's
// start (its OpenTelemetry span), so what the tool calls (a sub-agent, an
// instrumented HTTP client) nests under it.
func (r *AgentRun) Context() context.Context {
	if r.scope != nil {
		return r.scope.ctx
	}
	if f := r.frame(); f != nil {
		return f.ctx
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
// context.DeadlineExceeded); 0 waits as long as the run takes. A stopped
// run ends within Agent.StopGrace of the stop: tools, models and
// interceptors still running are abandoned then — but an Observer is
// never abandoned, so one that blocks holds Wait (observers must not
// block). Wait may be called again, and from several goroutines: each
// call returns the same answer and error.
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
	if r.agent.Trace == nil {
		return ""
	}
	return tracefile.Path(r.ctx, r.agent.Trace)
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

// transcript copies the conversation so far.
func (r *AgentRun) transcript() []ai.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ai.Message(nil), r.messages...)
}

// partial is the last text the model produced in the run, if any: from
// the run's own messages, not Session.History's.
func (r *AgentRun) partial() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.messages) - 1; i >= r.historyFrom; i-- {
		if m := r.messages[i]; m.Role == ai.RoleAssistant && m.Content != "" {
			return m.Content
		}
	}
	return ""
}
