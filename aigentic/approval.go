package aigentic

import (
	"context"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Approve answers the approval request id (an *ApprovalEvent's ID). It
// returns an error wrapping ErrUnknownApproval when nothing waits on id.
func (r *AgentRun) Approve(id string, approved bool) error {
	r = r.root()
	r.mu.Lock()
	ch, ok := r.approvals[id]
	if ok {
		delete(r.approvals, id)
	}
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownApproval, id)
	}
	ch <- approved // buffered: never blocks
	return nil
}

// approve settles the approval of tc: parked in a durable run that parks
// approvals, else asked and awaited — one at a time while the calls of a
// parallel turn run.
func (r *AgentRun) approve(ctx context.Context, f *toolFrame, t *AgentTool, tc ai.ToolCall, args map[string]any, vr ValidationResult) (bool, string, error) {
	if r.concurrent {
		r.approvalMu.Lock()
		defer r.approvalMu.Unlock()
	}
	return r.awaitApproval(ctx, f, t, tc, args, vr)
}

// awaitApproval asks for an approval of tc (an *ApprovalEvent showing vr)
// and waits for Approve, the approval timeout, or the end of the run. It
// returns whether the call may run and, when not, why.
func (r *AgentRun) awaitApproval(ctx context.Context, f *toolFrame, t *AgentTool, tc ai.ToolCall, args map[string]any, vr ValidationResult) (bool, string, error) {
	if r.durable != nil && r.durable.park {
		return r.parkedApproval(f, t, tc, args, vr)
	}
	if !r.events.enabled {
		// An Execute run (or a sub-agent of one) has no event stream:
		// nobody can see the request, so waiting would only delay the denial.
		reason := "approval cannot be asked in a run without events (use Start and answer the ApprovalEvent)"
		r.note(ctx, &hook.ApprovalAnswered{Run: &r.info, Call: tc, How: hook.ApprovalNotAskable, Reason: reason})
		return false, reason, nil
	}
	timeout := r.agent.ApprovalTimeout
	if timeout <= 0 {
		timeout = DefaultApprovalTimeout
	}
	// Approvals are answered on the root run, where the events are read; a
	// sub-agent's call IDs are prefixed with its run ID to stay unique.
	id := tc.ID
	if r.parent != nil {
		id = r.id + "/" + tc.ID
	}
	root := r.root()
	ch := make(chan bool, 1)
	root.mu.Lock()
	if root.approvals == nil {
		root.approvals = make(map[string]chan bool)
	}
	root.approvals[id] = ch
	root.mu.Unlock()
	defer func() {
		root.mu.Lock()
		delete(root.approvals, id)
		root.mu.Unlock()
	}()

	r.note(ctx, &hook.ApprovalAsked{Run: &r.info, Call: tc, ID: id, Args: args, Message: vr.Message, Values: vr.Values,
		ValidationErrors: vr.ValidationErrors, Timeout: timeout, Deadline: time.Now().Add(timeout)})

	answered := &hook.ApprovalAnswered{Run: &r.info, Call: tc, Timeout: timeout}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case ok := <-ch:
		answered.Approved, answered.How = ok, hook.ApprovalByUser
		if !ok {
			answered.Reason = "the user denied approval"
		}
	case <-timer.C:
		answered.How = hook.ApprovalTimedOut
		answered.Reason = "approval was not given within " + timeout.String() + " (treated as denied)"
	case <-r.ctx.Done():
		return false, "", stopped(r.ctx, fmt.Sprintf("approval of %q", t.Name))
	}
	approved, reason := answered.Approved, answered.Reason
	r.note(ctx, answered)
	return approved, reason, nil
}
