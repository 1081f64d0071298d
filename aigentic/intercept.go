package aigentic

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

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
	// Partial is the last text the model produced, if any.
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
			defer recoverInterceptor(&err)
			return ic.InterceptModel(ctx, call, mnext)
		}
		tool = func(ctx context.Context, call *hook.ToolCall) (res *ai.ToolResult, err error) {
			defer recoverInterceptor(&err)
			return ic.InterceptTool(ctx, call, tnext)
		}
	}
	r.modelNext, r.toolNext = model, tool
}

// modelOnce is the innermost step of the model chain: modelAttempts,
// refused with ErrConcurrentNext while an earlier call of it still runs.
func (r *AgentRun) modelOnce(ctx context.Context, call *hook.ModelCall) (*ai.Response, error) {
	if !r.inModel.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("%w: model call %d", ErrConcurrentNext, call.Call)
	}
	defer r.inModel.Store(false)
	return r.modelAttempts(ctx, call)
}

// recoverInterceptor turns an interceptor's panic into a *PanicError.
func recoverInterceptor(err *error) {
	if v := recover(); v != nil {
		*err = &PanicError{Value: v, Stack: debug.Stack(), Source: PanicInInterceptor}
	}
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
