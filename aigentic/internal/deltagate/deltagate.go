// Package deltagate stops a streamed model call's text once the call is
// abandoned: a model that ignores its context may go on calling
// ai.Request.OnDelta after its caller moved on (to a retry, the next model
// of a failover list, or the end of the run), and that text must neither
// race with what comes next nor reach anyone.
package deltagate

import "sync"

// Gate passes text to next until Close. Send and Close may be called from
// different goroutines; once Close returns, no Send is in flight and none
// passes again.
type Gate struct {
	mu   sync.Mutex
	next func(string)
	shut bool
}

// Wrap returns a gate over next and the function to stream through it in
// next's place; nil, and next itself, when next is nil.
func Wrap(next func(string)) (*Gate, func(string)) {
	if next == nil {
		return nil, nil
	}
	g := &Gate{next: next}
	return g, g.send
}

func (g *Gate) send(text string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.shut {
		g.next(text)
	}
}

// Close stops the gate; a nil gate is a no-op.
func (g *Gate) Close() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.shut = true
	g.mu.Unlock()
}
