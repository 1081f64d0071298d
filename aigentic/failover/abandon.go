package failover

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// AbandonGrace is how long an attempt bounded by [WithAttemptTimeout]
// waits, once its timeout passed, for a model that ignores its context
// before it abandons the call and moves on: the model's answer, if it
// comes, is discarded, and what it still streams is dropped. The same
// 250 ms the runtime gives a tool or a model after a stop
// (aigentic.DefaultStopGrace): a model that honours its context returns
// within microseconds.
const AbandonGrace = 250 * time.Millisecond

// graceTimer starts AbandonGrace's timer; tests replace it to run the
// grace at once.
var graceTimer = time.NewTimer

// generated is what a model's Generate gave, or the panic it raised.
type generated struct {
	resp   *ai.Response
	err    error
	panic  any
	panics bool
}

// generateBounded calls model in actx, which ends at the attempt's
// timeout, on a goroutine of its own, so a model that ignores its context
// cannot hold the list: AbandonGrace after actx ended the call is
// abandoned with a transient error wrapping context.DeadlineExceeded. A
// panic in the model is raised again here, on the caller's goroutine.
func generateBounded(actx context.Context, model ai.Model, req ai.Request, name string) (*ai.Response, error) {
	var gate *deltaGate
	if req.OnDelta != nil {
		gate = &deltaGate{next: req.OnDelta, live: true}
		req.OnDelta = gate.send
	}
	done := make(chan generated, 1)
	go func() {
		var g generated
		defer func() {
			if v := recover(); v != nil {
				g = generated{panic: v, panics: true}
			}
			done <- g
		}()
		g.resp, g.err = model.Generate(actx, req)
	}()
	var g generated
	select {
	case g = <-done:
	case <-actx.Done():
		timer := graceTimer(AbandonGrace)
		defer timer.Stop()
		select {
		case g = <-done:
		case <-timer.C:
			gate.close()
			return nil, fmt.Errorf("%w: %s did not return within %s of its attempt's timeout; the call was abandoned: %w",
				ai.ErrTransient, name, AbandonGrace, actx.Err())
		}
	}
	if g.panics {
		panic(g.panic)
	}
	return g.resp, g.err
}

// deltaGate passes an attempt's streamed text on until the attempt is
// abandoned; after close nothing more passes and none is in flight.
type deltaGate struct {
	mu   sync.Mutex
	next func(string)
	live bool
}

func (g *deltaGate) send(text string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live {
		g.next(text)
	}
}

func (g *deltaGate) close() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.live = false
	g.mu.Unlock()
}
