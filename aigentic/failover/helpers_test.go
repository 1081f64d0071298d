package failover_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// step is one scripted behaviour of a fakeModel call.
type step func(ctx context.Context, req ai.Request) (*ai.Response, error)

// fakeModel answers "from <name>" unless a queued step says otherwise, and
// records its calls. Its ProviderName is set, so lists of fakes differ by
// provider.
type fakeModel struct {
	name, provider string
	pingErr        error

	mu    sync.Mutex
	steps []step
	calls int
	reqs  []ai.Request
}

func newFake(provider, name string, steps ...step) *fakeModel {
	return &fakeModel{name: name, provider: provider, steps: steps}
}

func (f *fakeModel) ModelName() string    { return f.name }
func (f *fakeModel) ProviderName() string { return f.provider }
func (f *fakeModel) Ping(context.Context) (*ai.PingResult, error) {
	if f.pingErr != nil {
		return nil, f.pingErr
	}
	return &ai.PingResult{Detail: "fake"}, nil
}

// then queues more steps.
func (f *fakeModel) then(steps ...step) {
	f.mu.Lock()
	f.steps = append(f.steps, steps...)
	f.mu.Unlock()
}

func (f *fakeModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	f.mu.Lock()
	f.calls++
	f.reqs = append(f.reqs, req)
	var s step
	if len(f.steps) > 0 {
		s, f.steps = f.steps[0], f.steps[1:]
	}
	f.mu.Unlock()
	if s != nil {
		return s(ctx, req)
	}
	return answer("from "+f.name)(ctx, req)
}

func (f *fakeModel) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func answer(text string) step {
	return func(_ context.Context, req ai.Request) (*ai.Response, error) {
		if req.OnDelta != nil {
			req.OnDelta(text)
		}
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: text}, FinishReason: "stop"}, nil
	}
}

func fail(err error) step {
	return func(context.Context, ai.Request) (*ai.Response, error) { return nil, err }
}

func status(code int) step { return fail(aitest.StatusError(code, 0)) }

// blockUntilDone signals started, then waits for the context's end.
func blockUntilDone(started chan<- struct{}) step {
	return func(ctx context.Context, _ ai.Request) (*ai.Response, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// quiet logs nothing.
var quiet = failover.WithLogger(slog.New(slog.DiscardHandler))

func mustNew(t *testing.T, models []ai.Model, opts ...failover.Option) *failover.Model {
	t.Helper()
	m, err := failover.New(models, append([]failover.Option{quiet}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// recorder collects attempts and state changes.
type recorder struct {
	mu       sync.Mutex
	attempts []failover.Attempt
	changes  []failover.StateChange
}

func (r *recorder) options() []failover.Option {
	return []failover.Option{
		failover.WithObserver(func(_ context.Context, a failover.Attempt) {
			r.mu.Lock()
			r.attempts = append(r.attempts, a)
			r.mu.Unlock()
		}),
		failover.WithStateObserver(func(c failover.StateChange) {
			r.mu.Lock()
			r.changes = append(r.changes, c)
			r.mu.Unlock()
		}),
	}
}

// transitions is the changes so far as "model:from>to" strings.
func (r *recorder) transitions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.changes {
		out = append(out, c.Model+":"+string(c.From)+">"+string(c.To))
	}
	return out
}

var request = ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hello"}}}

func generate(t *testing.T, m ai.Model) (*ai.Response, error) {
	t.Helper()
	return m.Generate(t.Context(), request)
}

// mustAnswer calls m and wants an answer from the named model.
func mustAnswer(t *testing.T, m ai.Model, fromModel string) *ai.Response {
	t.Helper()
	resp, err := generate(t, m)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if resp.Model != fromModel || resp.Message.Content != "from "+fromModel {
		t.Fatalf("answered by %q (%q), want %q", resp.Model, resp.Message.Content, fromModel)
	}
	return resp
}

// asError is errors.As for *failover.Error.
func asError(t *testing.T, err error) *failover.Error {
	t.Helper()
	var fe *failover.Error
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want a *failover.Error", err, err)
	}
	return fe
}
