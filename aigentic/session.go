package aigentic

import (
	"context"
	"math/rand/v2"
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

// newID returns prefix_ and 12 random hex digits (48 bits from
// math/rand/v2's runtime source: ChaCha8, seeded by the system's
// randomness). IDs name runs and sessions in logs and traces; they grant
// nothing, so they need to be unique, not secret.
func newID(prefix string) string {
	var out [19]byte
	n := copy(out[:], prefix)
	out[n] = '_'
	v := rand.Uint64()
	for i := n + 12; i > n; i-- {
		out[i] = hexDigits[v&0xf]
		v >>= 4
	}
	return string(out[:n+13])
}

const hexDigits = "0123456789abcdef"
