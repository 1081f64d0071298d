package aigentic

import (
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Event is something that happened in a run, delivered in order on
// AgentRun.Next(). The concrete types are *ContentEvent, *ToolCallEvent,
// *ToolResultEvent, *RetryEvent, *ApprovalEvent and *ErrorEvent.
type Event interface {
	// RunID is the ID of the run that emitted the event.
	RunID() string
}

type eventBase struct{ Run string }

// RunID implements Event.
func (e eventBase) RunID() string { return e.Run }

// ContentEvent carries assistant text: the whole text of a model response,
// or, when the agent streams, one fragment of it (Delta true).
type ContentEvent struct {
	eventBase
	Content string
	// Delta is true for a streamed fragment.
	Delta bool
}

// ToolCallEvent announces a tool call the model asked for, before it runs.
type ToolCallEvent struct {
	eventBase
	ID        string
	Name      string
	Arguments string
}

// ToolResultEvent carries a tool call's result, as the model will see it.
type ToolResultEvent struct {
	eventBase
	ID       string
	Name     string
	Result   *ai.ToolResult
	Error    bool
	Duration time.Duration
}

// RetryEvent announces a retry of a failed step after Delay.
type RetryEvent struct {
	eventBase
	// Step is "model call N" or "tool NAME".
	Step    string
	Attempt int
	Delay   time.Duration
	Err     error
}

// ApprovalEvent asks for a decision on a tool marked RequireApproval.
// Answer with AgentRun.Approve(ID, true|false).
type ApprovalEvent struct {
	eventBase
	// ID is the approval's ID: the tool call's ID, prefixed with
	// "<sub-agent run id>/" when a sub-agent asks.
	ID   string
	Tool string
	Args map[string]any
	// ValidationMessage says what the call will do and whether its
	// arguments passed validation.
	ValidationMessage string
	// Deadline is when an unanswered request counts as denied.
	Deadline time.Time
}

// ErrorEvent carries the error that ended the run.
type ErrorEvent struct {
	eventBase
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
