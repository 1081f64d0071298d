package aigentic

import "context"

// traceObserver writes the run's steps to its trace file (r.trace, opened
// by newRun when Agent.Trace is set). A tool call that never ran — unknown
// tool, invalid arguments — is written as its attempt 1 when it is
// answered; one not run for want of approval gets a "not run" line.
type traceObserver struct {
	baseObserver
	r *AgentRun
	// ran is set once the current tool call has an attempt or a denial
	// written.
	ran bool
}

func (o *traceObserver) runStart(ctx context.Context, _ runStart) context.Context {
	o.r.trace.header(o.r.agent.Trace, o.r)
	return ctx
}

func (o *traceObserver) runEnd(_ context.Context, s runEnd) {
	o.r.trace.outcome(s.stats, s.result, s.err)
	o.r.trace.close()
}

func (o *traceObserver) rateLimitWait(_ context.Context, s rateLimitWait) {
	if s.err == nil && s.d >= minReportedWait {
		o.r.trace.note("rate limiter: waited %s before model call %d\n", s.d, s.call)
	}
}

func (o *traceObserver) modelStart(ctx context.Context, s modelStart) context.Context {
	o.r.trace.modelRequest(s.call, s.attempt, &s.req)
	return ctx
}

func (o *traceObserver) modelEnd(_ context.Context, s modelEnd) {
	if s.err == nil {
		o.r.trace.modelResponse(s.call, s.attempt, s.resp, s.d)
		return
	}
	o.r.trace.modelError(s.call, s.attempt, s.err, s.d, s.retryIn, s.willRetry)
}

func (o *traceObserver) toolStart(ctx context.Context, _ toolStart) context.Context {
	o.ran = false
	return ctx
}

func (o *traceObserver) toolAttempt(_ context.Context, s toolAttempt) {
	o.ran = true
	o.r.trace.toolCall(s.tc, s.attempt)
}

func (o *traceObserver) toolAttemptEnd(_ context.Context, s toolAttemptEnd) {
	if s.err != nil {
		o.r.trace.toolFailure(s.tc, s.err, s.d, s.retryIn, s.willRetry)
	}
}

func (o *traceObserver) toolEnd(_ context.Context, s toolEnd) {
	if s.err != nil {
		return // its failure is written by toolAttemptEnd
	}
	if !o.ran {
		o.r.trace.toolCall(s.tc, 1)
	}
	o.r.trace.toolResult(s.tc, s.res, s.d)
}

func (o *traceObserver) approvalAsked(_ context.Context, s approvalAsked) {
	o.r.trace.note("--- approval requested for %s (%s): %s ---\narguments: %s\n", s.tool.Name, s.tc.ID, s.message, s.tc.Arguments)
}

func (o *traceObserver) approvalAnswered(_ context.Context, s approvalAnswered) {
	switch s.how {
	case approvalAnsweredByUser:
		o.r.trace.note("approval answer: approved=%t\n\n", s.approved)
	case approvalTimedOut:
		o.r.trace.note("approval timed out after %s: treated as denied\n\n", s.timeout)
	}
	if !s.approved {
		o.ran = true
		o.r.trace.note("--- tool call %s (%s) not run: %s ---\n\n", s.tc.Name, s.tc.ID, s.reason)
	}
}
