package window_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func sys(s string) ai.Message  { return ai.Message{Role: ai.RoleSystem, Content: s} }
func user(s string) ai.Message { return ai.Message{Role: ai.RoleUser, Content: s} }
func say(s string) ai.Message  { return ai.Message{Role: ai.RoleAssistant, Content: s} }

// calls is an assistant message calling "lookup" once per id.
func calls(ids ...string) ai.Message {
	m := ai.Message{Role: ai.RoleAssistant}
	for _, id := range ids {
		m.ToolCalls = append(m.ToolCalls, ai.ToolCall{ID: id, Name: "lookup", Arguments: `{"q":"x"}`})
	}
	return m
}

func result(id, s string) ai.Message {
	return ai.Message{Role: ai.RoleTool, ToolCallID: id, Name: "lookup", Content: s}
}

// words is n words of text: about n*5/4 estimated tokens.
func words(tag string, n int) string {
	return strings.TrimSpace(strings.Repeat(tag+" ", n))
}

// reporter records the Decisions a compactor reports.
type reporter struct {
	mu        sync.Mutex
	decisions []hook.Decision
}

func (r *reporter) Report(_ context.Context, d *hook.Decision) {
	r.mu.Lock()
	r.decisions = append(r.decisions, *d)
	r.mu.Unlock()
}

func (r *reporter) list() []hook.Decision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hook.Decision(nil), r.decisions...)
}

// fakeRun is a run as a compactor sees it: its RunInfo (reporting to a
// reporter), a context that ends with it, and the calls it makes.
type fakeRun struct {
	info   hook.RunInfo
	rep    *reporter
	ctx    context.Context
	cancel context.CancelFunc
	call   int
	// sent are the requests' messages, as the compactor sent them.
	sent [][]ai.Message
	// answer gives each send's response or error; nil: a text answer
	// whose usage is the estimate of what was sent.
	answer func(n int, msgs []ai.Message) (*ai.Response, error)
}

func newFakeRun(t *testing.T, model string) *fakeRun {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &fakeRun{rep: &reporter{}, ctx: ctx, cancel: cancel}
	r.info = hook.RunInfo{ID: "run_test", Model: model, Reporter: r.rep}
	return r
}

// send makes one model call of the run through c.
func (r *fakeRun) send(c *window.Compactor, msgs []ai.Message) (*ai.Response, error) {
	r.call++
	call := &hook.ModelCall{Run: &r.info, Call: r.call, Request: ai.Request{Messages: msgs}}
	return c.InterceptModel(r.ctx, call, func(_ context.Context, call *hook.ModelCall) (*ai.Response, error) {
		sent := call.Request.Messages
		r.sent = append(r.sent, sent)
		if r.answer != nil {
			return r.answer(len(r.sent), sent)
		}
		return &ai.Response{Message: say("ok"), Usage: ai.Usage{InputTokens: window.MessagesTokens(sent)}}, nil
	})
}

func (r *fakeRun) last() []ai.Message { return r.sent[len(r.sent)-1] }

func mustNew(t testing.TB, opts window.Options) *window.Compactor {
	t.Helper()
	c, err := window.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkSent fails t unless sent is what a compaction of full may send: a
// conversation a strict server accepts (every tool result right after its
// call, every call answered), the system messages of full first and
// unchanged, then a user message, and the latest part of full — from its
// latest user message, or its latest tool calls when some follow it —
// whole at the end (the user message may start with the compactor's
// note).
func checkSent(t *testing.T, full, sent []ai.Message) {
	t.Helper()
	head := 0
	for head < len(full) && full[head].Role == ai.RoleSystem {
		head++
	}
	if len(sent) < head {
		t.Fatalf("sent %d messages, fewer than the %d system messages", len(sent), head)
	}
	for i := 0; i < head; i++ {
		if sent[i].Role != full[i].Role || sent[i].Content != full[i].Content {
			t.Fatalf("system message %d changed: %q", i, sent[i].Content)
		}
	}
	body := sent[head:]
	if err := conversation.Check(body); err != nil {
		t.Fatalf("sent an invalid conversation: %v\n%s", err, dump(sent))
	}
	if len(body) > 0 && body[0].Role != ai.RoleUser && full[head].Role == ai.RoleUser {
		t.Fatalf("the first message after the instructions is %s, not user:\n%s", body[0].Role, dump(sent))
	}
	lastUser, tail := -1, -1
	for i := len(full) - 1; i >= head; i-- {
		if full[i].Role == ai.RoleUser {
			lastUser = i
			break
		}
	}
	tail = lastUser
	for i := len(full) - 1; i > lastUser; i-- {
		if full[i].Role == ai.RoleAssistant && len(full[i].ToolCalls) > 0 {
			tail = i
			break
		}
	}
	if tail < 0 {
		return
	}
	keep := full[tail:]
	if len(sent) < len(keep) {
		t.Fatalf("sent %d messages, fewer than the %d latest ones", len(sent), len(keep))
	}
	got := sent[len(sent)-len(keep):]
	for i, m := range keep {
		g := got[i]
		switch {
		case m.Role == ai.RoleUser && strings.HasSuffix(g.Content, m.Content) && g.Role == m.Role:
		case m.Role == ai.RoleTool && g.ToolCallID == m.ToolCallID:
		case g.Role == m.Role && g.Content == m.Content && len(g.ToolCalls) == len(m.ToolCalls):
		default:
			t.Fatalf("latest message %d (%s) not kept: got %s %q", i, m.Role, g.Role, clip(g.Content))
		}
	}
	if lastUser >= 0 {
		found := false
		for _, m := range sent {
			found = found || m.Role == ai.RoleUser && strings.HasSuffix(m.Content, full[lastUser].Content)
		}
		if !found {
			t.Fatalf("the user's latest message was not sent:\n%s", dump(sent))
		}
	}
}

func dump(msgs []ai.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "%3d %-9s", i, m.Role)
		for _, tc := range m.ToolCalls {
			fmt.Fprintf(&b, " call(%s)", tc.ID)
		}
		if m.ToolCallID != "" {
			fmt.Fprintf(&b, " result(%s)", m.ToolCallID)
		}
		fmt.Fprintf(&b, " %q\n", clip(m.Content))
	}
	return b.String()
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// waitFor waits until cond holds: for work another goroutine finishes
// (context.AfterFunc). The deadline only stops a test that would hang.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}
