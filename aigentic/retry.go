package aigentic

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// RetryPolicy shapes the waits between attempts of a failed step. The
// number of retries is Agent.Retries; the policy only says how long to wait.
// The zero value is usable: every zero field takes its default.
type RetryPolicy struct {
	// BaseDelay is the first backoff (default 500ms); each retry doubles it.
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 20s).
	MaxDelay time.Duration
	// MaxRetryAfter caps how long a server's Retry-After is honoured
	// (default 60s): a longer request waits this long, then tries.
	MaxRetryAfter time.Duration
	// AttemptTimeout bounds each model attempt; 0 means no per-attempt
	// bound (the session's context still applies). An attempt that times
	// out is a transient failure.
	AttemptTimeout time.Duration
	// Rand returns a number in [0,1) for jitter; nil uses math/rand/v2.
	Rand func() float64
	// Sleep waits d or until ctx ends, returning ctx's error then; nil uses
	// a timer. Tests inject one that records the delays and returns at once.
	// Another error it returns (it gave up waiting) ends the run with that
	// error, wrapped.
	Sleep func(ctx context.Context, d time.Duration) error
}

// defaultRetryPolicy is the policy of an agent without one: the zero
// value, shared (a RetryPolicy is only read).
var defaultRetryPolicy RetryPolicy

// Default policy values.
const (
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 20 * time.Second
	DefaultMaxRetryAfter = 60 * time.Second
)

// Delay returns the wait before retry number retry (1 for the first retry)
// after err. A server's Retry-After, when err carries one, is honoured up to
// MaxRetryAfter. Otherwise the backoff is exponential — BaseDelay × 2^(retry-1),
// capped at MaxDelay — with "equal jitter": half fixed, half random, so
// clients that failed together do not retry together.
func (p *RetryPolicy) Delay(retry int, err error) time.Duration {
	maxRA := p.MaxRetryAfter
	if maxRA <= 0 {
		maxRA = DefaultMaxRetryAfter
	}
	if ra, ok := ai.RetryAfterOf(err); ok {
		return min(ra, maxRA)
	}
	base, maxD := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = DefaultBaseDelay
	}
	if maxD <= 0 {
		maxD = DefaultMaxDelay
	}
	if retry < 1 {
		retry = 1
	}
	d := float64(base) * math.Pow(2, float64(retry-1))
	if d > float64(maxD) {
		d = float64(maxD)
	}
	r := rand.Float64
	if p.Rand != nil {
		r = p.Rand
	}
	return time.Duration(d/2 + r()*d/2)
}

// delay is Delay for the run loop: a panic of the policy's Rand is a
// *PanicError (PanicInRetryPolicy) instead.
func (p *RetryPolicy) delay(retry int, err error) (d time.Duration, perr error) {
	defer recoverAs(PanicInRetryPolicy, &perr)
	return p.Delay(retry, err), nil
}

// wait sleeps d, ending early when ctx ends; a panic of the policy's
// Sleep is a *PanicError (PanicInRetryPolicy).
func (p *RetryPolicy) wait(ctx context.Context, d time.Duration) (err error) {
	if p.Sleep != nil {
		defer recoverAs(PanicInRetryPolicy, &err)
		if err := p.Sleep(ctx, d); err != nil {
			return err
		}
		return ctx.Err()
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff waits d before a retry of what during names ("model call 2"):
// a *StoppedError when the run's context ended, else the error of the
// policy's Sleep (one that gave up waiting by itself), wrapped.
func (r *AgentRun) backoff(d time.Duration, during string) error {
	err := r.policy.wait(r.ctx, d)
	switch {
	case err == nil:
		return nil
	case r.ctx.Err() != nil:
		return stopped(r.ctx, "backoff before retry of "+during)
	}
	return fmt.Errorf("aigentic: backoff before retry of %s: %w", during, err)
}
