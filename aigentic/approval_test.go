package aigentic_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

func emailScript() *aitest.Scripted {
	return aitest.NewScripted(
		aitest.CallTools(aitest.Call("send_email", `{"to":"ceo@example.com","subject":"hi"}`)),
		aitest.Reply("handled"),
	)
}

func TestApprovalGranted(t *testing.T) {
	var sent []emailInput
	model := emailScript()
	run, err := approvalAgent(model, &sent, time.Minute).Start("email the ceo")
	if err != nil {
		t.Fatal(err)
	}
	seen := answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) {
		if len(sent) != 0 {
			t.Error("tool ran before approval")
		}
		if err := run.Approve(ev.ApprovalID, true); err != nil {
			t.Error(err)
		}
		if err := run.Approve(ev.ApprovalID, true); !errors.Is(err, aigentic.ErrUnknownApproval) {
			t.Errorf("second answer: %v, want ErrUnknownApproval", err)
		}
	})
	if got, err := run.Wait(0); err != nil || got != "handled" {
		t.Fatalf("run = %q, %v", got, err)
	}
	if len(seen) != 1 {
		t.Fatalf("%d approval events", len(seen))
	}
	ev := seen[0]
	if ev.ToolName != "send_email" || ev.Args["to"] != "ceo@example.com" || ev.Args["subject"] != "hi" || ev.ApprovalID != "call_0_0" {
		t.Fatalf("approval event = %+v", ev)
	}
	if ev.ValidationResult.Message != "will email ceo@example.com" || ev.ValidationResult.Values.(map[string]any)["to"] != "ceo@example.com" {
		t.Fatalf("validation message = %q", ev.ValidationResult.Message)
	}
	if time.Until(ev.Deadline) <= 0 || time.Until(ev.Deadline) > time.Minute {
		t.Fatalf("deadline = %v", ev.Deadline)
	}
	if len(sent) != 1 || sent[0].To != "ceo@example.com" {
		t.Fatalf("sent = %+v", sent)
	}
	if tm := toolMessages(model.Requests()[1].Messages); tm[0].IsError || tm[0].Content != "sent to ceo@example.com" {
		t.Fatalf("tool message = %+v", tm[0])
	}
}

func TestApprovalDenied(t *testing.T) {
	var sent []emailInput
	model := emailScript()
	run, err := approvalAgent(model, &sent, time.Minute).Start("email the ceo")
	if err != nil {
		t.Fatal(err)
	}
	answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) {
		if err := run.Approve(ev.ApprovalID, false); err != nil {
			t.Error(err)
		}
	})
	if got, err := run.Wait(0); err != nil || got != "handled" {
		t.Fatalf("run = %q, %v", got, err)
	}
	if len(sent) != 0 {
		t.Fatal("denied tool ran")
	}
	tm := toolMessages(model.Requests()[1].Messages)
	if !tm[0].IsError || !strings.Contains(tm[0].Content, "denied") {
		t.Fatalf("tool message = %+v", tm[0])
	}
	if st := run.Stats(); st.ToolCalls != 1 || st.ToolErrors != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestApprovalTimeoutDenies(t *testing.T) {
	var sent []emailInput
	model := emailScript()
	run, err := approvalAgent(model, &sent, 5*time.Millisecond).Start("email the ceo")
	if err != nil {
		t.Fatal(err)
	}
	var id string
	answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) { id = ev.ApprovalID }) // never answers
	if got, err := run.Wait(0); err != nil || got != "handled" {
		t.Fatalf("run = %q, %v", got, err)
	}
	if len(sent) != 0 {
		t.Fatal("unapproved tool ran")
	}
	tm := toolMessages(model.Requests()[1].Messages)
	if !tm[0].IsError || !strings.Contains(tm[0].Content, "not given within 5ms") {
		t.Fatalf("tool message = %+v", tm[0])
	}
	if err := run.Approve(id, true); !errors.Is(err, aigentic.ErrUnknownApproval) {
		t.Fatalf("late approval: %v", err)
	}
}

func TestApprovalCancelledWhileWaiting(t *testing.T) {
	var sent []emailInput
	model := emailScript()
	run, err := approvalAgent(model, &sent, time.Hour).Start("email the ceo")
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() {
		answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) { run.Cancel() })
		_, err = run.Wait(0)
	})
	assertStopped(t, err, context.Canceled, `approval of "send_email"`)
	if len(sent) != 0 || model.Calls() != 1 {
		t.Fatalf("sent %v, model calls %d", sent, model.Calls())
	}
}

func TestApproveUnknownID(t *testing.T) {
	var sent []emailInput
	run, err := approvalAgent(emailScript(), &sent, time.Minute).Start("email")
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Approve("no-such-id", true); !errors.Is(err, aigentic.ErrUnknownApproval) {
		t.Fatalf("Approve(unknown) = %v", err)
	}
	answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) { _ = run.Approve(ev.ApprovalID, false) })
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
}

// Invalid arguments are rejected before anyone is asked.
func TestApprovalNotAskedForInvalidArguments(t *testing.T) {
	var sent []emailInput
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("send_email", `{"to":1}`)), aitest.Reply("handled"))
	run, err := approvalAgent(model, &sent, time.Minute).Start("email")
	if err != nil {
		t.Fatal(err)
	}
	seen := answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) { _ = run.Approve(ev.ApprovalID, true) })
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 0 || len(sent) != 0 {
		t.Fatalf("approval asked for invalid arguments: %d, sent %v", len(seen), sent)
	}
	if tm := toolMessages(model.Requests()[1].Messages); !tm[0].IsError || !strings.Contains(tm[0].Content, "invalid arguments") {
		t.Fatalf("tool message = %+v", tm[0])
	}
}

// A run that cannot show an approval request (Execute, a sub-agent) denies
// at once instead of waiting out the approval timeout.
func TestApprovalWithoutEventsDeniedAtOnce(t *testing.T) {
	var sent []emailInput
	model := emailScript()
	agent := approvalAgent(model, &sent, 0) // default timeout: 5 minutes
	var got string
	var err error
	within(t, 5*time.Second, func() { got, err = agent.Execute("email") })
	if err != nil || got != "handled" || len(sent) != 0 {
		t.Fatalf("run = %q, %v, sent %v", got, err, sent)
	}
	if tm := toolMessages(model.Requests()[1].Messages); !tm[0].IsError || !strings.Contains(tm[0].Content, "not run") {
		t.Fatalf("tool message = %+v", tm[0])
	}
}
