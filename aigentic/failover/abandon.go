package failover

import (
	"context"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/deltagate"
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
	gate, onDelta := deltagate.Wrap(req.OnDelta)
	req.OnDelta = onDelta
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
			gate.Close()
			return nil, fmt.Errorf("%w: %s did not return within %s of its attempt's timeout; the call was abandoned: %w",
				ai.ErrTransient, name, AbandonGrace, actx.Err())
		}
	}
	if g.panics {
		panic(g.panic)
	}
	return g.resp, g.err
}
