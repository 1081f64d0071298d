package main

import (
	"log/slog"
	"testing"
	"time"
)

// River keeps a completed job at least as long as its Idempotency-Key
// counts, so a retry within the window can still GET the job it replays.
func TestRiverKeepsCompletedJobsThroughTheIdempotencyWindow(t *testing.T) {
	for window, want := range map[time.Duration]time.Duration{time.Hour: 24 * time.Hour, 72 * time.Hour: 72 * time.Hour} {
		s := &service{logger: slog.New(slog.DiscardHandler), cfg: config{idempotencyWindow: window}}
		if got := s.riverConfig().CompletedJobRetentionPeriod; got != want {
			t.Errorf("-idempotency-window %s: River keeps completed jobs %s, want %s", window, got, want)
		}
	}
}
