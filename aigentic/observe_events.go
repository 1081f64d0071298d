package aigentic

import (
	"context"
	"strconv"
)

// eventObserver turns the run's steps into the events of Next(). It is
// registered only for runs whose queue is enabled (Start, and the
// sub-agents of a Start run, which share their root's queue).
type eventObserver struct {
	baseObserver
	r *AgentRun
}

func (o *eventObserver) push(e Event) { o.r.events.push(e) }

func (o *eventObserver) runEnd(_ context.Context, s runEnd) {
	if s.err != nil {
		o.push(&ErrorEvent{EventInfo: o.r.eventInfo(), Err: s.err})
	}
}

func (o *eventObserver) modelStart(ctx context.Context, s modelStart) context.Context {
	o.push(&LLMCallEvent{EventInfo: o.r.eventInfo(), Call: s.call, Attempt: s.attempt, Message: s.req.Messages[len(s.req.Messages)-1].Content, Tools: s.req.Tools})
	return ctx
}

func (o *eventObserver) modelEnd(_ context.Context, s modelEnd) {
	if s.willRetry {
		o.push(&RetryEvent{EventInfo: o.r.eventInfo(), Step: "model call " + strconv.Itoa(s.call), Attempt: s.attempt, Delay: s.retryIn, Err: s.err})
	}
}

func (o *eventObserver) content(_ context.Context, s contentStep) {
	o.push(&ContentEvent{EventInfo: o.r.eventInfo(), Content: s.text, Delta: s.delta})
}

func (o *eventObserver) toolStart(ctx context.Context, s toolStart) context.Context {
	o.push(&ToolEvent{EventInfo: o.r.eventInfo(), ToolCallID: s.tc.ID, ToolName: s.tc.Name, Arguments: s.tc.Arguments})
	return ctx
}

func (o *eventObserver) toolAttemptEnd(_ context.Context, s toolAttemptEnd) {
	if s.willRetry {
		o.push(&RetryEvent{EventInfo: o.r.eventInfo(), Step: "tool " + s.tc.Name, Attempt: s.attempt, Delay: s.retryIn, Err: s.err})
	}
}

func (o *eventObserver) toolEnd(_ context.Context, s toolEnd) {
	if s.err == nil {
		o.push(&ToolResponseEvent{EventInfo: o.r.eventInfo(), ToolCallID: s.tc.ID, ToolName: s.tc.Name, Content: s.res.String(), Result: s.res, Error: s.res.Error, Duration: s.d})
	}
}

func (o *eventObserver) approvalAsked(_ context.Context, s approvalAsked) {
	o.push(&ApprovalEvent{EventInfo: o.r.eventInfo(), ApprovalID: s.id, ToolName: s.tool.Name, Args: s.args,
		ValidationResult: s.validation, Deadline: s.deadline})
}
