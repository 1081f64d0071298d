package aitest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// ErrScriptExhausted is returned (as a permanent error) when a [Scripted]
// model is called more often than it has steps.
var ErrScriptExhausted = errors.New("aitest: scripted model has no steps left")

// Step is one scripted model call: a response, or an error, after an
// optional delay.
type Step struct {
	Response *ai.Response
	Err      error
	// Delay is waited before answering; the wait ends early, with the
	// context's error, when the context ends.
	Delay time.Duration
}

// Reply is a step answering with final text.
func Reply(text string) Step {
	return Step{Response: &ai.Response{
		Message:      ai.Message{Role: ai.RoleAssistant, Content: text},
		Usage:        ai.Usage{InputTokens: 10, OutputTokens: 5},
		FinishReason: "stop",
	}}
}

// CallTools is a step asking for one or more tool calls in one turn. Calls
// without an ID get "call_<step>_<n>".
func CallTools(calls ...ai.ToolCall) Step {
	return Step{Response: &ai.Response{
		Message:      ai.Message{Role: ai.RoleAssistant, ToolCalls: calls},
		Usage:        ai.Usage{InputTokens: 10, OutputTokens: 5},
		FinishReason: "tool_calls",
	}}
}

// Call builds a tool call with raw JSON arguments.
func Call(name, arguments string) ai.ToolCall {
	return ai.ToolCall{Name: name, Arguments: arguments}
}

// Fail is a step failing with err.
func Fail(err error) Step { return Step{Err: err} }

// After returns a copy of s that waits d first.
func (s Step) After(d time.Duration) Step { s.Delay = d; return s }

// Scripted is a model that replays its steps in order and records the
// requests it got. Use it to drive an agent deterministically in tests.
type Scripted struct {
	name string

	mu       sync.Mutex
	steps    []Step
	next     int
	requests []ai.Request
}

// NewScripted returns a model replaying steps.
func NewScripted(steps ...Step) *Scripted {
	return &Scripted{name: "scripted", steps: steps}
}

// ModelName implements ai.Model.
func (s *Scripted) ModelName() string { return s.name }

// Ping implements ai.Model; a scripted model is always reachable.
func (s *Scripted) Ping(ctx context.Context) (*ai.PingResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &ai.PingResult{Provider: "aitest", Model: s.name, Detail: "scripted"}, nil
}

// Generate implements ai.Model.
func (s *Scripted) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	s.mu.Lock()
	rec := req
	rec.Messages = append([]ai.Message(nil), req.Messages...)
	rec.Tools = append([]ai.Tool(nil), req.Tools...)
	rec.OnDelta = nil
	s.requests = append(s.requests, rec)
	if s.next >= len(s.steps) {
		n := len(s.steps)
		s.mu.Unlock()
		return nil, &ai.ModelError{Provider: "aitest", Message: fmt.Sprintf("call %d after %d steps", len(s.requests), n), Err: ErrScriptExhausted}
	}
	idx := s.next
	step := s.steps[idx]
	s.next++
	s.mu.Unlock()

	if err := sleep(ctx, step.Delay); err != nil {
		return nil, err
	}
	if step.Err != nil {
		return nil, step.Err
	}
	if step.Response == nil {
		return nil, &ai.ModelError{Provider: "aitest", Message: fmt.Sprintf("step %d has neither response nor error", idx)}
	}
	resp := *step.Response
	resp.Message.ToolCalls = append([]ai.ToolCall(nil), step.Response.Message.ToolCalls...)
	for i := range resp.Message.ToolCalls {
		if resp.Message.ToolCalls[i].ID == "" {
			resp.Message.ToolCalls[i].ID = "call_" + strconv.Itoa(idx) + "_" + strconv.Itoa(i)
		}
	}
	if resp.Message.Role == "" {
		resp.Message.Role = ai.RoleAssistant
	}
	if req.OnDelta != nil && resp.Message.Content != "" {
		req.OnDelta(resp.Message.Content)
	}
	return &resp, nil
}

// Requests returns copies of the requests received so far.
func (s *Scripted) Requests() []ai.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ai.Request(nil), s.requests...)
}

// Calls is the number of Generate calls received.
func (s *Scripted) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Remaining is the number of steps not yet used. A test that expects the
// whole script to be consumed asserts Remaining() == 0.
func (s *Scripted) Remaining() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.steps) - s.next
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
