package aigentic

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// CheckpointStep names the step after which a [Checkpoint] was taken.
type CheckpointStep string

// The steps a durable run saves after.
const (
	// StepModelResponse: a model response was appended to the transcript
	// (its text, its tool calls, or both).
	StepModelResponse CheckpointStep = "model_response"
	// StepToolResult: a tool result was appended to the transcript.
	StepToolResult CheckpointStep = "tool_result"
	// StepFollowUp: messages an interceptor asked to follow an answer with
	// (hook.ModelCall.FollowUp) were appended; a model call comes next.
	StepFollowUp CheckpointStep = "follow_up"
	// StepApprovalPending: the run parked at a tool call needing approval
	// (Checkpoint.Pending); it resumes when the approval is decided.
	StepApprovalPending CheckpointStep = "approval_pending"
)

// ErrCheckpoint is matched (errors.Is) by a *CheckpointError: saving a
// checkpoint failed and the run stopped, since going on would do work that
// could not be resumed.
var ErrCheckpoint = errors.New("aigentic: checkpoint not saved")

// ErrInvalidCheckpoint is wrapped by StartDurable and ExecuteDurable when
// Durable.From cannot be resumed (no messages, a negative call count).
var ErrInvalidCheckpoint = errors.New("aigentic: invalid checkpoint")

// Checkpoint is a durable run's state after one step: everything another
// process needs to resume the run where it stopped. It marshals to JSON
// (ai.Message has JSON tags; Stats' durations are nanoseconds).
type Checkpoint struct {
	// Key is the run's Durable.Key.
	Key string `json:"key"`
	// Step is what was just appended to Messages.
	Step CheckpointStep `json:"step"`
	// Messages is the transcript so far: system and user messages, every
	// model response and every tool result, in order.
	Messages []ai.Message `json:"messages"`
	// Calls is the number of the run's own model calls made so far; a
	// resumed run counts them against Agent.MaxLLMCalls.
	Calls int `json:"calls"`
	// Stats are the run's counters so far, summed over every process the
	// run has been resumed in (Started and Duration are the current
	// process's).
	Stats Stats `json:"stats"`
	// HistoryFrom is where the run's own messages start in Messages, after
	// those its Session.History gave it.
	HistoryFrom int `json:"history_from,omitempty"`
	// Pending is the approval a parked run waits on (Step
	// StepApprovalPending), nil otherwise.
	Pending *PendingApproval `json:"pending,omitempty"`
}

// Durable makes a run resumable: it saves a [Checkpoint] after every model
// response and every tool result, and can start from one.
type Durable struct {
	// Key identifies the run across processes and restarts — a job ID, a
	// request ID. Tool idempotency keys derive from it
	// (AgentRun.IdempotencyKey). Empty means the run's own ID, which is
	// not stable across a restart.
	Key string
	// From, when set, resumes the run from this checkpoint instead of
	// starting from the message: the transcript and counters are restored,
	// tool calls of the last model response that have no saved result run
	// now (and only those), and a saved final answer is returned without
	// calling the model again.
	From *Checkpoint
	// ParkApprovals makes a tool that requires approval park the run
	// instead of waiting for AgentRun.Approve: the run saves its
	// checkpoint with the pending approval (Checkpoint.Pending) and ends
	// with an *ApprovalPendingError, holding no goroutine while a person
	// decides — for hours, across restarts. Resume it with From set to
	// that checkpoint and the decision in Decisions; an approval still
	// undecided at its deadline (Agent.ApprovalTimeout after it was first
	// asked) is denied, as a live run's is. Sub-agents' approvals are not
	// parked (sub-agents are not checkpointed).
	ParkApprovals bool
	// Decisions answer parked approvals by ID when the run resumes.
	Decisions map[string]ApprovalDecision
	// Now is the clock of parked approvals: when one was asked
	// (PendingApproval.AskedAt), its Deadline, and whether that has
	// passed. Nil means time.Now; tests inject one to pass a deadline
	// without waiting for it.
	Now func() time.Time
	// Save is called, in the run's goroutine, after every model response
	// and every tool result, before the run goes on. Its ctx carries the
	// run's values but is not cancelled with it, so the last completed step
	// is still saved while a run is being stopped; bound it with a timeout
	// of your own. An error stops the run with a *CheckpointError. Nil
	// saves nothing (the run is then only resumable from From).
	Save func(ctx context.Context, cp *Checkpoint) error
}

// CheckpointError is a run stopped because Durable.Save failed.
type CheckpointError struct {
	// Step is the step whose checkpoint was not saved.
	Step CheckpointStep
	// Err is Save's error.
	Err error
}

// Error implements error.
func (e *CheckpointError) Error() string {
	return fmt.Sprintf("aigentic: checkpoint after %s not saved: %v", e.Step, e.Err)
}

// Unwrap returns Save's error.
func (e *CheckpointError) Unwrap() error { return e.Err }

// Is matches ErrCheckpoint.
func (e *CheckpointError) Is(target error) bool { return target == ErrCheckpoint }

// durableRun is the durable state of a run (nil for other runs).
type durableRun struct {
	key     string
	save    func(ctx context.Context, cp *Checkpoint) error
	resumed bool
	// park, decisions and pending are Durable.ParkApprovals, .Decisions
	// and the approvals the checkpoint resumed from was waiting on;
	// parked is the approval being saved (park.go).
	park      bool
	decisions map[string]ApprovalDecision
	pending   map[string]PendingApproval
	parked    *PendingApproval
	now       func() time.Time
}

// checkpoint saves the run's state after step; a no-op for a run that is
// not durable.
func (r *AgentRun) checkpoint(step CheckpointStep) error {
	if r.durable == nil || r.durable.save == nil {
		return nil
	}
	r.mu.Lock()
	cp := &Checkpoint{
		Key:         r.durable.key,
		Step:        step,
		Messages:    append([]ai.Message(nil), r.messages...),
		Calls:       r.ownCalls,
		Stats:       r.stats,
		HistoryFrom: r.historyFrom,
		Pending:     r.durable.parked,
	}
	cp.Stats.Duration = time.Since(cp.Stats.Started)
	r.mu.Unlock()
	if err := r.durable.save(context.WithoutCancel(r.ctx), cp); err != nil {
		r.logger.Error("checkpoint not saved; run stopped", "step", step, "error", err)
		return &CheckpointError{Step: step, Err: err}
	}
	return nil
}
