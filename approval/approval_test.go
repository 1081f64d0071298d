package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

const aliceArgs = `{"to":"alice@example.com","subject":"Quarterly report","body":"The Q3 report is ready for review."}`

// scriptedEmail is a model that calls send_email with args, then answers.
func scriptedEmail(args string) *aitest.Scripted {
	return aitest.NewScripted(
		aitest.CallTools(aitest.Call("send_email", args)),
		aitest.Reply("Done."),
	)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startEmail starts the agent on a scripted model and returns the run and
// its first approval request.
func startEmail(t *testing.T, model ai.Model, box *outbox, timeout time.Duration) (*aigentic.AgentRun, *aigentic.ApprovalEvent, *aigentic.Session) {
	t.Helper()
	session := aigentic.NewSession(testContext(t))
	t.Cleanup(session.Cancel)
	agent := newAgent(model, session, box, timeout)
	agent.Logger = quietLogger()
	r, err := agent.Start("send it")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Cancel()
		for range r.Next() { // drain
		}
	})
	for ev := range r.Next() {
		if e, ok := ev.(*aigentic.ApprovalEvent); ok {
			return r, e, session
		}
	}
	_, err = r.Wait(0)
	t.Fatalf("no approval request; run ended with %v", err)
	return nil, nil, nil
}

// toolMessage is the tool result the model saw in its second request.
func toolMessage(t *testing.T, m *aitest.Scripted) ai.Message {
	t.Helper()
	reqs := m.Requests()
	if len(reqs) < 2 {
		t.Fatalf("model got %d requests, want 2", len(reqs))
	}
	msgs := reqs[1].Messages
	last := msgs[len(msgs)-1]
	if last.Role != ai.RoleTool || last.Name != "send_email" {
		t.Fatalf("last message of request 2 is %+v, want the send_email result", last)
	}
	return last
}

func TestApprovalEventCarriesToolArgsAndMessage(t *testing.T) {
	box := &outbox{}
	r, e, _ := startEmail(t, scriptedEmail(aliceArgs), box, time.Minute)
	if e.ToolName != "send_email" || e.Args["to"] != "alice@example.com" || e.Args["subject"] != "Quarterly report" {
		t.Errorf("event = %+v", e)
	}
	want := `send an e-mail to alice@example.com with subject "Quarterly report" and a 34-byte body: "The Q3 report is ready for review."`
	if !strings.HasPrefix(e.ValidationResult.Message, want) {
		t.Errorf("ValidationMessage = %q, want it to start with %q", e.ValidationResult.Message, want)
	}
	if strings.Contains(e.ValidationResult.Message, "WARNING") {
		t.Errorf("valid e-mail got a warning: %q", e.ValidationResult.Message)
	}
	if d := time.Until(e.Deadline); d <= 0 || d > time.Minute {
		t.Errorf("deadline in %s, want within the 1m timeout", d)
	}
	if box.Runs() != 0 {
		t.Errorf("tool ran %d times before approval", box.Runs())
	}
	if err := r.Approve(e.ApprovalID, false); err != nil {
		t.Fatal(err)
	}
}

func TestApprovedToolRuns(t *testing.T) {
	box := &outbox{}
	m := scriptedEmail(aliceArgs)
	r, e, _ := startEmail(t, m, box, time.Minute)
	if err := r.Approve(e.ApprovalID, true); err != nil {
		t.Fatal(err)
	}
	answer, err := r.Wait(0)
	if err != nil || answer != "Done." {
		t.Fatalf("Wait = %q, %v", answer, err)
	}
	sent := box.Sent()
	if len(sent) != 1 || sent[0] != (email{To: "alice@example.com", Subject: "Quarterly report", Body: "The Q3 report is ready for review."}) {
		t.Errorf("outbox = %+v", sent)
	}
	if msg := toolMessage(t, m); msg.IsError || !strings.Contains(msg.Content, "E-mail msg-1 sent to alice@example.com") {
		t.Errorf("model saw %+v", msg)
	}
	// A second answer to the same request is refused.
	if err := r.Approve(e.ApprovalID, true); !errors.Is(err, aigentic.ErrUnknownApproval) {
		t.Errorf("second Approve: %v, want ErrUnknownApproval", err)
	}
}

func TestDeniedToolDoesNotRunAndModelSeesError(t *testing.T) {
	box := &outbox{}
	m := scriptedEmail(aliceArgs)
	r, e, _ := startEmail(t, m, box, time.Minute)
	if err := r.Approve(e.ApprovalID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Wait(0); err != nil {
		t.Fatal(err)
	}
	if box.Runs() != 0 || len(box.Sent()) != 0 {
		t.Errorf("denied tool ran %d times, outbox %+v", box.Runs(), box.Sent())
	}
	msg := toolMessage(t, m)
	if !msg.IsError || !strings.Contains(msg.Content, "the user denied approval") {
		t.Errorf("model saw %+v, want an error result saying it was denied", msg)
	}
	if s := r.Stats(); s.ToolErrors != 1 {
		t.Errorf("ToolErrors = %d, want 1", s.ToolErrors)
	}
}

func TestUnansweredRequestTimesOutAsDenied(t *testing.T) {
	box := &outbox{}
	m := scriptedEmail(aliceArgs)
	r, e, _ := startEmail(t, m, box, 5*time.Millisecond)
	if _, err := r.Wait(0); err != nil {
		t.Fatal(err)
	}
	if box.Runs() != 0 {
		t.Errorf("tool ran %d times after a timeout", box.Runs())
	}
	msg := toolMessage(t, m)
	if !msg.IsError || !strings.Contains(msg.Content, "approval was not given within 5ms (treated as denied)") {
		t.Errorf("model saw %+v", msg)
	}
	// Too late to approve now.
	if err := r.Approve(e.ApprovalID, true); !errors.Is(err, aigentic.ErrUnknownApproval) {
		t.Errorf("late Approve: %v, want ErrUnknownApproval", err)
	}
	if box.Runs() != 0 {
		t.Error("a late approval ran the tool")
	}
}

func TestCancelWhileWaitingEndsRun(t *testing.T) {
	box := &outbox{}
	m := scriptedEmail(aliceArgs)
	r, _, session := startEmail(t, m, box, time.Minute)
	session.Cancel()
	_, err := r.Wait(0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || se.During != `approval of "send_email"` {
		t.Errorf("err = %v, want a StoppedError during the approval", err)
	}
	if box.Runs() != 0 || m.Calls() != 1 {
		t.Errorf("after cancel: tool ran %d times, model called %d times", box.Runs(), m.Calls())
	}
}

// The person sees what is wrong before approving; if they approve anyway
// the tool refuses, and the model hears why.
func TestInvalidEmailIsFlaggedAndRefused(t *testing.T) {
	box := &outbox{}
	m := scriptedEmail(`{"to":"alice at example.com","subject":"Hi\r\nBcc: everyone@example.com","body":"x"}`)
	r, e, _ := startEmail(t, m, box, time.Minute)
	for _, w := range []string{`"alice at example.com" is not a valid e-mail address`, "the subject contains a line break"} {
		if err := refusal(e.Args); err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("refusal = %v, lacks %q", err, w)
		}
	}
	if err := r.Approve(e.ApprovalID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Wait(0); err != nil {
		t.Fatal(err)
	}
	if box.Runs() != 1 || len(box.Sent()) != 0 {
		t.Errorf("runs %d, outbox %+v: want one refused run", box.Runs(), box.Sent())
	}
	if msg := toolMessage(t, m); !msg.IsError || !strings.Contains(msg.Content, "e-mail not sent:") {
		t.Errorf("model saw %+v", msg)
	}
}

func TestValidate(t *testing.T) {
	ok := email{To: "Alice <alice@example.com>", Subject: "Hi", Body: "Hello"}
	if to, err := validate(ok); err != nil || to != "alice@example.com" {
		t.Errorf("validate(%+v) = %q, %v", ok, to, err)
	}
	tests := []struct {
		e    email
		want string
	}{
		{email{To: "", Subject: "s", Body: "b"}, "the recipient address is empty"},
		{email{To: "bob", Subject: "s", Body: "b"}, `"bob" is not a valid e-mail address`},
		{email{To: "a@example.com, b@example.com", Subject: "s", Body: "b"}, "not a valid e-mail address"},
		{email{To: strings.Repeat("a", maxAddressRunes) + "@example.com", Subject: "s", Body: "b"}, "the recipient address is longer than 254 characters"},
		{email{To: "a@example.com", Subject: " ", Body: "b"}, "the subject is empty"},
		{email{To: "a@example.com", Subject: "a\nb", Body: "b"}, "line break"},
		{email{To: "a@example.com", Subject: strings.Repeat("s", maxSubjectRunes+1), Body: "b"}, "longer than 200 characters"},
		{email{To: "a@example.com", Subject: "s", Body: ""}, "the body is empty"},
		{email{To: "a@example.com", Subject: "s", Body: strings.Repeat("b", maxBodyBytes+1)}, "over the 10240-byte limit"},
	}
	for _, tt := range tests {
		if _, err := validate(tt.e); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("validate(%.60q) = %v, want %q", tt.e.To+"|"+tt.e.Subject, err, tt.want)
		}
	}
}
