package aigentic

import (
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Event is something that happened in a run, delivered in order on
// AgentRun.Next(). The concrete types, as the aigentic library names them,
// are *LLMCallEvent, *ContentEvent, *ToolEvent, *ToolResponseEvent,
// *ApprovalEvent and *ErrorEvent; this runtime adds *RetryEvent,
// *DecisionEvent and *ToolAbandonedEvent. Switch on
// them with a default case: new event types may be added.
type Event interface {
	// ID is the ID of the run that emitted the event (its RunID).
	ID() string
}

// EventInfo says where an event comes from. Every event embeds it, so
// ev.RunID, ev.AgentName and ev.SessionID work on each of them.
type EventInfo struct {
	// RunID is the ID of the run that emitted the event: a sub-agent's
	// events carry the sub-agent run's ID.
	RunID string
	// AgentName is the name of the agent whose run emitted the event.
	AgentName string
	// SessionID is the ID of the run's session.
	SessionID string
}

// ID implements Event: it returns RunID.
func (e EventInfo) ID() string { return e.RunID }

// LLMCallEvent announces a model request, before it is sent: one per
// attempt, so a retried call shows each attempt.
type LLMCallEvent struct {
	EventInfo
	// Call is the model call's number in the run (1-based); Attempt is
	// the attempt's number within that call (1-based).
	Call, Attempt int
	// Message is the content of the last message of the request.
	Message string
	// Tools are the tools offered to the model.
	Tools []ai.Tool
}

// ContentEvent carries assistant text: the whole text of a model response,
// or, when the agent streams, one fragment of it (Delta true).
type ContentEvent struct {
	EventInfo
	Content string
	// Delta is true for a streamed fragment.
	Delta bool
}

// ToolEvent announces a tool call the model asked for, before it runs.
type ToolEvent struct {
	EventInfo
	// ToolCallID is the call's ID, unique in the run's transcript.
	ToolCallID string
	ToolName   string
	// Arguments is the call's raw JSON arguments, as the model sent them.
	Arguments string
}

// ToolResponseEvent carries a tool call's result, as the model will see it.
type ToolResponseEvent struct {
	EventInfo
	ToolCallID string
	ToolName   string
	// Content is the result's text, as sent to the model.
	Content string
	Result  *ai.ToolResult
	// Error is true when the result is an error result.
	Error    bool
	Duration time.Duration
}

// RetryEvent announces a retry of a failed step after Delay.
type RetryEvent struct {
	EventInfo
	// Step is "model call N" or "tool NAME".
	Step    string
	Attempt int
	Delay   time.Duration
	Err     error
}

// ValidationResult is what a tool's argument check found, shown in an
// *ApprovalEvent so the person deciding sees what the call will do.
type ValidationResult struct {
	// Values are the validated arguments (a map[string]any of the decoded
	// JSON unless the tool's Validate returns something else).
	Values any
	// Message says what the call will do and whether its arguments passed
	// validation.
	Message string
	// ValidationErrors lists what failed validation; empty when it passed.
	ValidationErrors []error
}

// ApprovalEvent asks for a decision on a tool marked RequireApproval.
// Answer with AgentRun.Approve(ApprovalID, true|false).
type ApprovalEvent struct {
	EventInfo
	// ApprovalID is the approval's ID: the tool call's ID, prefixed with
	// "<sub-agent run id>/" when a sub-agent asks.
	ApprovalID string
	ToolName   string
	// Args are the call's decoded arguments.
	Args             map[string]any
	ValidationResult ValidationResult
	// Deadline is when an unanswered request counts as denied.
	Deadline time.Time
}

// ToolAbandonedEvent says the run stopped waiting for a tool call: its
// tool did not return within Agent.StopGrace after its context ended (the
// run stopped: Reason "stopped"; its timeout passed: "timeout"). Its
// result, if it ever comes, is discarded.
type ToolAbandonedEvent struct {
	EventInfo
	ToolCallID, ToolName, Reason string
	Grace                        time.Duration
}

// DecisionEvent says what an interceptor decided about a step (a
// hook.Decision): a guardrail passed, rewrote or tripped, a typed answer
// was asked for again, a conversation was compacted.
type DecisionEvent struct {
	EventInfo
	// By names the guard or interceptor; Step what it decided about
	// ("input", "output", "model call 2", `tool "x"`); Action what it did
	// ("pass", "rewrite", "trip", "retry", "compact"); Reason why.
	By, Step, Action, Reason string
	// TokensBefore and TokensAfter are the size, in estimated tokens, of
	// what the decision changed — a compaction's prompt — when it changed
	// a size; 0 otherwise (hook.Decision).
	TokensBefore, TokensAfter int
}

// ErrorEvent carries the error that ended the run.
type ErrorEvent struct {
	EventInfo
	Err error
}

// eventQueue is an unbounded, ordered queue: the run appends without ever
// blocking, and a single pump goroutine, started by the first Next(),
// delivers every event to the reader and closes the channel at the end.
type eventQueue struct {
	mu      sync.Mutex
	events  []Event
	closed  bool
	notify  chan struct{}
	once    sync.Once
	ch      chan Event
	enabled bool
	// release, closed by discard, lets a pump blocked on a reader that
	// went away drop the rest and exit.
	release     chan struct{}
	releaseOnce sync.Once
}

// noEvents is the queue of every run without events (Execute): each of
// its methods is a no-op, or safe to share (channel's once).
var noEvents eventQueue

func (q *eventQueue) init(enabled bool) {
	q.enabled = enabled
	if enabled {
		q.notify = make(chan struct{}, 1)
		q.release = make(chan struct{})
	}
}

// discard drops the events not yet delivered and ends the pump.
func (q *eventQueue) discard() {
	if q.enabled {
		q.releaseOnce.Do(func() { close(q.release) })
	}
}

func (q *eventQueue) push(e Event) {
	if !q.enabled {
		return
	}
	e = redactEvent(e) // i12-secrets: events carry no secrets (redact_event.go)
	q.mu.Lock()
	q.events = append(q.events, e)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func (q *eventQueue) close() {
	if !q.enabled {
		return
	}
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// channel starts the pump once and returns its channel.
func (q *eventQueue) channel() <-chan Event {
	q.once.Do(func() {
		q.ch = make(chan Event)
		if !q.enabled {
			close(q.ch)
			return
		}
		go q.pump()
	})
	return q.ch
}

func (q *eventQueue) pump() {
	defer close(q.ch)
	next := 0
	for {
		q.mu.Lock()
		if next < len(q.events) {
			e := q.events[next]
			q.events[next] = nil // delivered: let it be collected
			next++
			q.mu.Unlock()
			select {
			case q.ch <- e:
			case <-q.release:
				return
			}
			continue
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return
		}
		select {
		case <-q.notify:
		case <-q.release:
			return
		}
	}
}
