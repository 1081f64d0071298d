package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
)

func TestRetryPolicyDelayGrowsAndCaps(t *testing.T) {
	p := &aigentic.RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Rand: func() float64 { return 0 }}
	// Equal jitter with Rand 0: half the exponential step.
	want := []time.Duration{50, 100, 200, 400, 500, 500, 500}
	for i, w := range want {
		if got := p.Delay(i+1, errors.New("x")); got != w*time.Millisecond {
			t.Errorf("retry %d: delay %s, want %s", i+1, got, w*time.Millisecond)
		}
	}
	if got := p.Delay(0, nil); got != 50*time.Millisecond {
		t.Errorf("retry 0 is treated as the first: %s", got)
	}
	if got := p.Delay(5000, nil); got != 500*time.Millisecond {
		t.Errorf("huge retry number must stay capped: %s", got)
	}

	// Jitter bounds: every delay in [step/2, step), never above MaxDelay.
	for _, r := range []float64{0, 0.5, 0.999} {
		p := &aigentic.RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Rand: func() float64 { return r }}
		for retry := 1; retry <= 8; retry++ {
			step := min(100*time.Millisecond<<(retry-1), time.Second)
			got := p.Delay(retry, nil)
			if got < step/2 || got >= step || got > time.Second {
				t.Errorf("rand %v retry %d: delay %s outside [%s, %s)", r, retry, got, step/2, step)
			}
		}
	}
	hi := (&aigentic.RetryPolicy{BaseDelay: 100 * time.Millisecond, Rand: func() float64 { return 0.999 }}).Delay(1, nil)
	if hi != 99950*time.Microsecond {
		t.Errorf("rand 0.999 retry 1 = %s, want 99.95ms", hi)
	}

	// Defaults: 500ms base, 20s cap.
	d := &aigentic.RetryPolicy{Rand: func() float64 { return 0 }}
	if got := d.Delay(1, nil); got != aigentic.DefaultBaseDelay/2 {
		t.Errorf("default first delay %s", got)
	}
	if got := d.Delay(30, nil); got != aigentic.DefaultMaxDelay/2 {
		t.Errorf("default capped delay %s", got)
	}
	// Without Rand the jitter is still within bounds.
	for i := 0; i < 100; i++ {
		if got := (&aigentic.RetryPolicy{}).Delay(2, nil); got < 500*time.Millisecond || got >= time.Second {
			t.Fatalf("default jitter out of bounds: %s", got)
		}
	}
}

func TestRetryPolicyDelayHonoursRetryAfter(t *testing.T) {
	p := &aigentic.RetryPolicy{BaseDelay: time.Millisecond, Rand: func() float64 { return 0.5 }}
	if got := p.Delay(1, aitest.StatusError(429, 7*time.Second)); got != 7*time.Second {
		t.Errorf("Retry-After 7s: delay %s", got)
	}
	if got := p.Delay(3, fmt.Errorf("wrapped: %w", aitest.StatusError(503, 2*time.Second))); got != 2*time.Second {
		t.Errorf("wrapped Retry-After: delay %s", got)
	}
	if got := p.Delay(1, ai.TransientAfter(errors.New("busy"), 3*time.Second)); got != 3*time.Second {
		t.Errorf("TransientAfter: delay %s", got)
	}
	if got := p.Delay(1, aitest.StatusError(429, time.Hour)); got != aigentic.DefaultMaxRetryAfter {
		t.Errorf("Retry-After 1h capped by default: %s", got)
	}
	p.MaxRetryAfter = 30 * time.Second
	if got := p.Delay(1, aitest.StatusError(429, 10*time.Minute)); got != 30*time.Second {
		t.Errorf("Retry-After capped at MaxRetryAfter: %s", got)
	}
}

// Every transient kind of model failure is retried, with the backoff waits.
func TestModelTransientFailuresRetried(t *testing.T) {
	cases := map[string]error{
		"503":                aitest.StatusError(503, 0),
		"429":                aitest.StatusError(429, 0),
		"408":                aitest.StatusError(408, 0),
		"500":                aitest.StatusError(500, 0),
		"502":                aitest.StatusError(502, 0),
		"504":                aitest.StatusError(504, 0),
		"net.OpError":        &net.OpError{Op: "read", Net: "tcp", Err: errors.New("i/o failure")},
		"ECONNRESET wrapped": fmt.Errorf("post https://api: %w", syscall.ECONNRESET),
		"ECONNRESET in OpError": &net.OpError{Op: "read", Net: "tcp",
			Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}},
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			s := &sleeper{}
			inner := aitest.NewScripted(aitest.Reply("ok"))
			model := aitest.Inject(inner).FailNext(fault, fault)
			run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 2, RetryPolicy: s.Policy()}.Start("hi")
			if err != nil {
				t.Fatal(err)
			}
			got, err := run.Wait(0)
			if err != nil || got != "ok" {
				t.Fatalf("run = %q, %v", got, err)
			}
			if model.Calls() != 3 || inner.Calls() != 1 {
				t.Fatalf("attempts %d (inner %d), want 3 (1)", model.Calls(), inner.Calls())
			}
			if !reflect.DeepEqual(s.Delays(), []time.Duration{5 * time.Millisecond, 10 * time.Millisecond}) {
				t.Fatalf("backoff waits %v, want [5ms 10ms]", s.Delays())
			}
			if st := run.Stats(); st.LLMCalls != 1 || st.Retries != 2 {
				t.Fatalf("stats = %+v", st)
			}
		})
	}
}

// An attempt that exceeds RetryPolicy.AttemptTimeout is a transient failure.
func TestAttemptTimeoutRetried(t *testing.T) {
	s := &sleeper{}
	pol := s.Policy()
	pol.AttemptTimeout = 20 * time.Millisecond
	model := aitest.NewScripted(aitest.Reply("too slow").After(10*time.Second), aitest.Reply("fast"))
	var got string
	var err error
	within(t, 5*time.Second, func() {
		got, err = aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 1, RetryPolicy: pol}.Execute("hi")
	})
	if err != nil || got != "fast" {
		t.Fatalf("run = %q, %v", got, err)
	}
	if model.Calls() != 2 || len(s.Delays()) != 1 {
		t.Fatalf("calls %d sleeps %v", model.Calls(), s.Delays())
	}

	// Without a retry left, the timeout is the error, and it says so.
	model = aitest.NewScripted(aitest.Reply("too slow").After(10 * time.Second))
	within(t, 5*time.Second, func() {
		_, err = aigentic.Agent{Model: model, Logger: discardLogger(), RetryPolicy: pol}.Execute("hi")
	})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, aigentic.ErrRetriesExhausted) {
		t.Fatalf("err = %v", err)
	}
	var se *aigentic.StoppedError
	if errors.As(err, &se) {
		t.Fatalf("an attempt timeout is not a stopped run: %v", err)
	}

	// A model that ignores its context is abandoned StopGrace after the
	// attempt's timeout, and the attempt retried.
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int32
	deaf := &runtest.FuncModel{Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		if calls.Add(1) == 1 {
			<-release
		}
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "fast"}}, nil
	}}
	within(t, 5*time.Second, func() {
		got, err = aigentic.Agent{Model: deaf, Logger: discardLogger(), Retries: 1, RetryPolicy: pol, StopGrace: time.Millisecond}.Execute("hi")
	})
	if err != nil || got != "fast" || calls.Load() != 2 {
		t.Fatalf("run on a model deaf to the attempt timeout = %q, %v after %d calls; want the second attempt's answer", got, err, calls.Load())
	}
}

func TestRetryAfterHonouredAndCapped(t *testing.T) {
	for _, tc := range []struct {
		retryAfter, max, want time.Duration
	}{
		{7 * time.Second, 0, 7 * time.Second},
		{1500 * time.Millisecond, 0, 1500 * time.Millisecond},
		{10 * time.Minute, 30 * time.Second, 30 * time.Second},
	} {
		s := &sleeper{}
		pol := s.Policy()
		pol.MaxRetryAfter = tc.max
		model := aitest.Inject(aitest.NewScripted(aitest.Reply("ok"))).FailNext(aitest.StatusError(429, tc.retryAfter))
		if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 1, RetryPolicy: pol}).Execute("hi"); err != nil {
			t.Fatal(err)
		}
		if d := s.Delays(); len(d) != 1 || d[0] != tc.want {
			t.Errorf("Retry-After %s (max %s): waited %v, want %s", tc.retryAfter, tc.max, d, tc.want)
		}
	}
}

// The backoff wait (the real, timer-based one) ends at once when the
// session is cancelled.
func TestBackoffWaitEndsOnCancel(t *testing.T) {
	session := aigentic.NewSession(context.Background())
	model := aitest.Inject(aitest.NewScripted(aitest.Reply("never"))).FailNext(aitest.StatusError(503, 0))
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), Session: session, Retries: 3,
		RetryPolicy: &aigentic.RetryPolicy{BaseDelay: 10 * time.Minute, MaxDelay: time.Hour},
	}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	var got error
	within(t, 5*time.Second, func() {
		for ev := range run.Next() {
			if re, ok := ev.(*aigentic.RetryEvent); ok {
				if re.Delay < 5*time.Minute {
					t.Errorf("retry delay %s, want the long backoff", re.Delay)
				}
				go session.Cancel()
			}
		}
		_, got = run.Wait(0)
	})
	if !errors.Is(got, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", got)
	}
	var se *aigentic.StoppedError
	if !errors.As(got, &se) || !strings.Contains(se.During, "backoff") {
		t.Fatalf("StoppedError = %+v", se)
	}
	if model.Calls() != 1 {
		t.Fatalf("model calls %d, want 1: no attempt after the cancel", model.Calls())
	}
}

// An injected Sleep that honours the context stops the run too.
func TestBackoffInjectedSleepSeesCancel(t *testing.T) {
	session := aigentic.NewSession(context.Background())
	model := aitest.Inject(aitest.NewScripted(aitest.Reply("never"))).FailNext(aitest.StatusError(503, 0))
	pol := &aigentic.RetryPolicy{Sleep: func(ctx context.Context, d time.Duration) error {
		session.Cancel()
		<-ctx.Done()
		return ctx.Err()
	}}
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), Session: session, Retries: 3, RetryPolicy: pol}.Execute("hi")
	if !errors.Is(err, context.Canceled) || model.Calls() != 1 {
		t.Fatalf("err = %v, calls %d", err, model.Calls())
	}
}

func TestPermanentModelErrorsFailAtOnce(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404} {
		s := &sleeper{}
		fault := aitest.StatusError(code, 0)
		model := aitest.Inject(aitest.NewScripted(aitest.Reply("never"))).FailNext(fault)
		run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 5, RetryPolicy: s.Policy()}.Start("hi")
		if err != nil {
			t.Fatal(err)
		}
		_, err = run.Wait(0)
		if err == nil {
			t.Fatalf("%d: run succeeded", code)
		}
		if model.Calls() != 1 || len(s.Delays()) != 0 {
			t.Errorf("%d: %d model calls, sleeps %v; want exactly 1 call", code, model.Calls(), s.Delays())
		}
		if !errors.Is(err, fault) || !errors.Is(err, ai.ErrPermanent) || errors.Is(err, aigentic.ErrRetriesExhausted) {
			t.Errorf("%d: err = %v", code, err)
		}
		var mce *aigentic.ModelCallError
		if !errors.As(err, &mce) || mce.Attempts != 1 || mce.Exhausted || mce.Call != 1 {
			t.Errorf("%d: ModelCallError = %+v", code, mce)
		}
		if !strings.Contains(err.Error(), "not retryable") || !strings.Contains(err.Error(), fmt.Sprint(code)) {
			t.Errorf("%d: error text %q", code, err)
		}
		if st := run.Stats(); st.Retries != 0 || st.LLMCalls != 1 {
			t.Errorf("%d: stats %+v", code, st)
		}
	}
}

func TestRetriesExhausted(t *testing.T) {
	s := &sleeper{}
	e1, e2, e3 := aitest.StatusError(503, 0), aitest.StatusError(502, 0), aitest.StatusError(504, 0)
	model := aitest.Inject(aitest.NewScripted(aitest.Reply("never"))).FailNext(e1, e2, e3, aitest.StatusError(500, 0))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 2, RetryPolicy: s.Policy()}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Wait(0)
	if model.Calls() != 3 || model.Pending() != 1 {
		t.Fatalf("attempts %d, want 3 (Retries 2 = 2 more attempts)", model.Calls())
	}
	if !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("error %q does not say how many attempts", err)
	}
	if !errors.Is(err, e3) || errors.Is(err, e1) || !errors.Is(err, aigentic.ErrRetriesExhausted) || !errors.Is(err, ai.ErrTransient) {
		t.Fatalf("err = %v: must wrap the last cause and match ErrRetriesExhausted", err)
	}
	var me *ai.ModelError
	if !errors.As(err, &me) || me.StatusCode != 504 {
		t.Fatalf("ModelError = %+v", me)
	}
	if st := run.Stats(); st.Retries != 2 || st.LLMCalls != 1 {
		t.Fatalf("stats = %+v", st)
	}

	// Retries 0: one attempt, and the message reads right.
	model = aitest.Inject(aitest.NewScripted(aitest.Reply("never"))).FailNext(e1)
	_, err = aigentic.Agent{Model: model, Logger: discardLogger(), RetryPolicy: s.Policy()}.Execute("hi")
	if model.Calls() != 1 || !errors.Is(err, aigentic.ErrRetriesExhausted) || !strings.Contains(err.Error(), "after 1 attempt:") {
		t.Fatalf("Retries 0: calls %d, err %v", model.Calls(), err)
	}
}

// A tool returning ai.Transient is retried within the same budget.
func TestTransientToolErrorRetried(t *testing.T) {
	s := &sleeper{}
	errFlaky := errors.New("upstream flaked")
	tool := &countingTool{}
	tool.Res = func(map[string]any) (*ai.ToolResult, error) {
		if tool.Count() < 3 {
			return nil, ai.Transient(errFlaky)
		}
		return ai.Text("fetched"), nil
	}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("fetch", `{}`)), aitest.Reply("done"))
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), Retries: 2, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{tool.Tool("fetch", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := run.Wait(0); err != nil || got != "done" {
		t.Fatalf("run = %q, %v", got, err)
	}
	if tool.Count() != 3 || len(s.Delays()) != 2 {
		t.Fatalf("tool ran %d times, sleeps %v", tool.Count(), s.Delays())
	}
	tm := toolMessages(model.Requests()[1].Messages)
	if tm[0].IsError || tm[0].Content != "fetched" {
		t.Fatalf("tool message = %+v", tm[0])
	}
	if st := run.Stats(); st.Retries != 2 || st.ToolCalls != 1 || st.LLMCalls != 2 {
		t.Fatalf("stats = %+v", st)
	}

	// Budget exhausted: Retries 1 = 2 runs, then a *ToolError.
	s2 := &sleeper{}
	always := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return nil, ai.Transient(errFlaky) }}
	model = aitest.NewScripted(aitest.CallTools(aitest.Call("fetch", `{}`)), aitest.Reply("never"))
	_, err = aigentic.Agent{
		Model: model, Logger: discardLogger(), Retries: 1, RetryPolicy: s2.Policy(),
		AgentTools: []aigentic.AgentTool{always.Tool("fetch", nil)},
	}.Execute("go")
	var te *aigentic.ToolError
	if !errors.As(err, &te) || te.Attempts != 2 || !te.Exhausted || !errors.Is(err, errFlaky) ||
		!errors.Is(err, aigentic.ErrRetriesExhausted) || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Fatalf("err = %v (%+v)", err, te)
	}
	if always.Count() != 2 || len(s2.Delays()) != 1 {
		t.Fatalf("tool ran %d times, sleeps %v", always.Count(), s2.Delays())
	}
}

// A NewTool tool returning ai.Transient is retried too.
func TestTransientNewToolRetried(t *testing.T) {
	s := &sleeper{}
	n := 0
	tool := aigentic.NewTool("fetch", "", func(run *aigentic.AgentRun, in struct{}) (string, error) {
		n++
		if n == 1 {
			return "", ai.Transient(errors.New("429 upstream"))
		}
		return "ok", nil
	})
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("fetch", `{}`)), aitest.Reply("done"))
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), Retries: 1, RetryPolicy: s.Policy(), AgentTools: []aigentic.AgentTool{tool}}.Execute("go")
	if err != nil || n != 2 {
		t.Fatalf("err %v, ran %d", err, n)
	}
}
