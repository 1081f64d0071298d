package main

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// fakeTerminal is a terminal in canonical mode: a read returns one whole
// line once it has been typed, and discard drops what nothing has read,
// as tcflush(TCIFLUSH) does.
type fakeTerminal struct {
	mu     sync.Mutex
	cond   *sync.Cond
	typed  []byte
	closed bool
}

func newFakeTerminal() *fakeTerminal {
	f := &fakeTerminal{}
	f.cond = sync.NewCond(&f.mu)
	return f
}

func (f *fakeTerminal) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for !f.closed && !bytes.Contains(f.typed, []byte("\n")) {
		f.cond.Wait()
	}
	if f.closed {
		return 0, io.EOF
	}
	n := copy(p, f.typed[:bytes.IndexByte(f.typed, '\n')+1])
	f.typed = f.typed[n:]
	return n, nil
}

func (f *fakeTerminal) typeLine(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.typed = append(f.typed, s...)
	f.cond.Broadcast()
}

func (f *fakeTerminal) discard() (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := bytes.LastIndexByte(f.typed, '\n') + 1
	f.typed = nil
	return n, nil
}

func (f *fakeTerminal) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	f.cond.Broadcast()
}

// A "y" typed before the first approval request was shown — still in the
// terminal, read by nothing — does not approve it: the prompt discards
// it first and says so, and the answer typed after the prompt decides.
func TestTypeAheadDoesNotAnswerTheFirstRequest(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("send_email", aliceArgs)), aitest.Reply("Not sent."))
	out := &testutil.SyncBuffer{}
	box := &outbox{}
	session := aigentic.NewSession(testContext(t))
	defer session.Cancel()
	agent := newAgent(model, session, box, time.Minute)
	agent.Logger = quietLogger()
	term := newFakeTerminal()
	defer term.close()
	term.typeLine("y\n") // typed ahead, before the request was shown
	ap := &approver{p: cli.NewPrinter(out, func(string) string { return "" }), terminal: true, timeout: time.Minute,
		lines: newLineReader(term), discard: term.discard, denied: map[string]string{}}
	ctx := testContext(t)
	go func() {
		for !strings.Contains(out.String(), "Send it? [y/N]") {
			if ctx.Err() != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
		term.typeLine("n\n") // the answer, typed after the prompt
	}()
	if _, err := converse(agent, "send it", ap); err != nil {
		t.Fatal(err)
	}
	for _, e := range box.Sent() {
		t.Errorf("sent to %s: a line typed before the request was shown approved it", e.To)
	}
	mustContain(t, out.String(), "(Ignored 2 bytes typed before this request was shown.)", "Decision: denied at the terminal")
}

// Where the terminal's input cannot be discarded, the prompt says so
// rather than pretending, and still asks.
func TestTypeAheadThatCannotBeDiscardedIsSaid(t *testing.T) {
	out := &testutil.SyncBuffer{}
	ap := &approver{p: cli.NewPrinter(out, func(string) string { return "" }), terminal: true, timeout: time.Minute,
		lines: newLineReader(strings.NewReader("n\n")), discard: func() (int, error) { return 0, errNoTypeAheadDiscard },
		denied: map[string]string{}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("send_email", aliceArgs)), aitest.Reply("Not sent."))
	session := aigentic.NewSession(testContext(t))
	defer session.Cancel()
	agent := newAgent(model, session, &outbox{}, time.Minute)
	agent.Logger = quietLogger()
	if _, err := converse(agent, "send it", ap); err != nil {
		t.Fatal(err)
	}
	mustContain(t, out.String(), "(Could not discard what was typed before this request: "+errNoTypeAheadDiscard.Error(), "Decision: denied at the terminal")
}
