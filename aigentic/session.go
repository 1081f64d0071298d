package aigentic

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Session groups runs under one context: cancelling the session, or its
// context ending (a timeout, a shutdown signal), stops every run in it.
type Session struct {
	// ID identifies the session in logs and traces.
	ID string
	// Context is the session's context; runs derive theirs from it.
	Context context.Context

	cancel context.CancelFunc
}

// NewSession returns a session whose runs end when ctx ends or when the
// session is cancelled. A nil ctx means context.Background().
func NewSession(ctx context.Context) *Session {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancel(ctx)
	return &Session{ID: newID("ses"), Context: ctx, cancel: cancel}
}

// Cancel stops every run in the session, with context.Canceled. It is safe
// to call more than once and from any goroutine.
func (s *Session) Cancel() {
	if s != nil && s.cancel != nil {
		s.cancel()
	}
}

// Err returns the session context's error: nil while it is live.
func (s *Session) Err() error {
	if s == nil || s.Context == nil {
		return nil
	}
	return s.Context.Err()
}

// newID returns prefix_ and 12 random hex digits.
func newID(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	var out [19]byte
	n := copy(out[:], prefix)
	out[n] = '_'
	hex.Encode(out[n+1:], b[:])
	return string(out[:n+13])
}
