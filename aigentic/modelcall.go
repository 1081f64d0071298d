package aigentic

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
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
		return r.modelAttempts(r.ctx, &r.mcall)
	}
	r.innerErr = nil
	resp, err := r.modelNext(r.ctx, &r.mcall)
	if err == nil && resp == nil {
		err = fmt.Errorf("an interceptor returned neither a response nor an error")
	}
	if err != nil {
		return nil, r.halted(err, r.innerErr, "model call "+strconv.Itoa(r.mcall.Call))
	}
	return resp, nil
}

// modelAttempts sends call.Request, retrying transient failures within
// Agent.Retries, each attempt paced by the rate limiter and reported to
// the observers. It is the innermost step of the model call chain.
func (r *AgentRun) modelAttempts(ctx context.Context, call *hook.ModelCall) (resp *ai.Response, err error) {
	defer func() { r.innerErr = err }()
	n := call.Call
	for attempt := 1; ; attempt++ {
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
		start := r.now()
		resp, err := r.agent.Model.Generate(actx, call.Request)
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
		if !transient || attempt > r.agent.Retries {
			end.Exhausted = transient
			r.note(mctx, end)
			return nil, &ModelCallError{Call: n, Attempts: attempt, Exhausted: transient, Err: err}
		}
		end.RetryIn, end.WillRetry = r.policy.Delay(attempt, err), true
		retryIn := end.RetryIn
		r.note(mctx, end)
		if err := r.backoff(retryIn, "model call "+strconv.Itoa(n)); err != nil {
			return nil, err
		}
	}
}

// waitRateLimit waits for the agent's rate limiter before a request.
func (r *AgentRun) waitRateLimit(call int) error {
	start := time.Now()
	err := r.agent.RateLimiter.Wait(r.ctx)
	r.st.rateLimitWait = hook.RateLimitWait{Run: &r.info, Call: call, Wait: time.Since(start), Err: err}
	r.note(r.ctx, &r.st.rateLimitWait)
	if err != nil {
		if r.ctx.Err() != nil {
			return stopped(r.ctx, "rate-limit wait before model call "+strconv.Itoa(call))
		}
		return fmt.Errorf("%w: model call %d: %w", ErrRateLimited, call, err)
	}
	return nil
}

func (r *AgentRun) onDelta(text string) {
	r.st.content = hook.Content{Run: &r.info, Text: text, Delta: true}
	r.note(r.ctx, &r.st.content)
}
