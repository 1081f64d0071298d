package aigentic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// minReportedWait is the shortest rate-limit wait logged and traced:
// shorter ones are the limiter's bookkeeping, not a wait worth a line.
const minReportedWait = time.Millisecond

// runLogger makes the run's slog logger: Agent.Logger's handler, or
// slog.Default()'s when Logger is nil (read when the run starts, so
// slog.SetDefault works), filtered at Agent.LogLevel, with the agent,
// session and run ids on every record, and redacted.
// The handler and the logger live in the run: making them allocates
// nothing.
func (r *AgentRun) runLogger() {
	var h slog.Handler
	if r.agent.Logger != nil {
		h = r.agent.Logger.Handler()
	} else {
		h = slog.Default().Handler()
	}
	session := r.session.ID
	if r.session != &r.ownSession {
		session = Redact(session) // the caller's; the run's own is clean
	}
	r.handler = runHandler{level: r.agent.LogLevel, next: h, ids: [3]slog.Attr{
		slog.String("agent", Redact(r.agent.Name)), slog.String("session", session), slog.String("run", r.id)}}
	r.logger = *slog.New(&r.handler)
	r.logDebug = r.agent.LogLevel <= slog.LevelDebug && h.Enabled(r.ctx, slog.LevelDebug)
}

// logObserver writes the run's steps to its slog logger: one record per run
// at Info, when it ends, with its model and counts (a failure at Error, a
// stop or a sub-agent's failure at Warn; the start is at Debug),
// retries, tool error results and refused approvals at Warn, every model
// attempt and tool call at Debug. The Debug-only work (truncating content)
// is done only when Debug is enabled — which is read once, when the run
// starts (a handler's level changed during a run applies from the next).
type logObserver struct {
	r *AgentRun
}

func (o *logObserver) debug() bool { return o.r.logDebug }

func (o *logObserver) Observe(ctx context.Context, step hook.Step) context.Context {
	l := &o.r.logger
	switch s := step.(type) {
	case *hook.RunStart:
		if !o.debug() {
			break
		}
		r := o.r
		l.DebugContext(ctx, "run started", "model", s.Run.Model, "max_llm_calls", r.agent.MaxLLMCalls, "retries", r.agent.Retries, "tools", len(r.tools))
	case *hook.RunEnd:
		o.runEnd(ctx, s)
	case *hook.RateLimitWait:
		if s.Err == nil && s.Wait >= minReportedWait && o.debug() {
			l.DebugContext(ctx, "rate limited", "call", s.Call, "waited", s.Wait)
		}
	case *hook.ModelStart:
		if o.debug() {
			msgs := s.Request.Messages
			l.DebugContext(ctx, "model request", "call", s.Call, "attempt", s.Attempt, "messages", len(msgs), "tools", len(s.Request.Tools),
				"last_message", truncate(msgs[len(msgs)-1].Content, 200))
		}
	case *hook.ModelEnd:
		switch {
		case s.Err == nil:
			if o.debug() {
				resp := s.Response
				l.DebugContext(ctx, "model response", "call", s.Call, "attempt", s.Attempt, "duration", s.Duration,
					"tool_calls", len(resp.Message.ToolCalls), "tokens_in", resp.Usage.InputTokens, "tokens_out", resp.Usage.OutputTokens,
					"content", truncate(resp.Message.Content, 200))
			}
		case s.WillRetry:
			o.retry(ctx, "model call "+strconv.Itoa(s.Call), s.Attempt, s.RetryIn, s.Err)
		}
	case *hook.ToolAttempt:
		if s.Attempt == 1 && o.debug() {
			l.DebugContext(ctx, "tool call", "tool", s.Call.Name, "call_id", s.Call.ID, "arguments", truncate(s.Call.Arguments, 300))
		}
	case *hook.ToolAttemptEnd:
		if s.Err == nil {
			break
		}
		if pe, ok := errors.AsType[*PanicError](s.Err); ok {
			l.ErrorContext(ctx, "tool panicked", "tool", s.Call.Name, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
		}
		if s.WillRetry {
			o.retry(ctx, "tool "+s.Call.Name, s.Attempt, s.RetryIn, s.Err)
		}
	case *hook.ToolEnd:
		switch {
		case s.Err != nil:
		case s.Result.Error:
			l.WarnContext(ctx, "tool returned an error result", "tool", s.Call.Name, "call_id", s.Call.ID, "result", truncate(s.Result.String(), 300))
		case o.debug():
			l.DebugContext(ctx, "tool result", "tool", s.Call.Name, "call_id", s.Call.ID, "duration", s.Duration, "result", truncate(s.Result.String(), 200))
		}
	case *hook.ApprovalAsked:
		l.InfoContext(ctx, "approval requested", "tool", s.Call.Name, "call_id", s.Call.ID, "timeout", s.Timeout)
	case *hook.ApprovalAnswered:
		switch s.How {
		case hook.ApprovalByUser:
			l.InfoContext(ctx, "approval answered", "tool", s.Call.Name, "call_id", s.Call.ID, "approved", s.Approved)
		case hook.ApprovalTimedOut:
			l.WarnContext(ctx, "approval timed out; treated as denied", "tool", s.Call.Name, "call_id", s.Call.ID, "timeout", s.Timeout)
		case hook.ApprovalNotAskable:
			l.WarnContext(ctx, "approval impossible; treated as denied", "tool", s.Call.Name, "call_id", s.Call.ID)
		}
	case *hook.SubAgentStart:
		if !o.debug() {
			break
		}
		l.DebugContext(ctx, "sub-agent run started", "sub_agent", s.Child.AgentName, "sub_run", s.Child.ID)
	case *hook.ToolAbandoned:
		l.WarnContext(ctx, "tool abandoned: it did not return after its context ended", "tool", s.Call.Name, "call_id", s.Call.ID,
			"reason", s.Reason, "grace", s.Grace)
	case *hook.Decision:
		level := slog.LevelInfo
		if s.Action == "trip" {
			level = slog.LevelWarn
		}
		if s.TokensBefore != 0 || s.TokensAfter != 0 {
			l.Log(ctx, level, "interceptor decision", "by", s.By, "step", s.Step, "action", s.Action, "reason", s.Reason,
				"tokens_before", s.TokensBefore, "tokens_after", s.TokensAfter)
		} else {
			l.Log(ctx, level, "interceptor decision", "by", s.By, "step", s.Step, "action", s.Action, "reason", s.Reason)
		}
	}
	return ctx
}

// runEnd logs the run's one record at Info or above. It is built here
// rather than through slog.Logger: no caller's PC to look up (it would be
// this file's), and its values are clean already — numbers, the model's
// name redacted once per run, the error redacted by finish — so the
// handler's redaction pass is skipped.
func (o *logObserver) runEnd(ctx context.Context, s *hook.RunEnd) {
	st, err := s.Stats, s.Err
	level, msg := slog.LevelInfo, "run finished"
	switch {
	case err == nil:
	case isStopped(err):
		level, msg = slog.LevelWarn, "run stopped"
	case errors.Is(err, ErrApprovalPending):
		msg = "run parked until an approval is decided"
	case o.r.parent != nil:
		// The parent sees this failure as a tool error result and decides.
		level, msg = slog.LevelWarn, "sub-agent run failed; its parent gets the error as a tool result"
	default:
		level, msg = slog.LevelError, "run failed"
	}
	h := &o.r.handler
	if !h.Enabled(ctx, level) {
		return
	}
	model := Redact(o.r.info.Model)
	rec := slog.NewRecord(time.Now(), level, msg, 0)
	rec.AddAttrs(slog.String("model", model), slog.Duration("duration", st.Duration), slog.Int("llm_calls", st.LLMCalls),
		slog.Int("tool_calls", st.ToolCalls), slog.Int("tokens_in", st.InputTokens), slog.Int("tokens_out", st.OutputTokens))
	// Who answered, when it is not the model asked (a failover list's
	// fallback, a dated version): a name the server chose, so bounded.
	if m := st.ResponseModel; m != "" && m != model {
		rec.AddAttrs(slog.String("response_model", truncate(st.ResponseProvider+"/"+m, 256)))
	}
	// The counters of what went wrong, only when something did.
	if st.ToolErrors > 0 {
		rec.AddAttrs(slog.Int("tool_errors", st.ToolErrors))
	}
	if st.Retries > 0 {
		rec.AddAttrs(slog.Int("retries", st.Retries))
	}
	if st.CachedInputTokens > 0 {
		rec.AddAttrs(slog.Int("tokens_cached", st.CachedInputTokens))
	}
	if st.ReasoningTokens > 0 {
		rec.AddAttrs(slog.Int("tokens_reasoning", st.ReasoningTokens))
	}
	if err != nil {
		rec.AddAttrs(slog.String("error", secret.LogValue(err.Error())))
	}
	h.handleClean(ctx, rec)
}

func (o *logObserver) retry(ctx context.Context, step string, attempt int, delay time.Duration, err error) {
	o.r.logger.WarnContext(ctx, "retrying after transient failure", "step", step, "attempt", attempt, "next_attempt", attempt+1, "delay", delay, "error", err)
}

// truncate shortens s to at most n bytes, on a UTF-8 boundary, after
// redacting it (a secret cut in two would escape redaction).
func truncate(s string, n int) string {
	s = Redact(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
