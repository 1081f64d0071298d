package failover_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// A transient failure moves to the next model, which gets the same
// request; the response names the model that answered.
func TestTransientFailureMovesToTheNextModel(t *testing.T) {
	primary := newFake("eu", "big", status(503))
	fallback := newFake("us", "small")
	var rec recorder
	m := mustNew(t, []ai.Model{primary, fallback}, rec.options()...)

	resp := mustAnswer(t, m, "small")
	if resp.Provider != "us" {
		t.Errorf("Response.Provider = %q, want us", resp.Provider)
	}
	if primary.Calls() != 1 || fallback.Calls() != 1 {
		t.Fatalf("calls: primary %d, fallback %d; want 1 and 1", primary.Calls(), fallback.Calls())
	}
	if got := fallback.reqs[0].Messages; len(got) != 1 || got[0].Content != "hello" {
		t.Errorf("the fallback got %+v, want the same request", got)
	}
	if len(rec.attempts) != 2 || rec.attempts[0].Err == nil || rec.attempts[0].Name() != "eu/big" || !rec.attempts[0].MovedOn ||
		rec.attempts[1].Err != nil || rec.attempts[1].Index != 1 || rec.attempts[1].MovedOn {
		t.Errorf("attempts = %+v, want eu/big failed then us/small answered", rec.attempts)
	}
	// The same list answers from the primary when it is well.
	mustAnswer(t, m, "big")
}

// The provider's own name for the model (a dated version) is kept; the
// model's name fills in only when the provider gave none.
func TestResponseKeepsTheProvidersModelName(t *testing.T) {
	primary := newFake("openai", "gpt-4o", func(context.Context, ai.Request) (*ai.Response, error) {
		return &ai.Response{Model: "gpt-4o-2024-08-06", Message: ai.Message{Content: "hi"}}, nil
	})
	m := mustNew(t, []ai.Model{primary, newFake("b", "b")})
	resp, err := generate(t, m)
	if err != nil || resp.Model != "gpt-4o-2024-08-06" || resp.Provider != "openai" {
		t.Fatalf("resp = %+v, err = %v", resp, err)
	}
}

// A permanent failure (bad request, rejected key) is the request's fault:
// it is returned and the next model is never called.
func TestPermanentFailureDoesNotMove(t *testing.T) {
	for _, code := range []int{400, 401, 404} {
		primary := newFake("a", "a", status(code))
		fallback := newFake("b", "b")
		m := mustNew(t, []ai.Model{primary, fallback})
		_, err := generate(t, m)
		var me *ai.ModelError
		if !errors.As(err, &me) || me.StatusCode != code || !errors.Is(err, ai.ErrPermanent) || ai.IsTransient(err) {
			t.Fatalf("%d: err = %v, want the permanent *ai.ModelError", code, err)
		}
		if errors.Is(err, failover.ErrAllFailed) || fallback.Calls() != 0 {
			t.Fatalf("%d: moved to the fallback (calls %d) or said all failed: %v", code, fallback.Calls(), err)
		}
		if fe := asError(t, err); len(fe.Attempts) != 1 || fe.Attempts[0].Name() != "a/a" || fe.Attempts[0].MovedOn {
			t.Fatalf("%d: attempts = %+v", code, fe.Attempts)
		}
	}
}

// A stream that already delivered text fails as it is: the caller saw the
// beginning of an answer, so no other model may start another.
func TestFailureAfterStreamedTextDoesNotMove(t *testing.T) {
	primary := newFake("a", "a", func(_ context.Context, req ai.Request) (*ai.Response, error) {
		req.OnDelta("The answer is")
		return nil, aitest.StatusError(502, 0)
	})
	fallback := newFake("b", "b")
	var rec recorder
	m := mustNew(t, []ai.Model{primary, fallback}, rec.options()...)
	var got []string
	req := request
	req.OnDelta = func(s string) { got = append(got, s) }
	_, err := m.Generate(t.Context(), req)
	if !errors.Is(err, failover.ErrPartialAnswer) || !ai.IsTransient(err) {
		t.Fatalf("err = %v, want ErrPartialAnswer, still transient for the run's retry", err)
	}
	if fallback.Calls() != 0 || strings.Join(got, "|") != "The answer is" {
		t.Fatalf("fallback calls %d, deltas %q: want 0 and the primary's fragment only", fallback.Calls(), got)
	}
	if !rec.attempts[0].Streamed || rec.attempts[0].MovedOn || !strings.Contains(err.Error(), "failed after streaming part of its answer") {
		t.Fatalf("attempt %+v, err %q", rec.attempts[0], err)
	}
}

// An empty fragment carries none of the answer: failing after it still
// moves, and the fallback's text reaches the caller.
func TestEmptyDeltaDoesNotPinTheModel(t *testing.T) {
	primary := newFake("a", "a", func(_ context.Context, req ai.Request) (*ai.Response, error) {
		req.OnDelta("")
		return nil, aitest.StatusError(503, 0)
	})
	m := mustNew(t, []ai.Model{primary, newFake("b", "b")})
	var got strings.Builder
	req := request
	req.OnDelta = func(s string) { got.WriteString(s) }
	resp, err := m.Generate(t.Context(), req)
	if err != nil || resp.Model != "b" || got.String() != "from b" {
		t.Fatalf("resp %+v, err %v, streamed %q", resp, err, got.String())
	}
}

// Cancelling the caller's context ends Generate at once: no fallback.
func TestCancelEndsAtOnce(t *testing.T) {
	started := make(chan struct{})
	primary := newFake("a", "a", blockUntilDone(started))
	fallback := newFake("b", "b")
	m := mustNew(t, []ai.Model{primary, fallback})
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-started
		cancel()
	}()
	_, err := m.Generate(ctx, request)
	if !errors.Is(err, context.Canceled) || fallback.Calls() != 0 {
		t.Fatalf("err = %v, fallback calls %d: want context.Canceled and no fallback", err, fallback.Calls())
	}
	// Already cancelled: no model is called at all.
	_, err = m.Generate(ctx, request)
	if !errors.Is(err, context.Canceled) || primary.Calls() != 1 || err.Error() != "failover: stopped after 0 attempts: context canceled" {
		t.Fatalf("err = %v, primary calls %d", err, primary.Calls())
	}

	// The caller's deadline passes during an attempt: a timeout is
	// transient, yet nothing moves; the model's own error is returned.
	dctx := runtest.NewDeadline()
	dctx.Context = t.Context()
	slow := newFake("a", "a", func(ctx context.Context, _ ai.Request) (*ai.Response, error) {
		dctx.Expire()
		<-ctx.Done()
		return nil, fmt.Errorf("model a: %w", ctx.Err())
	})
	m = mustNew(t, []ai.Model{slow, fallback})
	_, err = m.Generate(dctx, request)
	fe := asError(t, err)
	if !errors.Is(err, context.DeadlineExceeded) || fe.Err.Error() != "model a: context deadline exceeded" || fallback.Calls() != 0 {
		t.Fatalf("err = %v (Err %v), fallback calls %d", err, fe.Err, fallback.Calls())
	}
}

// Every model fails: the last transient error is returned (with its
// Retry-After), every attempt listed, for the run's retry layer to decide.
func TestAllFailReturnsTheLastTransientError(t *testing.T) {
	m := mustNew(t, []ai.Model{
		newFake("a", "a", status(503)),
		newFake("b", "b", fail(aitest.StatusError(429, 2*time.Second))),
	})
	_, err := generate(t, m)
	if !errors.Is(err, failover.ErrAllFailed) || !ai.IsTransient(err) {
		t.Fatalf("err = %v, want ErrAllFailed, transient", err)
	}
	var me *ai.ModelError
	if !errors.As(err, &me) || me.StatusCode != 429 {
		t.Fatalf("errors.As found %+v, want the last model's 429", me)
	}
	if d, ok := ai.RetryAfterOf(err); !ok || d != 2*time.Second {
		t.Fatalf("RetryAfterOf = %v %v, want 2s", d, ok)
	}
	fe := asError(t, err)
	if len(fe.Attempts) != 2 || fe.Attempts[0].Name() != "a/a" || fe.Attempts[1].Name() != "b/b" || !fe.Attempts[0].MovedOn || fe.Attempts[1].MovedOn {
		t.Fatalf("attempts = %+v", fe.Attempts)
	}
	want := "failover: all 2 models failed: a/a: injected: transient error (HTTP 503 Service Unavailable)"
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "; b/b: injected: transient error (HTTP 429") {
		t.Fatalf("message %q", err)
	}
}

// A model that returns neither a response nor an error is broken, not
// down: a permanent error naming it, and no fallback.
func TestNilResponseIsAPermanentError(t *testing.T) {
	fallback := newFake("b", "b")
	m := mustNew(t, []ai.Model{newFake("a", "a", fail(nil)), fallback})
	_, err := generate(t, m)
	if !errors.Is(err, ai.ErrPermanent) || !strings.Contains(err.Error(), "neither a response nor an error") || fallback.Calls() != 0 {
		t.Fatalf("err = %v, fallback calls %d", err, fallback.Calls())
	}
}

// WithAttemptTimeout: a hung model fails with a timeout and the next one
// answers, within one Generate.
func TestAttemptTimeoutMovesOnFromAHungModel(t *testing.T) {
	started := make(chan struct{})
	m := mustNew(t, []ai.Model{newFake("a", "a", blockUntilDone(started)), newFake("b", "b")},
		failover.WithAttemptTimeout(time.Millisecond))
	resp, err := generate(t, m)
	if err != nil || resp.Model != "b" {
		t.Fatalf("resp %+v, err %v: want b after a's timeout", resp, err)
	}
}

// A model that ignores its context is abandoned AbandonGrace after its
// attempt's timeout, counted a failure, and the next one answers; what it
// streams after that is dropped.
func TestAttemptTimeoutAbandonsADeafModel(t *testing.T) {
	release, finished := make(chan struct{}), make(chan struct{})
	deaf := func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		defer close(finished)
		<-ctx.Done()
		<-release // and then some: it ignored the timeout
		req.OnDelta("late")
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "late"}}, nil
	}
	m := mustNew(t, []ai.Model{newFake("a", "a", deaf), newFake("b", "b")}, failover.WithAttemptTimeout(time.Millisecond))
	var streamed []string
	var resp *ai.Response
	var err error
	runtest.Within(t, 10*time.Second, func() {
		resp, err = m.Generate(context.Background(), ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}},
			OnDelta: func(text string) { streamed = append(streamed, text) }})
	})
	close(release)
	<-finished
	if err != nil || resp.Model != "b" {
		t.Fatalf("resp %+v, err %v: want b after a was abandoned", resp, err)
	}
	if len(streamed) != 1 || streamed[0] != "from b" {
		t.Fatalf("streamed %q, want only b's answer", streamed)
	}
}

// The failover model names its primary; Ping reports the first reachable.
func TestNamesAndPing(t *testing.T) {
	m := mustNew(t, []ai.Model{aitest.Inject(offline.NewModel()), offline.NewModel()})
	if m.ModelName() != "offline" || m.ProviderName() != "aitest" {
		t.Fatalf("ModelName %q, ProviderName %q; want the primary's: offline, aitest", m.ModelName(), m.ProviderName())
	}
	res, err := m.Ping(t.Context())
	if err != nil || res.Model != "offline" || !strings.Contains(res.Detail, "model 1 of 2 (aitest/offline) answered") {
		t.Fatalf("Ping = %+v, %v", res, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Ping after cancel: %v", err)
	}

	down := errors.New("dial tcp: connection refused")
	a, b := newFake("a", "a"), newFake("b", "b")
	a.pingErr = down
	m = mustNew(t, []ai.Model{a, b})
	res, err = m.Ping(t.Context())
	if err != nil || res.Provider != "b" || res.Model != "b" || res.Detail != "failover: model 2 of 2 (b/b) answered; fake" {
		t.Fatalf("Ping with the primary down = %+v, %v", res, err)
	}
	b.pingErr = down
	if _, err := m.Ping(t.Context()); !errors.Is(err, failover.ErrAllFailed) || !errors.Is(err, down) {
		t.Fatalf("Ping with both down: %v", err)
	}
}

// A failover list inside another keeps the inner answer's provider.
func TestNestedListsKeepTheInnerProvider(t *testing.T) {
	inner := mustNew(t, []ai.Model{newFake("x", "x", status(503)), newFake("y", "y")})
	outer := mustNew(t, []ai.Model{newFake("a", "a", status(500)), inner})
	resp, err := generate(t, outer)
	if err != nil || resp.Provider != "y" || resp.Model != "y" {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
}

// Many callers at once (run with -race): every call answers from a model
// of the list, and the fallback answers what the primary failed.
func TestConcurrentCalls(t *testing.T) {
	primary := newFake("a", "a")
	for i := 0; i < 20; i++ {
		primary.then(status(503), answer("from a"))
	}
	m := mustNew(t, []ai.Model{primary, newFake("b", "b")},
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 1000, OpenTimeout: time.Minute, HalfOpenProbes: 1}))
	var wg sync.WaitGroup
	var mu sync.Mutex
	from := map[string]int{}
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := m.Generate(context.Background(), request)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			from[resp.Model]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if from["a"] != 20 || from["b"] != 20 {
		t.Fatalf("answers by model = %v, want 20 and 20", from)
	}
}
