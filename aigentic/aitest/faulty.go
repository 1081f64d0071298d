package aitest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// StatusError builds the error a provider returns for an HTTP failure: a
// *ai.ModelError whose kind follows ai.IsTransientStatus, carrying
// retryAfter (0 for none). Use it with [Faulty.FailNext] to simulate a 503
// or a 429 with Retry-After.
func StatusError(code int, retryAfter time.Duration) *ai.ModelError {
	return &ai.ModelError{
		Provider:   "injected",
		StatusCode: code,
		Message:    "simulated " + strconv.Itoa(code) + " " + http.StatusText(code),
		Transient:  ai.IsTransientStatus(code),
		RetryAfter: retryAfter,
	}
}

// Faulty wraps a model and injects faults in front of it: queued errors,
// latency, or endless tool calls. Configure it before use; it is safe for
// concurrent use.
type Faulty struct {
	inner ai.Model

	mu       sync.Mutex
	failures []error
	latency  time.Duration
	endless  *ai.ToolCall
	calls    int
	injected []error
}

// Inject wraps m.
func Inject(m ai.Model) *Faulty { return &Faulty{inner: m} }

// FailNext queues errs: the next len(errs) calls fail with them, in order,
// without reaching the wrapped model. Later calls pass through.
func (f *Faulty) FailNext(errs ...error) *Faulty {
	f.mu.Lock()
	f.failures = append(f.failures, errs...)
	f.mu.Unlock()
	return f
}

// WithLatency makes every call wait d first (ending early with the
// context's error when the context ends).
func (f *Faulty) WithLatency(d time.Duration) *Faulty {
	f.mu.Lock()
	f.latency = d
	f.mu.Unlock()
	return f
}

// EndlessToolCalls makes every answer a call of the named tool with the
// given JSON arguments, whatever the wrapped model would say — the runaway
// loop that MaxLLMCalls exists to stop. The wrapped model is still called,
// so its usage and latency are real.
func (f *Faulty) EndlessToolCalls(tool, arguments string) *Faulty {
	f.mu.Lock()
	f.endless = &ai.ToolCall{Name: tool, Arguments: arguments}
	f.mu.Unlock()
	return f
}

// ModelName implements ai.Model.
func (f *Faulty) ModelName() string { return f.inner.ModelName() }

// Ping implements ai.Model by pinging the wrapped model.
func (f *Faulty) Ping(ctx context.Context) (*ai.PingResult, error) { return f.inner.Ping(ctx) }

// Generate implements ai.Model.
func (f *Faulty) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	latency := f.latency
	endless := f.endless
	var fail error
	if len(f.failures) > 0 {
		fail = f.failures[0]
		f.failures = f.failures[1:]
		f.injected = append(f.injected, fail)
	}
	f.mu.Unlock()

	if err := sleep(ctx, latency); err != nil {
		return nil, err
	}
	if fail != nil {
		return nil, fail
	}
	resp, err := f.inner.Generate(ctx, req)
	if err != nil || endless == nil {
		return resp, err
	}
	out := *resp
	out.Message = ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{
		ID: fmt.Sprintf("endless_%d", n), Name: endless.Name, Arguments: endless.Arguments,
	}}}
	out.FinishReason = "tool_calls"
	return &out, nil
}

// Calls is the number of Generate calls received, failed ones included.
func (f *Faulty) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Injected returns the queued errors served so far, in order.
func (f *Faulty) Injected() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]error(nil), f.injected...)
}

// Pending is the number of queued errors not yet served.
func (f *Faulty) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.failures)
}
