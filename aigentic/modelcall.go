package aigentic

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/deltagate"
)

// callModel makes one model call: through the agent's interceptors, if
// any, to modelAttempts.
func (r *AgentRun) callModel() (*ai.Response, error) {
	if r.ctx.Err() != nil {
		// Stopped before the call began: it does not count as made.
		return nil, stopped(r.ctx, "model call "+strconv.Itoa(r.ownCalls+1))
	}
	r.ownCalls++
	r.mcall = hook.ModelCall{Run: &r.info, Call: r.ownCalls, Request: ai.Request{Messages: r.messages, Tools: r.aiTools}}
	if r.agent.Stream {
		r.mcall.Request.OnDelta = r.onDelta
	}
	if r.modelNext == nil {
		resp, err := r.modelAttempts(r.ctx, &r.mcall)
		if err != nil {
			return nil, err
		}
		return r.unlessStopped(resp)
	}
	r.innerErr = nil
	resp, err, abandoned := awaitChain(r, r.ctx, &r.modelGate, func(ctx context.Context) (*ai.Response, error) { return r.modelNext(ctx, &r.mcall) })
	if abandoned {
		return nil, stopped(r.ctx, "model call "+strconv.Itoa(r.ownCalls)+" (an interceptor did not return within Agent.StopGrace; the call was abandoned)")
	}
	if err == nil && resp == nil {
		err = fmt.Errorf("an interceptor returned neither a response nor an error")
	}
	if err != nil {
		return nil, r.halted(err, r.innerErr, "model call "+strconv.Itoa(r.mcall.Call))
	}
	return r.unlessStopped(resp)
}

// unlessStopped returns resp, or a *StoppedError when the run was stopped
// while the model (or an interceptor) answered: an answer that comes after
// Cancel, Wait's timeout or the context's end does not make the run a
// success.
func (r *AgentRun) unlessStopped(resp *ai.Response) (*ai.Response, error) {
	if r.ctx.Err() != nil {
		return nil, stopped(r.ctx, "model call "+strconv.Itoa(r.ownCalls))
	}
	return resp, nil
}

// generate calls the model in ctx. When something can stop the run, or
// the attempt has a timeout, the call runs in a goroutine of its own, as a
// tool's does (execTool): once ctx ends, the model gets Agent.StopGrace
// to return, after which the call is abandoned — its answer, if it comes,
// discarded — and generate returns ctx's error, so a stop never waits on
// a model that ignores its context. A call nothing can stop runs here.
func (r *AgentRun) generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if !r.stoppable && r.policy.AttemptTimeout <= 0 {
		return r.callGenerate(ctx, req)
	}
	gate, onDelta := deltagate.Wrap(req.OnDelta)
	req.OnDelta = onDelta
	type answer struct {
		resp *ai.Response
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := r.callGenerate(ctx, req)
		done <- answer{resp, err}
	}()
	select {
	case a := <-done:
		return a.resp, a.err
	case <-ctx.Done():
	}
	if a, ok := waitGrace(r, done, nil); ok {
		return a.resp, a.err
	}
	gate.Close()
	return nil, fmt.Errorf("%w: the model did not return within %s of its context's end; the call was abandoned", ctx.Err(), r.stopGrace())
}

// callGenerate calls the model, turning a panic into a *PanicError
// (PanicInModel).
func (r *AgentRun) callGenerate(ctx context.Context, req ai.Request) (resp *ai.Response, err error) {
	defer recoverAs(PanicInModel, &err)
	return r.agent.Model.Generate(ctx, req)
}

// modelAttempts sends call.Request, retrying transient failures within
// Agent.Retries, each attempt paced by the rate limiter and reported to
// the observers. It is the innermost step of the model call chain.
func (r *AgentRun) modelAttempts(ctx context.Context, call *hook.ModelCall) (resp *ai.Response, err error) {
	defer func() { r.innerErr = err }()
	n := call.Call
	if len(call.Request.Messages) == 0 {
		// Only an interceptor can leave a request empty; no server takes one.
		return nil, &ModelCallError{Call: n, Err: errors.New("the request has no messages: an interceptor removed them all")}
	}
	// An interceptor may call next again for the same model call (to
	// retry, as window.Compactor does): its attempts are numbered on from
	// the last, so observers see each request once, and Stats counts one
	// model call. Agent.Retries and the backoff apply to each call of next.
	first := 1
	if last := &r.st.modelStart; last.Run == &r.info && last.Call == n {
		first = last.Attempt + 1
	}
	for attempt := first; ; attempt++ {
		try := attempt - first + 1
		if r.ctx.Err() != nil {
			return nil, stopped(r.ctx, "model call "+strconv.Itoa(n))
		}
		if r.agent.RateLimiter != nil {
			if err := r.waitRateLimit(n); err != nil {
				return nil, err
			}
		}
		r.st.modelStart = hook.ModelStart{Run: &r.info, Call: n, Attempt: attempt, Request: &call.Request}
		mctx := r.observe(ctx, &r.st.modelStart)
		actx, cancel := mctx, context.CancelFunc(nil)
		if r.policy.AttemptTimeout > 0 {
			actx, cancel = context.WithTimeout(mctx, r.policy.AttemptTimeout)
		}
		if r.agent.Stream {
			r.resetStreamed()
		}
		start := r.now()
		resp, err := r.generate(actx, call.Request)
		d := r.elapsed(start, r.now())
		if cancel != nil {
			cancel()
		}
		if err == nil && resp == nil {
			err = &ai.ModelError{Provider: r.info.Model, Message: "model returned neither a response nor an error"}
		}
		end := &r.st.modelEnd
		*end = hook.ModelEnd{Run: &r.info, Call: n, Attempt: attempt, Response: resp, Err: err, Duration: d}
		if err == nil {
			end.CostUSD = r.agent.Pricing.Cost(resp.Usage)
			r.note(mctx, end)
			return resp, nil
		}
		end.Response, end.ErrorType = nil, errorType(err)
		if te, ok := asTruncated(err); ok {
			// A truncated answer was paid for: its tokens count.
			end.CostUSD = r.agent.Pricing.Cost(te.Usage)
		}
		if r.ctx.Err() != nil {
			r.note(mctx, end)
			return nil, stopped(r.ctx, "model call "+strconv.Itoa(n))
		}
		transient := ai.IsTransient(err)
		if !transient || try > r.agent.Retries {
			end.Exhausted = transient
			r.note(mctx, end)
			return nil, &ModelCallError{Call: n, Attempts: attempt, Exhausted: transient, Err: err}
		}
		d, perr := r.policy.delay(try, err)
		if perr != nil {
			r.note(mctx, end)
			return nil, perr
		}
		end.RetryIn, end.WillRetry = d, true
		retryIn := d
		r.note(mctx, end)
		if err := r.backoff(retryIn, "model call "+strconv.Itoa(n)); err != nil {
			return nil, err
		}
	}
}

// waitRateLimit waits for the agent's rate limiter before a request.
func (r *AgentRun) waitRateLimit(call int) error {
	start := time.Now()
	err := r.limiterWait()
	r.st.rateLimitWait = hook.RateLimitWait{Run: &r.info, Call: call, Wait: time.Since(start), Err: err}
	r.note(r.ctx, &r.st.rateLimitWait)
	if pe, ok := err.(*PanicError); ok {
		return pe // a broken limiter, not back-pressure
	}
	if err != nil {
		if r.ctx.Err() != nil {
			return stopped(r.ctx, "rate-limit wait before model call "+strconv.Itoa(call))
		}
		return fmt.Errorf("%w: model call %d: %w", ErrRateLimited, call, err)
	}
	return nil
}

// modelNames are m's ModelName and provider name (ai.ProviderName), a
// panic a *PanicError (PanicInModel).
func modelNames(m ai.Model) (name, provider string, err error) {
	defer recoverAs(PanicInModel, &err)
	return m.ModelName(), ai.ProviderName(m), nil
}

// limiterWait is the rate limiter's Wait, a panic a *PanicError.
func (r *AgentRun) limiterWait() (err error) {
	defer recoverAs(PanicInRateLimiter, &err)
	return r.agent.RateLimiter.Wait(r.ctx)
}

// resetStreamed forgets what an earlier attempt streamed.
func (r *AgentRun) resetStreamed() {
	r.mu.Lock()
	if r.rare != nil {
		r.rare.streamed.Reset()
	}
	r.mu.Unlock()
}

// onDelta keeps a streamed piece of the answer (StoppedError.Partial)
// and reports it to the observers.
func (r *AgentRun) onDelta(text string) {
	r.mu.Lock()
	r.rareLocked().streamed.WriteString(text)
	r.mu.Unlock()
	r.st.content = hook.Content{Run: &r.info, Text: text, Delta: true}
	r.note(r.ctx, &r.st.content)
}
