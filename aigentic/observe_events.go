package aigentic

import (
	"context"
	"strconv"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// eventObserver turns the run's steps into the events of Next(). It is
// registered only for runs whose queue is enabled (Start, and the
// sub-agents of a Start run, which share their root's queue).
type eventObserver struct {
	r *AgentRun
}

func (o *eventObserver) Observe(ctx context.Context, step hook.Step) context.Context {
	q, info := o.r.events, o.r.eventInfo()
	switch s := step.(type) {
	case *hook.RunEnd:
		if s.Err != nil {
			q.push(&ErrorEvent{EventInfo: info, Err: s.Err})
		}
	case *hook.ModelStart:
		msgs := s.Request.Messages
		q.push(&LLMCallEvent{EventInfo: info, Call: s.Call, Attempt: s.Attempt, Message: msgs[len(msgs)-1].Content, Tools: s.Request.Tools})
	case *hook.ModelEnd:
		if s.WillRetry {
			q.push(&RetryEvent{EventInfo: info, Step: "model call " + strconv.Itoa(s.Call), Attempt: s.Attempt, Delay: s.RetryIn, Err: s.Err})
		}
	case *hook.Content:
		q.push(&ContentEvent{EventInfo: info, Content: s.Text, Delta: s.Delta})
	case *hook.ToolStart:
		q.push(&ToolEvent{EventInfo: info, ToolCallID: s.Call.ID, ToolName: s.Call.Name, Arguments: s.Call.Arguments})
	case *hook.ToolAttemptEnd:
		if s.WillRetry {
			q.push(&RetryEvent{EventInfo: info, Step: "tool " + s.Call.Name, Attempt: s.Attempt, Delay: s.RetryIn, Err: s.Err})
		}
	case *hook.ToolEnd:
		if s.Err == nil {
			q.push(&ToolResponseEvent{EventInfo: info, ToolCallID: s.Call.ID, ToolName: s.Call.Name, Content: s.Result.String(),
				Result: s.Result, Error: s.Result.Error, Duration: s.Duration})
		}
	case *hook.ToolAbandoned:
		q.push(&ToolAbandonedEvent{EventInfo: info, ToolCallID: s.Call.ID, ToolName: s.Call.Name, Reason: s.Reason, Grace: s.Grace})
	case *hook.Decision:
		q.push(&DecisionEvent{EventInfo: info, By: s.By, Step: s.Step, Action: s.Action, Reason: s.Reason,
			TokensBefore: s.TokensBefore, TokensAfter: s.TokensAfter})
	case *hook.ApprovalAsked:
		q.push(&ApprovalEvent{EventInfo: info, ApprovalID: s.ID, ToolName: s.Call.Name, Args: s.Args,
			ValidationResult: ValidationResult{Values: s.Values, Message: s.Message, ValidationErrors: s.ValidationErrors}, Deadline: s.Deadline})
	}
	return ctx
}
