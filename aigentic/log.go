package aigentic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// minReportedWait is the shortest rate-limit wait logged and traced:
// shorter ones are the limiter's bookkeeping, not a wait worth a line.
const minReportedWait = time.Millisecond

// runLogger is the run's slog logger: Agent.Logger's handler, or
// slog.Default()'s when Logger is nil (read when the run starts, so
// slog.SetDefault works), filtered at Agent.LogLevel, with the agent,
// session and run ids on every record, and redacted.
func (r *AgentRun) runLogger() *slog.Logger {
	var h slog.Handler
	if r.agent.Logger != nil {
		h = r.agent.Logger.Handler()
	} else {
		h = slog.Default().Handler()
	}
	return slog.New(&runHandler{level: r.agent.LogLevel, next: h, ids: [3]slog.Attr{
		slog.String("agent", Redact(r.agent.Name)), slog.String("session", Redact(r.session.ID)), slog.String("run", r.id)}})
}

// logObserver writes the run's steps to its slog logger: start and end at
// Info (a failure at Error, a stop or a sub-agent's failure at Warn),
// retries, tool error results and refused approvals at Warn, every model
// attempt and tool call at Debug. The Debug-only work (truncating content)
// is done only when Debug is enabled.
type logObserver struct {
	baseObserver
	r *AgentRun
}

func (o *logObserver) debug(ctx context.Context) bool {
	return o.r.logger.Enabled(ctx, slog.LevelDebug)
}

func (o *logObserver) runStart(ctx context.Context, _ runStart) context.Context {
	r := o.r
	r.logger.InfoContext(ctx, "run started", "model", r.agent.Model.ModelName(), "max_llm_calls", r.maxCalls, "retries", r.agent.Retries, "tools", len(r.tools))
	return ctx
}

func (o *logObserver) runEnd(ctx context.Context, s runEnd) {
	st, err := s.stats, s.err
	attrs := []any{"duration", st.Duration, "llm_calls", st.LLMCalls, "tool_calls", st.ToolCalls,
		"tool_errors", st.ToolErrors, "retries", st.Retries, "tokens_in", st.InputTokens, "tokens_out", st.OutputTokens}
	l := o.r.logger
	switch {
	case err == nil:
		l.InfoContext(ctx, "run finished", attrs...)
	case isStopped(err):
		l.WarnContext(ctx, "run stopped", append(attrs, "error", err)...)
	case o.r.parent != nil:
		// The parent sees this failure as a tool error result and decides.
		l.WarnContext(ctx, "sub-agent run failed; its parent gets the error as a tool result", append(attrs, "error", err)...)
	default:
		l.ErrorContext(ctx, "run failed", append(attrs, "error", err)...)
	}
}

func (o *logObserver) rateLimitWait(ctx context.Context, s rateLimitWait) {
	if s.err == nil && s.d >= minReportedWait {
		o.r.logger.DebugContext(ctx, "rate limited", "call", s.call, "waited", s.d)
	}
}

func (o *logObserver) modelStart(ctx context.Context, s modelStart) context.Context {
	if o.debug(ctx) {
		o.r.logger.DebugContext(ctx, "model request", "call", s.call, "attempt", s.attempt, "messages", len(s.req.Messages), "tools", len(s.req.Tools),
			"last_message", truncate(s.req.Messages[len(s.req.Messages)-1].Content, 200))
	}
	return ctx
}

func (o *logObserver) modelEnd(ctx context.Context, s modelEnd) {
	switch {
	case s.err == nil:
		if o.debug(ctx) {
			o.r.logger.DebugContext(ctx, "model response", "call", s.call, "attempt", s.attempt, "duration", s.d,
				"tool_calls", len(s.resp.Message.ToolCalls), "tokens_in", s.resp.Usage.InputTokens, "tokens_out", s.resp.Usage.OutputTokens,
				"content", truncate(s.resp.Message.Content, 200))
		}
	case s.willRetry:
		o.retry(ctx, "model call "+strconv.Itoa(s.call), s.attempt, s.retryIn, s.err)
	}
}

func (o *logObserver) retry(ctx context.Context, step string, attempt int, delay time.Duration, err error) {
	o.r.logger.WarnContext(ctx, "retrying after transient failure", "step", step, "attempt", attempt, "next_attempt", attempt+1, "delay", delay, "error", err)
}

func (o *logObserver) toolAttempt(ctx context.Context, s toolAttempt) {
	if s.attempt == 1 && o.debug(ctx) {
		o.r.logger.DebugContext(ctx, "tool call", "tool", s.tc.Name, "call_id", s.tc.ID, "arguments", truncate(s.tc.Arguments, 300))
	}
}

func (o *logObserver) toolAttemptEnd(ctx context.Context, s toolAttemptEnd) {
	if s.err == nil {
		return
	}
	if pe := (*PanicError)(nil); errors.As(s.err, &pe) {
		o.r.logger.ErrorContext(ctx, "tool panicked", "tool", s.tc.Name, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
	}
	if s.willRetry {
		o.retry(ctx, "tool "+s.tc.Name, s.attempt, s.retryIn, s.err)
	}
}

func (o *logObserver) toolEnd(ctx context.Context, s toolEnd) {
	switch {
	case s.err != nil:
	case s.res.Error:
		o.r.logger.WarnContext(ctx, "tool returned an error result", "tool", s.tc.Name, "call_id", s.tc.ID, "result", truncate(s.res.String(), 300))
	case o.debug(ctx):
		o.r.logger.DebugContext(ctx, "tool result", "tool", s.tc.Name, "call_id", s.tc.ID, "duration", s.d, "result", truncate(s.res.String(), 200))
	}
}

func (o *logObserver) approvalAsked(ctx context.Context, s approvalAsked) {
	o.r.logger.InfoContext(ctx, "approval requested", "tool", s.tool.Name, "call_id", s.tc.ID, "timeout", s.timeout)
}

func (o *logObserver) approvalAnswered(ctx context.Context, s approvalAnswered) {
	l := o.r.logger
	switch s.how {
	case approvalAnsweredByUser:
		l.InfoContext(ctx, "approval answered", "tool", s.tool.Name, "call_id", s.tc.ID, "approved", s.approved)
	case approvalTimedOut:
		l.WarnContext(ctx, "approval timed out; treated as denied", "tool", s.tool.Name, "call_id", s.tc.ID, "timeout", s.timeout)
	case approvalImpossible:
		l.WarnContext(ctx, "approval impossible; treated as denied", "tool", s.tool.Name, "call_id", s.tc.ID)
	}
}

func (o *logObserver) subAgentStart(ctx context.Context, s subAgentStart) {
	o.r.logger.DebugContext(ctx, "sub-agent run started", "sub_agent", s.child.agent.Name, "sub_run", s.child.id)
}
