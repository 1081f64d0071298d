package testutil

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Offline is a getenv with nothing set: OPENAI_* unset selects the
// offline model.
func Offline(string) string { return "" }

// naiveKey is the API key the naive server requires.
const naiveKey = "sk-test-naive-0123456789"

// NaiveServer starts openaitest's fake OpenAI-compatible server backed by
// aitest.NewNaive(opts) — a model that calls the first tool it is offered
// and then answers "Done." — and returns it with the environment that
// points an example at it (OPENAI_API_KEY, OPENAI_BASE_URL,
// OPENAI_MODEL=naive; Getenv reads it). At
// the end of the test it fails the test for any request the OpenAI schema
// rejects.
func NaiveServer(t testing.TB, opts aitest.NaiveOptions) (*openaitest.Server, map[string]string) {
	t.Helper()
	srv := openaitest.NewServer(t, aitest.NewNaive(opts), openaitest.WithAPIKey(naiveKey))
	env := map[string]string{"OPENAI_API_KEY": naiveKey, "OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "naive"}
	t.Cleanup(func() {
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("requests the OpenAI schema rejects: %v", v)
		}
	})
	return srv, env
}

// Getenv is a getenv over env: what is not in it is unset.
func Getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// Sleeps records the delays it is asked to wait and returns at once (with
// the context's error): a RetryPolicy.Sleep or a rate limiter's wait in
// tests. Safe for concurrent use.
type Sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

// Sleep records d.
func (s *Sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

// All returns the delays recorded, in order.
func (s *Sleeps) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}
