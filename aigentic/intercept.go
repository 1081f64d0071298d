package aigentic

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// ErrHalted is matched (errors.Is) by a *HaltError: an interceptor (a
// guardrail, a policy) stopped the run.
var ErrHalted = errors.New("aigentic: run halted by an interceptor")

// ErrConcurrentNext is matched by the error next returns to an interceptor
// that calls it while an earlier call of it, for the same model call or
// tool call, is still running: next may be called again once it returned
// (to retry, as window.Compactor does), never concurrently.
var ErrConcurrentNext = errors.New("aigentic: an interceptor called next again while its earlier call was still running")

// ErrCallEnded is matched by the error next returns to an interceptor that
// calls it after its model call or tool call ended — the chain returned,
// or the run stopped waiting for it (Agent.StopGrace): an interceptor that
// kept next cannot make a model call or run a tool the run never sees.
var ErrCallEnded = errors.New("aigentic: an interceptor called next after its call ended")

// ErrNextContext is matched by the error next returns to an interceptor
// that gives it a context not derived from the one it was given
// (context.Background(), another call's): next needs the call's own, to
// tell which call it continues.
var ErrNextContext = errors.New("aigentic: an interceptor called next with a context not derived from the one it was given")

// ErrNilCall is the error next returns, and the run halts with (inside a
// *HaltError), when an interceptor calls it with a nil *hook.ModelCall or
// *hook.ToolCall: pass on the call it was given, or a changed copy.
var ErrNilCall = errors.New("aigentic: an interceptor called next with a nil call")

// HaltError ends a run an Interceptor stopped: it refused a model call or
// a tool call, or rejected what one returned, or panicked. It names the
// step, wraps the interceptor's error (its reason), and keeps the work
// done so far, as *LimitError does. A sub-agent's halt stops its parent's
// run too, with a *HaltError of the parent's whose Step names the
// sub-agent (`sub-agent "billing", model call 1`).
type HaltError struct {
	// Step is the step refused: "model call 2", `tool "send_email"`.
	Step string
	// Err is the interceptor's error, or a *PanicError when it panicked.
	Err error
	// Transcript is the conversation up to the step, as the run's
	// Messages: every message sent and received, tool results included.
	// At a tool step it ends with the tool calls of the model's last
	// answer and the results of those that returned one; the refused
	// call has none (as a *LimitError's Pending). In a parallel turn it
	// is taken once the turn's other calls have ended.
	Transcript []ai.Message
	// Partial is the last text the model produced in this run, if any
	// (never an answer of an earlier run in Session.History).
	Partial string
}

// Error implements error.
func (e *HaltError) Error() string {
	return fmt.Sprintf("aigentic: run halted at %s: %v", e.Step, e.Err)
}

// Unwrap returns the interceptor's error.
func (e *HaltError) Unwrap() error { return e.Err }

// Is matches ErrHalted.
func (e *HaltError) Is(target error) bool { return target == ErrHalted }

// chain builds the run's interceptor chains, outermost first; nil chains
// (no interceptors) cost the run nothing.
func (r *AgentRun) chain() {
	ics := r.agent.Interceptors
	if len(ics) == 0 {
		return
	}
	model := hook.ModelNext(r.modelOnce)
	tool := hook.ToolNext(r.toolOnce)
	for i := len(ics) - 1; i >= 0; i-- {
		ic, mnext, tnext := ics[i], model, tool
		if ic == nil {
			continue
		}
		model = func(ctx context.Context, call *hook.ModelCall) (resp *ai.Response, err error) {
			defer recoverAs(PanicInInterceptor, &err)
			return ic.InterceptModel(ctx, call, mnext)
		}
		tool = func(ctx context.Context, call *hook.ToolCall) (res *ai.ToolResult, err error) {
			defer recoverAs(PanicInInterceptor, &err)
			return ic.InterceptTool(ctx, call, tnext)
		}
	}
	r.modelNext, r.toolNext = model, tool
}

// modelOnce is the innermost step of the model chain: modelAttempts,
// refused while an earlier call of it still runs (ErrConcurrentNext) or
// once the model call ended (ErrCallEnded).
func (r *AgentRun) modelOnce(ctx context.Context, call *hook.ModelCall) (*ai.Response, error) {
	if call == nil {
		return nil, ErrNilCall
	}
	gen, err := enterGate(ctx, &r.modelGate, func() string { return "model call " + strconv.Itoa(call.Call) })
	if err != nil {
		return nil, err
	}
	defer leaveGate(&r.modelGate, gen)
	return r.modelAttempts(ctx, call)
}

// A call's gate (AgentRun.modelGate, toolFrame.gate) holds the call's
// generation, counted per gate from 1, times 4, plus its state: the
// innermost step of a chain runs only through the open gate of its own
// call — one at a time, and never once that call has ended, nor in a later
// call of the same gate. The chain's context carries its generation
// (chainKey): a kept next, or one given another call's context, is told
// which.
const (
	gateOpen   int32 = iota // the chain runs; next may be called
	gateInner               // the innermost step runs
	gateClosed              // the call ended or was abandoned
)

// gateAt is the gate's value for call gen in state.
func gateAt(gen, state int32) int32 { return gen<<2 | state }

// chainKey is the context key of a chain call's generation.
type chainKey struct{}

// enterGate lets the innermost step of ctx's chain call in through gate,
// returning its generation, or says why not: another call's, or an ended
// one's (ErrCallEnded), or its own running already (ErrConcurrentNext,
// naming step).
func enterGate(ctx context.Context, gate *atomic.Int32, step func() string) (int32, error) {
	gen, ok := ctx.Value(chainKey{}).(int32)
	if !ok {
		return 0, ErrNextContext
	}
	if gate.CompareAndSwap(gateAt(gen, gateOpen), gateAt(gen, gateInner)) {
		return gen, nil
	}
	if v := gate.Load(); v>>2 != gen || v&3 == gateClosed {
		return 0, ErrCallEnded // the call is another's now: read nothing of it
	}
	return 0, fmt.Errorf("%w: %s", ErrConcurrentNext, step())
}

// leaveGate reopens the gate after the innermost step of call gen.
func leaveGate(gate *atomic.Int32, gen int32) {
	gate.CompareAndSwap(gateAt(gen, gateInner), gateAt(gen, gateOpen))
}

// awaitChain runs call, a model call's or a tool call's interceptor chain,
// in ctx marked with the call's new generation on gate, and closes the
// gate when it has returned. When the run can be stopped (stoppable), the
// chain runs in a goroutine of its own, as a tool does (execTool), so a
// stop never waits on an interceptor that ignores its context: once ctx
// ends, the chain gets Agent.StopGrace to return — more while the
// innermost step runs, which honours ctx, being itself abandoned after a
// grace — after which the call is abandoned (abandoned is true; what the
// chain returns later is discarded, and its next is refused with
// ErrCallEnded).
func awaitChain[T any](r *AgentRun, ctx context.Context, gate *atomic.Int32, call func(context.Context) (T, error)) (res T, err error, abandoned bool) {
	gen := gate.Load()>>2 + 1
	gate.Store(gateAt(gen, gateOpen))
	closed := gateAt(gen, gateClosed)
	ctx = context.WithValue(ctx, chainKey{}, gen)
	if !r.stoppable {
		defer gate.Store(closed)
		res, err = call(ctx)
		return res, err, false
	}
	type outcome struct {
		res T
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := call(ctx)
		gate.Store(closed)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err, false
	case <-ctx.Done():
	}
	// While the innermost step runs (or the chain has just returned), the
	// call is not abandoned: a grace more.
	o, ok := waitGrace(r, done, func() bool { return !gate.CompareAndSwap(gateAt(gen, gateOpen), closed) })
	return o.res, o.err, !ok
}

// halted returns err as the chain around step returned it: an error of the
// step itself (the innermost call's, passed on) as it is, an
// interceptor's own wrapped in a *HaltError — or, when the run's context
// has ended meanwhile, a *StoppedError.
func (r *AgentRun) halted(err, inner error, step string) error {
	if inner != nil && errors.Is(err, inner) {
		return err
	}
	if r.ctx.Err() != nil {
		// The run was stopped while an interceptor worked.
		return stopped(r.ctx, step)
	}
	return &HaltError{Step: step, Err: err, Transcript: r.transcript(), Partial: r.partial()}
}
