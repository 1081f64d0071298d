package failover

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// EventAttemptFailed is the name of the span event added, for each model
// that failed or was skipped, to the span in the context Generate was
// given (the runtime's "chat" span). Its attributes: gen_ai.provider.name
// and gen_ai.request.model (the model that failed), error.type ("503",
// "timeout", "circuit_open", ...), error.message (redacted, at most 512
// bytes) and aigentic.failover.next (true when the next model is tried).
const EventAttemptFailed = "aigentic.failover.attempt_failed"

var nextKey = attribute.Key("aigentic.failover.next")

// maxErrorText caps the error text of a log record or span event: a
// provider's message is not ours to bound.
const maxErrorText = 512

type ctxObserversKey struct{}

// ObserveAttempts returns a copy of ctx with which every Generate of a
// failover Model reports each attempt to fn (after the observers of
// [WithObserver]), in the goroutine that called Generate — so a caller
// can count the fallbacks of its own calls: a run, a request. Observers
// added to a context that has some are called after them. A nil fn
// returns ctx.
func ObserveAttempts(ctx context.Context, fn func(Attempt)) context.Context {
	if fn == nil {
		return ctx
	}
	prev, _ := ctx.Value(ctxObserversKey{}).([]func(Attempt))
	fns := append(append(make([]func(Attempt), 0, len(prev)+1), prev...), fn)
	return context.WithValue(ctx, ctxObserversKey{}, fns)
}

// loggerFor is the logger of an attempt in ctx: WithLogger's; else, inside
// an aigentic run, the run's (its agent's logger and level, with the run's
// ids); else slog.Default().
func (m *Model) loggerFor(ctx context.Context) *slog.Logger {
	if !m.ownLogger {
		if run := hook.FromContext(ctx); run != nil && run.Logger != nil {
			return run.Logger
		}
	}
	return m.logger
}

// attempted reports an attempt: observers, span event, log.
func (m *Model) attempted(ctx context.Context, a Attempt) {
	logger := m.loggerFor(ctx)
	moves := a.MovedOn
	if moves {
		// Inside an aigentic run, the move is the run's decision too: in
		// its Stats (Fallbacks), log, trace, span events and events.
		if run := hook.FromContext(ctx); run != nil {
			run.Report(ctx, &hook.Decision{Run: run, By: "failover", Step: a.Provider + "/" + a.Model, Action: "fallback",
				Reason: fallbackReason(a)})
		}
	}
	for _, fn := range m.observers {
		fn(ctx, a)
	}
	if fns, ok := ctx.Value(ctxObserversKey{}).([]func(Attempt)); ok {
		for _, fn := range fns {
			fn(a)
		}
	}
	if a.Err == nil {
		if a.Index > 0 {
			logger.LogAttrs(ctx, slog.LevelInfo, "failover: a fallback model answered",
				slog.String("gen_ai.provider.name", a.Provider), slog.String("gen_ai.response.model", a.Model),
				slog.Int("failover.position", a.Index+1))
		}
		return
	}
	level, what := slog.LevelWarn, ""
	switch {
	case a.Skipped && moves:
		level, what = slog.LevelDebug, "failover: circuit breaker open, model skipped; trying the next"
	case moves:
		what = "failover: model failed; trying the next"
	case a.Streamed && ctx.Err() == nil:
		what = "failover: model failed after streaming part of its answer; not moving to the next"
	}
	span := trace.SpanFromContext(ctx)
	logs := what != "" && logger.Enabled(ctx, level)
	if !logs && !span.IsRecording() {
		return // nothing to format for
	}
	msg, typ := errorText(a.Err), errorType(a.Err)
	if span.IsRecording() {
		span.AddEvent(EventAttemptFailed, trace.WithAttributes(
			semconv.GenAIProviderNameKey.String(a.Provider), semconv.GenAIRequestModel(a.Model),
			semconv.ErrorTypeKey.String(typ), attribute.String("error.message", msg), nextKey.Bool(moves)))
	}
	if logs {
		logger.LogAttrs(ctx, level, what, slog.String("gen_ai.provider.name", a.Provider), slog.String("gen_ai.request.model", a.Model),
			slog.String("error.type", typ), slog.String("error", msg))
	}
}

// stateChanged reports a breaker transition: metric, log, observers.
func (m *Model) stateChanged(c StateChange) {
	m.meters.transition(c)
	attrs := []slog.Attr{slog.String("gen_ai.provider.name", c.Provider), slog.String("gen_ai.request.model", c.Model),
		slog.String("from", string(c.From)), slog.String("to", string(c.To))}
	switch c.To {
	case StateOpen:
		m.logger.LogAttrs(context.Background(), slog.LevelWarn, "failover: circuit breaker opened: the model is skipped until it half-opens",
			append(attrs, slog.Time("until", c.Until))...)
	case StateHalfOpen:
		m.logger.LogAttrs(context.Background(), slog.LevelInfo, "failover: circuit breaker half-open: probing the model", attrs...)
	default:
		m.logger.LogAttrs(context.Background(), slog.LevelInfo, "failover: circuit breaker closed: the model is back", attrs...)
	}
	for _, fn := range m.stateObservers {
		fn(c)
	}
}

// errorType is error.type for an attempt's failure: "circuit_open", the
// HTTP status of a provider's error, "timeout" or "canceled" for a
// context's end, else the error's Go type (the runtime's errorType in
// aigentic/otel_outcome.go, plus circuit_open).
func errorType(err error) string {
	var me *ai.ModelError
	switch {
	case errors.Is(err, ErrCircuitOpen):
		return "circuit_open"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &me) && me.StatusCode != 0:
		return strconv.Itoa(me.StatusCode)
	}
	return fmt.Sprintf("%T", err)
}

// errorText is err's text, redacted, cut to maxErrorText bytes on a UTF-8
// boundary.
func errorText(err error) string {
	s := secret.Redact(err.Error())
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// fallbackReason says why the list moved on from a's model, briefly.
func fallbackReason(a Attempt) string {
	if a.Skipped {
		return "its circuit breaker is open; trying the next model"
	}
	msg := errorText(a.Err)
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return "it failed (" + errorType(a.Err) + ": " + msg + "); trying the next model"
}
