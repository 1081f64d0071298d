package aigentic

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

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
		if r.ownCalls >= r.agent.MaxLLMCalls {
			return "", r.limitError(nil)
		}
		if err := r.budgetBeforeModelCall(); err != nil {
			return "", err
		}
		resp, err := r.callModel()
		if err != nil {
			if tf, ok := errors.AsType[*ai.ToolUseFailedError](err); ok && r.toolUseFailures < maxToolUseFailures {
				if err := r.askToFixToolCall(tf); err != nil {
					return "", err
				}
				continue
			}
			return "", err
		}
		r.toolUseFailures = 0
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
		if r.ownCalls >= r.agent.MaxLLMCalls {
			return "", r.limitError(msg.ToolCalls)
		}
		if r.agent.ParallelToolCalls > 1 && len(msg.ToolCalls) > 1 {
			if err := r.answerParallel(msg.ToolCalls); err != nil {
				return "", err
			}
			continue
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
	if err := r.saveResult(tc, res); err != nil {
		return err
	}
	return r.stoppedDuringTools(tc)
}

// stoppedDuringTools is the run's *StoppedError naming the tool calls
// that were running when it stopped — tools that returned after the stop,
// within Agent.StopGrace, their results kept — or nil when the run was
// not stopped. Without it the stop would surface at the next step, the
// model call the run never makes.
func (r *AgentRun) stoppedDuringTools(calls ...ai.ToolCall) error {
	if len(calls) == 0 || r.ctx.Err() == nil {
		return nil
	}
	during := "tool " + strconv.Quote(calls[0].Name)
	if len(calls) > 1 {
		during = "tools " + strconv.Quote(calls[0].Name)
		for _, c := range calls[1:] {
			during += ", " + strconv.Quote(c.Name)
		}
	}
	return stopped(r.ctx, during)
}

// saveResult appends a tool call's result to the transcript — an untrusted
// one delimited as data — and saves a checkpoint.
func (r *AgentRun) saveResult(tc ai.ToolCall, res *ai.ToolResult) error {
	content := res.String()
	if res.Untrusted {
		content = untrusted.Delimit(tc.Name, content)
	}
	r.appendMessage(ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: content, IsError: res.Error})
	return r.checkpoint(StepToolResult)
}

// maxToolUseFailures is how many malformed tool calls in a row the model
// is told of and asked to make again before the run fails with the
// provider's error.
const maxToolUseFailures = 2

// askToFixToolCall tells the model its last tool call was refused as
// malformed (the provider's ai.ToolUseFailedError: Groq's tool_use_failed)
// and asks it to call again: a follow-up message, counted in
// Stats.ToolUseFailures and reported as a decision. The refused call was
// a model call like any other (MaxLLMCalls, budgets).
func (r *AgentRun) askToFixToolCall(tf *ai.ToolUseFailedError) error {
	r.toolUseFailures++
	why := tf.Message
	if why == "" {
		why = "it was not a valid tool call"
	}
	text := "Your last reply tried to call a tool, but the call was refused: " + why
	if g := tf.FailedGeneration; g != "" {
		text += "\nWhat you sent:\n" + clipText(g, 2000)
	}
	text += "\nCall the tool again with a valid call — arguments that are a JSON object matching the tool's schema — or answer in text."
	r.mu.Lock()
	r.messages = append(r.messages, ai.Message{Role: ai.RoleUser, Content: text})
	r.stats.ToolUseFailures++
	r.mu.Unlock()
	r.Report(r.ctx, &hook.Decision{Run: &r.info, By: "aigentic", Step: "model call " + strconv.Itoa(r.ownCalls), Action: "retry",
		Reason: "the provider refused the model's tool call as malformed: " + clipText(why, 200)})
	return r.checkpoint(StepFollowUp)
}

// clipText cuts s to at most n bytes on a UTF-8 boundary, marking the cut.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
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
	if herr := appendHistory(context.WithoutCancel(r.ctx), h, msgs); herr != nil {
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
		Max:        float64(r.agent.MaxLLMCalls),
		Used:       float64(r.ownCalls),
		CostUSD:    r.stats.CostUSD,
		Limit:      r.agent.MaxLLMCalls,
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
	if se, ok := errors.AsType[*StoppedError](err); ok {
		r.mu.Lock()
		if r.rare != nil {
			se.Abandoned = slices.Clone(r.rare.abandoned)
			se.Partial = r.rare.streamed.String()
		}
		r.mu.Unlock()
		if se.Partial == "" {
			se.Partial = r.partial()
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
