package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// heldModel is a scripted model whose second call waits until release is
// closed: the test holds the second request back until the late answer
// to the first has been read.
type heldModel struct {
	*aitest.Scripted
	calls   int
	release chan struct{}
}

func (m *heldModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if m.calls++; m.calls == 2 {
		select {
		case <-m.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return m.Scripted.Generate(ctx, req)
}

// A "y" typed after the first request timed out is a late answer to it:
// the next request, to another recipient, is not approved by it (the
// breaker's late "y" sent the second e-mail the moment it was shown).
func TestLateAnswerDoesNotDecideTheNextRequest(t *testing.T) {
	model := &heldModel{release: make(chan struct{}), Scripted: aitest.NewScripted(
		aitest.CallTools(aitest.Call("send_email", aliceArgs)),
		aitest.CallTools(aitest.Call("send_email", `{"to":"bob@evil.example","subject":"Wire the money","body":"Account 123"}`)),
		aitest.Reply("Done."))}
	out := &testutil.SyncBuffer{}
	box := &outbox{}
	session := aigentic.NewSession(testContext(t))
	defer session.Cancel()
	agent := newAgent(model, session, box, 20*time.Millisecond)
	agent.Logger = quietLogger()
	pr, pw := io.Pipe()
	defer pw.Close()
	lines := newLineReader(pr)
	var once sync.Once
	lines.read = func() { once.Do(func() { close(model.release) }) } // the late line waits: show the second request
	ap := &approver{p: cli.NewPrinter(out, func(string) string { return "" }), terminal: true, timeout: 20 * time.Millisecond,
		lines: lines, denied: map[string]string{}}
	ctx := testContext(t)
	go func() {
		for !strings.Contains(out.String(), "Decision: denied (no answer within") {
			if ctx.Err() != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
		_, _ = io.WriteString(pw, "y\nyes\n") // the late answer to the first request, Enter pressed twice
	}()
	_, _ = converse(agent, "send it", ap)
	for _, e := range box.Sent() {
		t.Errorf("sent to %s: an answer typed before the request was shown approved it", e.To)
	}
	if !strings.Contains(out.String(), `(Ignored "y", "yes", typed before this request was shown.)`) {
		t.Errorf("output does not say the late answer was ignored:\n%s", out.String())
	}
}
