package aigentic

import (
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// StartDurable is Start for a durable run: it saves a checkpoint after
// every step through d.Save, and resumes from d.From when set (message is
// then ignored: the transcript holds it). Errors wrap ErrInvalidAgent or
// ErrInvalidCheckpoint.
func (a Agent) StartDurable(message string, d Durable) (*AgentRun, error) {
	r, err := a.newDurableRun(message, true, d)
	if err != nil {
		return nil, err
	}
	go r.loop()
	return r, nil
}

// ExecuteDurable is Execute for a durable run (see StartDurable).
func (a Agent) ExecuteDurable(message string, d Durable) (string, error) {
	r, err := a.newDurableRun(message, false, d)
	if err != nil {
		return "", err
	}
	r.loop()
	return r.result, r.err
}

func (a Agent) newDurableRun(message string, events bool, d Durable) (*AgentRun, error) {
	if cp := d.From; cp != nil {
		if len(cp.Messages) == 0 {
			return nil, fmt.Errorf("%w: no messages", ErrInvalidCheckpoint)
		}
		if cp.Calls < 0 {
			return nil, fmt.Errorf("%w: Calls is %d", ErrInvalidCheckpoint, cp.Calls)
		}
	}
	r, err := a.newRun(message, events, nil)
	if err != nil {
		return nil, err
	}
	r.durable = &durableRun{key: d.Key, save: d.Save, park: d.ParkApprovals, decisions: d.Decisions, now: d.Now}
	if r.durable.now == nil {
		r.durable.now = time.Now
	}
	if r.durable.key == "" {
		r.durable.key = r.id
	}
	if cp := d.From; cp != nil {
		r.durable.resumed = true
		if p := cp.Pending; p != nil {
			r.durable.pending = map[string]PendingApproval{p.ID: *p}
		}
		r.messages = append(make([]ai.Message, 0, len(cp.Messages)+8), cp.Messages...)
		r.ownCalls = cp.Calls
		r.historyFrom = min(max(cp.HistoryFrom, 0), len(cp.Messages))
		started := r.stats.Started
		r.stats = cp.Stats
		r.stats.Started, r.stats.Duration = started, 0
		// The run tree's Budget counts what the run used before, too.
		for _, b := range r.budgets {
			b.mu.Lock()
			b.calls, b.tools, b.costUSD = cp.Stats.LLMCalls, cp.Stats.ToolCalls, cp.Stats.CostUSD
			b.usage = ai.Usage{InputTokens: cp.Stats.InputTokens, OutputTokens: cp.Stats.OutputTokens}
			b.mu.Unlock()
		}
		r.logger.Info("run resumed from checkpoint", "key", r.durable.key, "step", cp.Step, "messages", len(cp.Messages), "llm_calls", cp.Calls)
	}
	return r, nil
}

// IdempotencyKey is the key of the tool call being executed, for a tool to
// pass to whatever it changes so that doing it twice has the effect of
// once: "<durable key>/<tool call ID>" (the run's ID stands for the key in
// a run that is not durable). A durable run resumed after a crash gives a
// tool call the same key as before the crash, since the call's ID was
// saved with the model response. In a sub-agent's run the key is the
// parent's key for the delegation, then "/" and the sub-agent's call ID:
// sub-agents are not checkpointed, so it is stable across a resume only if
// the sub-agent's model gives its calls the same IDs again (the offline
// model does; hosted models generally do not). "" outside a tool call.
func (r *AgentRun) IdempotencyKey() string {
	var call string
	if f := r.frame(); f != nil {
		call = f.start.Call.ID
	}
	r.mu.Lock()
	durable := r.durable
	r.mu.Unlock()
	if call == "" {
		return ""
	}
	switch {
	case durable != nil:
		return durable.key + "/" + call
	case r.parent != nil:
		if pk := r.parent.IdempotencyKey(); pk != "" {
			return pk + "/" + call
		}
	}
	return r.id + "/" + call
}

// resumePending finishes the step a resumed run stopped in: it returns a
// saved final answer (done), or runs the tool calls of the last model
// response that have no saved result, saving after each. Any other state
// goes on with a model call.
func (r *AgentRun) resumePending() (result string, done bool, err error) {
	if r.durable == nil || !r.durable.resumed {
		return "", false, nil
	}
	r.durable.resumed = false
	msgs := r.Messages()
	last := -1
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == ai.RoleAssistant {
			last = i
			break
		}
	}
	if last < 0 {
		return "", false, nil
	}
	resp := msgs[last]
	if len(resp.ToolCalls) == 0 {
		if last == len(msgs)-1 {
			r.logger.Info("resumed run had its answer saved; no model call")
			return resp.Content, true, nil
		}
		return "", false, nil
	}
	answered := make(map[string]bool, len(msgs)-last)
	for _, m := range msgs[last+1:] {
		if m.Role == ai.RoleTool {
			answered[m.ToolCallID] = true
		}
	}
	var pending []ai.ToolCall
	for _, tc := range resp.ToolCalls {
		if !answered[tc.ID] {
			pending = append(pending, tc)
		}
	}
	if len(pending) > 0 && len(answered) == 0 && r.ownCalls >= r.agent.MaxLLMCalls {
		// The run had stopped at its limit with these calls pending.
		return "", true, r.limitError(pending)
	}
	for i, tc := range pending {
		if err := r.budgetBeforeToolCall(pending[i:]); err != nil {
			return "", true, err
		}
		if err := r.answerAndSave(tc); err != nil {
			return "", true, err
		}
	}
	return "", false, nil
}
