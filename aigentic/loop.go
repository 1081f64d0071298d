package aigentic

import (
	"context"
	"errors"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// loop is the run: model call → tool calls → results → … → final text.
// Its start was reported by newRun.
func (r *AgentRun) loop() {
	result, err := r.turns()
	r.finish(result, err)
}

// turns calls the model and answers its tool calls until it answers in
// text, a limit is reached, or a step fails.
func (r *AgentRun) turns() (string, error) {
	if result, done, err := r.resumePending(); done {
		return result, err
	}
	for {
		if r.ownCalls >= r.maxCalls {
			return "", r.limitError(nil)
		}
		if err := r.budgetBeforeModelCall(); err != nil {
			return "", err
		}
		resp, err := r.callModel()
		if err != nil {
			return "", err
		}
		msg := resp.Message
		msg.Role = ai.RoleAssistant
		r.uniqueToolCallIDs(&msg) // toolcallids.go
		for i := range msg.ToolCalls {
			if !validToolName(msg.ToolCalls[i].Name) {
				// Keep the transcript sendable: providers refuse a call
				// without a valid function name. The model is told below.
				msg.ToolCalls[i].Name = invalidToolName
			}
		}
		r.appendMessage(msg)
		if err := r.checkpoint(StepModelResponse); err != nil {
			return "", err
		}
		if msg.Content != "" && !r.agent.Stream {
			r.st.content = hook.Content{Run: &r.info, Text: msg.Content}
			r.note(r.ctx, &r.st.content)
		}
		if err := r.budgetAfterResponse(resp.Usage, msg.ToolCalls); err != nil {
			return "", err
		}
		if len(msg.ToolCalls) == 0 {
			if len(r.mcall.FollowUp) == 0 || r.modelNext == nil {
				return msg.Content, nil
			}
			if err := r.followUp(r.mcall.FollowUp); err != nil {
				return "", err
			}
			continue
		}
		if r.ownCalls >= r.maxCalls {
			return "", r.limitError(msg.ToolCalls)
		}
		for i := range msg.ToolCalls {
			if err := r.budgetBeforeToolCall(msg.ToolCalls[i:]); err != nil {
				return "", err
			}
			if err := r.answerAndSave(msg.ToolCalls[i]); err != nil {
				return "", err
			}
		}
	}
}

// answerAndSave answers one tool call, appends its result and saves a
// checkpoint.
func (r *AgentRun) answerAndSave(tc ai.ToolCall) error {
	res, err := r.runTool(&r.seq, tc)
	if err != nil {
		return err
	}
	content := res.String()
	if res.Untrusted {
		content = untrusted.Delimit(tc.Name, content)
	}
	r.appendMessage(ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: content, IsError: res.Error})
	return r.checkpoint(StepToolResult)
}

// followUp appends the messages an interceptor asked to follow an answer
// with (hook.ModelCall.FollowUp), so the loop calls the model again.
func (r *AgentRun) followUp(msgs []ai.Message) error {
	r.mu.Lock()
	r.messages = append(r.messages, msgs...)
	r.stats.FollowUps++
	r.mu.Unlock()
	return r.checkpoint(StepFollowUp)
}

// saveHistory appends the run's messages to its Session.History: those
// of a top-level run, up to the last point where no tool call is left
// unanswered, when the model answered at least once.
func (r *AgentRun) saveHistory(result string, err error) error {
	h := r.session.History
	if h == nil || r.parent != nil {
		return nil
	}
	msgs := answered(r.transcript()[r.historyFrom:])
	if msgs == nil {
		return nil
	}
	if herr := h.Append(context.WithoutCancel(r.ctx), msgs); herr != nil {
		return &HistoryError{Op: "append", Err: herr, Answer: result, Messages: msgs}
	}
	return nil
}

// answered is msgs cut after its last message that leaves no tool call
// unanswered, or nil when that prefix holds no answer of the model.
func answered(msgs []ai.Message) []ai.Message {
	end, open, replied := 0, 0, false
	for i, m := range msgs {
		switch m.Role {
		case ai.RoleAssistant:
			open = len(m.ToolCalls)
			replied = true
		case ai.RoleTool:
			open--
		}
		if open <= 0 && replied {
			end = i + 1
		}
	}
	if end == 0 {
		return nil
	}
	return msgs[:end]
}

// limitError is the *LimitError of a run out of model calls, with pending
// the tool calls left unexecuted.
func (r *AgentRun) limitError(pending []ai.ToolCall) *LimitError {
	r.mu.Lock()
	le := &LimitError{
		Exceeded:   LimitMaxLLMCalls,
		Max:        float64(r.maxCalls),
		Used:       float64(r.ownCalls),
		CostUSD:    r.stats.CostUSD,
		Limit:      r.maxCalls,
		Calls:      r.ownCalls,
		ToolCalls:  r.stats.ToolCalls,
		Transcript: append([]ai.Message(nil), r.messages...),
		Pending:    append([]ai.ToolCall(nil), pending...),
		Usage:      ai.Usage{InputTokens: r.stats.InputTokens, OutputTokens: r.stats.OutputTokens},
	}
	r.mu.Unlock()
	le.Partial = r.partial()
	return le
}

// finish reports the outcome, then releases the run's context and closes
// Done (and, for a top-level run, the events).
func (r *AgentRun) finish(result string, err error) {
	if herr := r.saveHistory(result, err); herr != nil {
		if err == nil {
			err = herr
		} else {
			r.logger.Error("session history not saved", "error", herr)
		}
	}
	err = redactError(err) // the returned error's text holds no secret
	r.mu.Lock()
	r.stats.Duration = time.Since(r.stats.Started)
	s := r.stats
	r.result, r.err = result, err
	r.mu.Unlock()

	r.st.runEnd = hook.RunEnd{Run: &r.info, Result: result, Err: err, Outcome: outcomeOf(err), Stats: s}
	r.note(r.ctx, &r.st.runEnd)
	r.cancel(nil)
	close(r.done)
	if r.parent == nil {
		r.events.close()
	}
}

// isStopped reports whether err holds a *StoppedError.
func isStopped(err error) bool {
	_, ok := errors.AsType[*StoppedError](err)
	return ok
}
