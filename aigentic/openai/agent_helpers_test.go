package openai_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// sequence serves the n-th chat completion request with handlers[n]; the
// last handler answers every request after it.
func sequence(handlers ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(handlers) {
			i = len(handlers) - 1
		}
		handlers[i](w, r)
	}
}

// toolLog records the tool calls an agent ran.
type toolLog struct {
	mu    sync.Mutex
	calls []string // "name:path-or-city"
}

func (l *toolLog) add(s string) {
	l.mu.Lock()
	l.calls = append(l.calls, s)
	l.mu.Unlock()
}

func (l *toolLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls...)
}

type pathInput struct {
	Path string `json:"path"`
}

type cityInput struct {
	City string `json:"city"`
}

// testTools are write_file, get_time and get_weather, each recording its
// runs in log.
func testTools(log *toolLog) []aigentic.AgentTool {
	return []aigentic.AgentTool{
		aigentic.NewTool("write_file", "Write a file.", func(_ *aigentic.AgentRun, in pathInput) (string, error) {
			log.add("write_file:" + in.Path)
			return "wrote " + in.Path, nil
		}),
		aigentic.NewTool("get_time", "Time in a city.", func(_ *aigentic.AgentRun, in cityInput) (string, error) {
			log.add("get_time:" + in.City)
			return "12:00", nil
		}),
		aigentic.NewTool("get_weather", "Weather in a city.", func(_ *aigentic.AgentRun, in cityInput) (string, error) {
			log.add("get_weather:" + in.City)
			return "sunny", nil
		}),
	}
}

// noSleep is a retry policy whose backoff returns at once.
func noSleep() *aigentic.RetryPolicy {
	return &aigentic.RetryPolicy{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
}

// testAgent is an agent on the fake API with the test tools; stream turns
// streaming on.
func testAgent(t *testing.T, baseURL string, log *toolLog, stream bool, opts ...openai.Option) aigentic.Agent {
	t.Helper()
	return aigentic.Agent{
		Model:       newModel(t, baseURL, opts...),
		AgentTools:  testTools(log),
		Stream:      stream,
		Retries:     2,
		MaxLLMCalls: 5,
		RetryPolicy: noSleep(),
	}
}
