package main

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// A model-controlled recipient or subject of any length is shown cut,
// with a visible marker and its whole length; the approval note stays
// small. A value the tool would send is shown whole.
func TestDescribeEmailBoundsModelValues(t *testing.T) {
	subject := strings.Repeat("S", 100<<10) // 100 KB
	to := strings.Repeat("a", 50<<10) + "@example.com"
	note := describeEmail(map[string]any{"to": to, "subject": subject, "body": "hi"})
	if len(note) > 2000 {
		t.Fatalf("the note is %d bytes", len(note))
	}
	for _, w := range []string{
		`with subject "` + strings.Repeat("S", shownRunes) + `…" [cut: 102400 characters in all]`,
		"send an e-mail to " + strings.Repeat("a", shownRunes) + "… [cut: 51212 characters in all] with",
		"a 2-byte body",
	} {
		if !strings.Contains(note, w) {
			t.Errorf("the note lacks %.80q…:\n%.600s", w, note)
		}
	}
	// The longest values validate lets through are shown whole.
	long := email{To: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + ".example.com", Subject: strings.Repeat("é", maxSubjectRunes), Body: "x"}
	if _, err := validate(long); err != nil {
		t.Fatal(err)
	}
	note = describeEmail(map[string]any{"to": long.To, "subject": long.Subject, "body": long.Body})
	if strings.Contains(note, "[cut") || !strings.Contains(note, long.To) || !strings.Contains(note, long.Subject) {
		t.Errorf("a sendable e-mail is not shown whole: %s", note)
	}
	if err := refusal(map[string]any{"to": to, "subject": "s", "body": "b"}); err == nil || len(err.Error()) > 500 {
		t.Errorf("refusal of a long address: %.300v", err)
	}
}

// The schema states the limits validate applies, so the model is told,
// and a call past them is refused before anyone is asked.
func TestSchemaStatesTheLimits(t *testing.T) {
	props := sendEmailTool(&outbox{}).InputSchema["properties"].(map[string]any)
	for field, want := range map[string]int{"to": maxAddressRunes, "subject": maxSubjectRunes} {
		got, _ := props[field].(map[string]any)["maxLength"]
		if n, ok := got.(int); !ok || n != want {
			if f, ok := got.(float64); !ok || int(f) != want {
				t.Errorf("%s: maxLength %v (%T), want %d", field, got, got, want)
			}
		}
	}
}

// A model sending a 100 KB subject is refused by the schema: no approval
// request, the tool never runs, and what the person sees stays small.
func TestHugeSubjectNeverReachesThePrompt(t *testing.T) {
	box := &outbox{}
	m := scriptedEmail(`{"to":"alice@example.com","subject":"` + strings.Repeat("S", 100<<10) + `","body":"hi"}`)
	session := aigentic.NewSession(testContext(t))
	defer session.Cancel()
	agent := newAgent(m, session, box, time.Minute)
	agent.Logger = quietLogger()
	r, err := agent.Start("send it")
	if err != nil {
		t.Fatal(err)
	}
	for ev := range r.Next() {
		if e, ok := ev.(*aigentic.ApprovalEvent); ok {
			t.Errorf("asked for approval: %.200s", describeEmail(e.Args))
			_ = r.Approve(e.ApprovalID, false)
		}
	}
	if _, err := r.Wait(0); err != nil {
		t.Fatal(err)
	}
	if box.Runs() != 0 {
		t.Errorf("the tool ran %d times", box.Runs())
	}
	if msg := toolMessage(t, m); !msg.IsError || !strings.Contains(msg.Content, "invalid arguments") || len(msg.Content) > 2000 {
		t.Errorf("the model saw %.300q (%d bytes)", msg.Content, len(msg.Content))
	}
}

// A run whose context ends after the approval, before the tool's body
// runs (an observer cancels it as the attempt starts), sends nothing: the
// tool checks the run's context before it sends.
func TestApprovedToolDoesNotSendAfterTheRunEnded(t *testing.T) {
	box := &outbox{}
	m := scriptedEmail(aliceArgs)
	session := aigentic.NewSession(testContext(t))
	defer session.Cancel()
	agent := newAgent(m, session, box, time.Minute)
	agent.Logger = quietLogger()
	var run atomic.Pointer[aigentic.AgentRun]
	agent.Observers = []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
		if _, ok := s.(*hook.ToolAttempt); ok {
			run.Load().Cancel()
		}
		return ctx
	})}
	r, err := agent.Start("send it")
	if err != nil {
		t.Fatal(err)
	}
	run.Store(r)
	for ev := range r.Next() {
		if e, ok := ev.(*aigentic.ApprovalEvent); ok {
			if err := r.Approve(e.ApprovalID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := r.Wait(0); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if box.Runs() != 1 {
		t.Fatalf("the tool's body ran %d times, want 1 (the test needs it to run with the run ended)", box.Runs())
	}
	if sent := box.Sent(); len(sent) != 0 {
		t.Errorf("sent after the run ended: %+v", sent)
	}
}
