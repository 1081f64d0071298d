package failover_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// A fallback is never hidden: the context's observers, the model's
// observers, a span event on the caller's span and a log line each see it.
func TestFallbackIsVisible(t *testing.T) {
	const key = "sk-failover-test-0123456789abcdef"
	secret.Register(key)
	leaky := &ai.ModelError{Provider: "a", StatusCode: 503, Transient: true, Message: "upstream said " + key + strings.Repeat(" très long", 100)}

	var logs testutil.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var modelSeen []string
	m, err := failover.New([]ai.Model{newFake("a", "a", fail(leaky)), newFake("b", "b")}, failover.WithLogger(logger),
		failover.WithObserver(func(_ context.Context, a failover.Attempt) { modelSeen = append(modelSeen, a.Name()) }))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	defer tp.Shutdown(context.Background())
	ctx, span := tp.Tracer("test").Start(t.Context(), "chat a")
	var runSeen []failover.Attempt
	ctx = failover.ObserveAttempts(ctx, func(a failover.Attempt) { runSeen = append(runSeen, a) })
	ctx = failover.ObserveAttempts(ctx, nil) // ignored
	if _, err := m.Generate(ctx, request); err != nil {
		t.Fatal(err)
	}
	span.End()

	if strings.Join(modelSeen, ",") != "a/a,b/b" || len(runSeen) != 2 || runSeen[0].Err == nil || runSeen[1].Err != nil {
		t.Fatalf("observers saw %v and %+v", modelSeen, runSeen)
	}
	ev := sr.Ended()[0].Events()
	if len(ev) != 1 || ev[0].Name != failover.EventAttemptFailed {
		t.Fatalf("span events = %+v, want one %s", ev, failover.EventAttemptFailed)
	}
	attrs := map[string]string{}
	for _, kv := range ev[0].Attributes {
		attrs[string(kv.Key)] = kv.Value.String()
	}
	if attrs["gen_ai.provider.name"] != "a" || attrs["gen_ai.request.model"] != "a" || attrs["error.type"] != "503" || attrs["aigentic.failover.next"] != "true" {
		t.Fatalf("event attributes = %v", attrs)
	}
	msg := attrs["error.message"]
	if strings.Contains(msg, key) || len(msg) > 512+len("…") || !strings.HasSuffix(msg, "…") {
		t.Fatalf("error.message is not redacted and cut (%d bytes): %q", len(msg), msg)
	}
	out := logs.String()
	for _, w := range []string{`msg="failover: model failed; trying the next"`, "gen_ai.provider.name=a", "error.type=503",
		`msg="failover: a fallback model answered"`, "gen_ai.response.model=b", "failover.position=2"} {
		if !strings.Contains(out, w) {
			t.Errorf("log lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, key) {
		t.Fatalf("the key reached the log:\n%s", out)
	}
}

// Breaker transitions are logged: opened at Warn with until when.
func TestTransitionsAreLogged(t *testing.T) {
	var logs testutil.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	clock := newClock()
	primary := newFake("a", "a", status(503))
	m, err := failover.New([]ai.Model{primary, newFake("b", "b")}, failover.WithLogger(logger), failover.WithClock(clock.Now),
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Minute, HalfOpenProbes: 1}))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	mustAnswer(t, m, "b")
	clock.Advance(time.Minute)
	mustAnswer(t, m, "a")
	out := logs.String()
	for _, w := range []string{
		`level=WARN msg="failover: circuit breaker opened: the model is skipped until it half-opens" gen_ai.provider.name=a gen_ai.request.model=a from=closed to=open until=2026-03-02T15:05:05.000Z`,
		`level=INFO msg="failover: circuit breaker half-open: probing the model"`,
		`level=INFO msg="failover: circuit breaker closed: the model is back"`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("log lacks %q:\n%s", w, out)
		}
	}
}

// A failure after streamed text is logged as such; a permanent failure is
// not logged as a fallback (nothing moved).
func TestNoFallbackIsLoggedWhenNothingMoves(t *testing.T) {
	var logs testutil.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	streamed := func(_ context.Context, req ai.Request) (*ai.Response, error) {
		req.OnDelta("partial")
		return nil, errors.New("connection reset: " + "read: ECONNRESET")
	}
	m, err := failover.New([]ai.Model{newFake("a", "a", status(400), fail(ai.Transient(errors.New("x"))), streamed), newFake("b", "b")},
		failover.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	generate(t, m)
	if out := logs.String(); out != "" {
		t.Fatalf("a permanent failure was logged as a fallback:\n%s", out)
	}
	req := request
	req.OnDelta = func(string) {}
	m.Generate(t.Context(), req) // transient: moves to b
	m.Generate(t.Context(), req) // streamed, then failed
	if out := logs.String(); !strings.Contains(out, "failed after streaming part of its answer; not moving to the next") {
		t.Fatalf("log:\n%s", out)
	}
}
