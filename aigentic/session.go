package aigentic

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Session groups runs under one context: cancelling the session, or its
// context ending (a timeout, a shutdown signal), stops every run in it.
type Session struct {
	// ID identifies the session in logs and traces.
	ID string
	// Context is the session's context; runs derive theirs from it.
	Context context.Context
	// History, when set, keeps the session's conversation across runs: a
	// run starts from what it holds (after the agent's instructions) and,
	// when it ends, adds the run's messages to it (see package
	// aigentic/conversation for stores with turn and token caps). Nil
	// means each run starts afresh. A sub-agent's run never uses it.
	History History

	cancel context.CancelFunc
}

// History is a conversation kept across the runs of a session.
type History interface {
	// Load returns the conversation so far, oldest first, without system
	// messages. It must be a conversation a model accepts: every tool
	// call answered.
	Load(ctx context.Context) ([]ai.Message, error)
	// Append adds what one run added to the conversation: the user's
	// message, then the model's answers and the tool results, ending
	// with no tool call unanswered.
	Append(ctx context.Context, msgs []ai.Message) error
}

// ErrHistory is matched (errors.Is) by a *HistoryError.
var ErrHistory = errors.New("aigentic: session history failed")

// HistoryError is a Session.History that failed: Load before the run
// (nothing ran), or Append after it (the run's answer is in Answer and
// the run's messages in Messages: nothing done is lost).
type HistoryError struct {
	// Op is "load" or "append".
	Op string
	// Err is the store's error (a *PanicError when it panicked).
	Err error
	// Answer is the run's answer, when Append failed after a run that
	// succeeded.
	Answer string
	// Messages are what Append was given.
	Messages []ai.Message
}

// Error implements error.
func (e *HistoryError) Error() string {
	return fmt.Sprintf("aigentic: session history %s failed: %v", e.Op, e.Err)
}

// Unwrap returns the store's error.
func (e *HistoryError) Unwrap() error { return e.Err }

// Is matches ErrHistory.
func (e *HistoryError) Is(target error) bool { return target == ErrHistory }

// loadHistory is h.Load, a panic a *PanicError (PanicInHistory).
func loadHistory(ctx context.Context, h History) (msgs []ai.Message, err error) {
	defer recoverAs(PanicInHistory, &err)
	return h.Load(ctx)
}

// appendHistory is h.Append, a panic a *PanicError (PanicInHistory).
func appendHistory(ctx context.Context, h History, msgs []ai.Message) (err error) {
	defer recoverAs(PanicInHistory, &err)
	return h.Append(ctx, msgs)
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
	n := putID(out[:], prefix, rand.Uint64())
	return string(out[:n])
}

// newIDs is two newIDs made at once: one allocation for both.
func newIDs(prefix1, prefix2 string) (string, string) {
	var out [38]byte
	n := putID(out[:], prefix1, rand.Uint64())
	m := putID(out[n:], prefix2, rand.Uint64())
	s := string(out[:n+m])
	return s[:n], s[n:]
}

// putID writes prefix, '_' and v's low 48 bits as 12 hex digits into out
// (room for len(prefix)+13 bytes) and returns how many bytes it wrote.
func putID(out []byte, prefix string, v uint64) int {
	n := copy(out, prefix)
	out[n] = '_'
	for i := n + 12; i > n; i-- {
		out[i] = hexDigits[v&0xf]
		v >>= 4
	}
	return n + 13
}

const hexDigits = "0123456789abcdef"
