package aigentic_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// saved keeps a durable run's checkpoints, as JSON, the way a job store
// would.
type saved struct{ last []byte }

func (s *saved) save(_ context.Context, cp *aigentic.Checkpoint) error {
	b, err := json.Marshal(cp)
	s.last = b
	return err
}

func (s *saved) checkpoint(t *testing.T) *aigentic.Checkpoint {
	t.Helper()
	var cp aigentic.Checkpoint
	if err := json.Unmarshal(s.last, &cp); err != nil {
		t.Fatal(err)
	}
	return &cp
}

// A durable run that reaches a tool needing approval parks: its checkpoint
// holds the pending call, no goroutine waits, the tool has not run. Resumed
// — in another process, as far as it knows — with the decision, the tool
// runs once and the run answers.
func TestParkedApprovalResumesWithTheDecision(t *testing.T) {
	for _, approve := range []bool{true, false} {
		var sent []emailInput
		store := &saved{}
		model := emailScript()
		agent := approvalAgent(model, &sent, time.Hour)
		_, err := agent.ExecuteDurable("email the ceo", aigentic.Durable{Key: "job-1", Save: store.save, ParkApprovals: true})
		var pe *aigentic.ApprovalPendingError
		if !errors.As(err, &pe) || !errors.Is(err, aigentic.ErrApprovalPending) || len(sent) != 0 {
			t.Fatalf("err = %v, sent %v", err, sent)
		}
		cp := store.checkpoint(t)
		if cp.Step != aigentic.StepApprovalPending || cp.Pending == nil || cp.Pending.ID != pe.Pending.ID ||
			cp.Pending.Call.Name != "send_email" || cp.Pending.Message != "will email ceo@example.com" {
			t.Fatalf("checkpoint %+v, pending %+v", cp, cp.Pending)
		}
		answer, err := agent.ExecuteDurable("", aigentic.Durable{Key: "job-1", From: cp, Save: store.save, ParkApprovals: true,
			Decisions: map[string]aigentic.ApprovalDecision{cp.Pending.ID: {Approved: approve, Reason: "not today", By: "ops@example.com"}}})
		if err != nil || answer != "handled" {
			t.Fatalf("resumed: %q, %v", answer, err)
		}
		tm := toolMessages(model.Requests()[1].Messages)
		if approve && (len(sent) != 1 || tm[0].IsError) {
			t.Fatalf("approved: sent %v, result %+v", sent, tm)
		}
		if !approve && (len(sent) != 0 || !tm[0].IsError || !strings.Contains(tm[0].Content, "denied by ops@example.com: not today")) {
			t.Fatalf("denied: sent %v, result %+v", sent, tm)
		}
	}
}

// Resumed with no decision, a parked run parks again (nothing asked twice,
// nothing run); past the approval's deadline it is denied, as a live run's
// approval is when nobody answers.
func TestParkedApprovalWithoutADecision(t *testing.T) {
	var sent []emailInput
	store := &saved{}
	agent := approvalAgent(emailScript(), &sent, time.Hour)
	_, err := agent.ExecuteDurable("email the ceo", aigentic.Durable{Key: "job-2", Save: store.save, ParkApprovals: true})
	if !errors.Is(err, aigentic.ErrApprovalPending) {
		t.Fatal(err)
	}
	cp := store.checkpoint(t)
	_, err = agent.ExecuteDurable("", aigentic.Durable{Key: "job-2", From: cp, Save: store.save, ParkApprovals: true})
	if !errors.Is(err, aigentic.ErrApprovalPending) || len(sent) != 0 || store.checkpoint(t).Pending.AskedAt != cp.Pending.AskedAt {
		t.Fatalf("resumed undecided: err %v, sent %v", err, sent)
	}
	cp.Pending.Deadline = time.Now().Add(-time.Second)
	model := aitest.NewScripted(aitest.Reply("ok, not sent"))
	agent.Model = model
	answer, err := agent.ExecuteDurable("", aigentic.Durable{Key: "job-2", From: cp, Save: store.save, ParkApprovals: true})
	if err != nil || answer != "ok, not sent" || len(sent) != 0 {
		t.Fatalf("past the deadline: %q, %v, sent %v", answer, err, sent)
	}
	if tm := toolMessages(model.Requests()[0].Messages); !tm[0].IsError || !strings.Contains(tm[0].Content, "treated as denied") {
		t.Fatalf("the model was told %+v", tm)
	}
}

// A parked call is counted once, when it is answered: not when the run
// parks (the checkpoint and the parked run's Stats say 0 tool calls) and
// again when it resumes. The deadline is read from Durable.Now: a clock
// past it denies the call without waiting.
func TestParkedCallCountedOnceAndItsClock(t *testing.T) {
	var sent []emailInput
	store := &saved{}
	agent := approvalAgent(emailScript(), &sent, time.Hour)
	run, err := agent.StartDurable("email the ceo", aigentic.Durable{Key: "job-3", Save: store.save, ParkApprovals: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); !errors.Is(err, aigentic.ErrApprovalPending) || run.Stats().ToolCalls != 0 {
		t.Fatalf("parked: err %v, stats %+v", err, run.Stats())
	}
	cp := store.checkpoint(t)
	if cp.Stats.ToolCalls != 0 {
		t.Fatalf("the checkpoint counts the parked call: %+v", cp.Stats)
	}
	later := func() time.Time { return cp.Pending.Deadline }
	run, err = agent.StartDurable("", aigentic.Durable{Key: "job-3", From: cp, Save: store.save, ParkApprovals: true, Now: later})
	if err != nil {
		t.Fatal(err)
	}
	if answer, err := run.Wait(0); err != nil || answer != "handled" || len(sent) != 0 || run.Stats().ToolCalls != 1 {
		t.Fatalf("resumed at the deadline: %q, %v, sent %v, stats %+v", answer, err, sent, run.Stats())
	}
}

// A parked approval with no ApprovalTimeout of the agent's waits
// DefaultApprovalTimeout: its saved deadline is that long after it was
// asked.
func TestParkedApprovalDefaultDeadline(t *testing.T) {
	var sent []emailInput
	store := &saved{}
	asked := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	run, err := approvalAgent(emailScript(), &sent, 0).StartDurable("email the ceo",
		aigentic.Durable{Key: "job-4", Save: store.save, ParkApprovals: true, Now: func() time.Time { return asked }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); !errors.Is(err, aigentic.ErrApprovalPending) {
		t.Fatalf("err %v, want the approval parked", err)
	}
	p := store.checkpoint(t).Pending
	if p == nil || !p.AskedAt.Equal(asked) || p.Deadline.Sub(p.AskedAt) != aigentic.DefaultApprovalTimeout {
		t.Fatalf("pending %+v; want a deadline DefaultApprovalTimeout after %s", p, asked)
	}
}
