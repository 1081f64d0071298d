package aigentic

import (
	"errors"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// ErrApprovalPending is matched (errors.Is) by an *ApprovalPendingError:
// a durable run parked at a tool call that needs approval.
var ErrApprovalPending = errors.New("aigentic: run parked until an approval is decided")

// PendingApproval is a tool call a parked durable run waits on: what a
// person deciding needs to see, saved in the checkpoint.
type PendingApproval struct {
	// ID is the approval's ID: the tool call's ID.
	ID string `json:"id"`
	// Call is the model's tool call.
	Call ai.ToolCall `json:"call"`
	// Args are the call's decoded arguments.
	Args map[string]any `json:"args,omitempty"`
	// Message, Values and ValidationErrors are the tool's
	// ValidationResult (errors as text).
	Message          string   `json:"message,omitempty"`
	Values           any      `json:"values,omitempty"`
	ValidationErrors []string `json:"validation_errors,omitempty"`
	// AskedAt is when the run first parked on it; Deadline when an
	// approval not given counts as denied (AskedAt + Agent.ApprovalTimeout).
	AskedAt  time.Time `json:"asked_at"`
	Deadline time.Time `json:"deadline"`
}

// ApprovalDecision answers a PendingApproval when its run is resumed
// (Durable.Decisions).
type ApprovalDecision struct {
	// Approved lets the tool run; false denies it (the model is told).
	Approved bool `json:"approved"`
	// Reason says why, for the model and the record; optional.
	Reason string `json:"reason,omitempty"`
	// By says who decided (a user, an API key's id); optional.
	By string `json:"by,omitempty"`
}

// ApprovalPendingError ends a durable run that reached a tool call needing
// approval (Durable.ParkApprovals): the run's checkpoint, saved before the
// run ended, holds the transcript and Pending. Resume it with Durable.From
// set to that checkpoint and the decision in Durable.Decisions.
type ApprovalPendingError struct {
	// Pending is the approval the run waits on.
	Pending PendingApproval
}

// Error implements error.
func (e *ApprovalPendingError) Error() string {
	return fmt.Sprintf("aigentic: run parked until approval %q of tool %q is decided (by %s)",
		e.Pending.ID, e.Pending.Call.Name, e.Pending.Deadline.UTC().Format(time.RFC3339))
}

// Is matches ErrApprovalPending.
func (e *ApprovalPendingError) Is(target error) bool { return target == ErrApprovalPending }

// parkedApproval settles the approval of tc in a durable run that parks
// approvals: the decision Durable.Decisions holds for it; a denial when
// its saved deadline has passed; otherwise the run parks — its checkpoint
// saved with the pending approval — and ends with an
// *ApprovalPendingError.
func (r *AgentRun) parkedApproval(f *toolFrame, t *AgentTool, tc ai.ToolCall, args map[string]any, vr ValidationResult) (bool, string, error) {
	d := r.durable
	timeout := r.agent.ApprovalTimeout
	if timeout <= 0 {
		timeout = DefaultApprovalTimeout
	}
	p, known := d.pending[tc.ID]
	if !known {
		now := d.now()
		p = PendingApproval{ID: tc.ID, Call: tc, Args: args, Message: vr.Message, Values: vr.Values, AskedAt: now, Deadline: now.Add(timeout)}
		for _, e := range vr.ValidationErrors {
			p.ValidationErrors = append(p.ValidationErrors, Redact(e.Error()))
		}
	}
	answered := &hook.ApprovalAnswered{Run: &r.info, Call: tc, Timeout: timeout}
	switch dec, ok := d.decisions[tc.ID]; {
	case ok:
		answered.Approved, answered.How = dec.Approved, hook.ApprovalByUser
		if !dec.Approved {
			answered.Reason = "the approval was denied"
			if dec.By != "" {
				answered.Reason += " by " + dec.By
			}
			if dec.Reason != "" {
				answered.Reason += ": " + dec.Reason
			}
		}
	case !d.now().Before(p.Deadline):
		answered.How = hook.ApprovalTimedOut
		answered.Reason = "approval was not given within " + timeout.String() + " (treated as denied)"
	default:
		if !known {
			r.note(f.ctx, &hook.ApprovalAsked{Run: &r.info, Call: tc, ID: tc.ID, Args: args, Message: vr.Message, Values: vr.Values,
				ValidationErrors: vr.ValidationErrors, Timeout: timeout, Deadline: p.Deadline})
		}
		if err := r.checkpointParked(p); err != nil {
			return false, "", err
		}
		return false, "", &ApprovalPendingError{Pending: p}
	}
	approved, reason := answered.Approved, answered.Reason
	r.note(f.ctx, answered)
	return approved, reason, nil
}

// checkpointParked saves the run with p pending.
func (r *AgentRun) checkpointParked(p PendingApproval) error {
	// The parked call is not counted yet (Stats.ToolCalls counts calls
	// executed or answered): counted at its ToolStart, it is counted again
	// when the resumed run answers it, and the restored budgets charge it
	// then.
	r.mu.Lock()
	r.stats.ToolCalls--
	r.mu.Unlock()
	r.durable.parked = &p
	defer func() { r.durable.parked = nil }()
	return r.checkpoint(StepApprovalPending)
}
