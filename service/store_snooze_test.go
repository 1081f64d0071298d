package main

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A provider's Retry-After is followed up to maxRetryAfter; a negative one
// counts as none (River's backoff decides).
func TestRetryAfterIsCapped(t *testing.T) {
	for _, c := range []struct {
		sent, want time.Duration
	}{
		{0, 0},
		{-time.Hour, 0},
		{3 * time.Second, 3 * time.Second},
		{maxRetryAfter, maxRetryAfter},
		{31536000 * time.Second, maxRetryAfter},
	} {
		err := fmt.Errorf("%w: %w", aigentic.ErrRetriesExhausted, aitest.StatusError(429, c.sent))
		if got := retryAfter(err); got != c.want {
			t.Errorf("Retry-After %s: followed %s, want %s", c.sent, got, c.want)
		}
	}
}

// A job follows a Retry-After at most maxSnoozes times: after that the
// failure is returned to River as an error (an attempt used), not another
// snooze, so a provider answering 429 forever cannot park a job forever.
func TestRetryAfterSnoozesAreBounded(t *testing.T) {
	err := fmt.Errorf("%w: %w", aigentic.ErrRetriesExhausted, aitest.StatusError(429, 10*time.Second))
	job := func(n int) *river.Job[AskArgs] {
		return &river.Job[AskArgs]{JobRow: &rivertype.JobRow{Metadata: fmt.Appendf(nil, `{%q: %d}`, retryAfterSnoozesKey, n)}}
	}
	var snooze *river.JobSnoozeError
	if got := jobResult(context.Background(), job(maxSnoozes-1), err); !errors.As(got, &snooze) || snooze.Duration != 10*time.Second {
		t.Fatalf("snooze %d of %d: %v, want a snooze of 10s", maxSnoozes, maxSnoozes, got)
	}
	if got := jobResult(context.Background(), job(maxSnoozes), err); errors.As(got, &snooze) || !errors.Is(got, aigentic.ErrRetriesExhausted) {
		t.Fatalf("after %d snoozes: %v, want the error itself (an attempt)", maxSnoozes, got)
	}
}
