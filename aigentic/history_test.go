package aigentic_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// sliceHistory is a History in a slice; loadErr and appendErr make it fail.
type sliceHistory struct {
	mu                 sync.Mutex
	msgs               []ai.Message
	loadErr, appendErr error
}

func (h *sliceHistory) Load(context.Context) ([]ai.Message, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]ai.Message(nil), h.msgs...), h.loadErr
}

func (h *sliceHistory) Append(_ context.Context, msgs []ai.Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.appendErr != nil {
		return h.appendErr
	}
	h.msgs = append(h.msgs, msgs...)
	return nil
}

func contents(msgs []ai.Message) string {
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.Role)+":"+m.Content)
	}
	return strings.Join(out, " | ")
}

// A session with a History carries the conversation from run to run: the
// second run's model sees the first run's question and answer, after the
// instructions.
func TestSessionHistoryAcrossRuns(t *testing.T) {
	hist := &sliceHistory{}
	session := aigentic.NewSession(context.Background())
	session.History = hist
	model := aitest.NewScripted(aitest.Reply("Hi Ana."), aitest.Reply("You are Ana."))
	agent := aigentic.Agent{Model: model, Instructions: "Be brief.", Session: session, Logger: discardLogger()}
	if _, err := agent.Execute("I am Ana."); err != nil {
		t.Fatal(err)
	}
	if _, err := agent.Execute("Who am I?"); err != nil {
		t.Fatal(err)
	}
	sent := contents(model.Requests()[1].Messages)
	want := "system:Be brief. | user:I am Ana. | assistant:Hi Ana. | user:Who am I?"
	if sent != want {
		t.Fatalf("second run sent %q, want %q", sent, want)
	}
	if got := contents(hist.msgs); got != "user:I am Ana. | assistant:Hi Ana. | user:Who am I? | assistant:You are Ana." {
		t.Fatalf("history %q", got)
	}
}

// A run that stops with tool calls unanswered adds only the part of its
// conversation a model accepts; a run the model never answered adds
// nothing.
func TestSessionHistoryKeepsOnlyAnsweredTurns(t *testing.T) {
	hist := &sliceHistory{}
	session := aigentic.NewSession(context.Background())
	session.History = hist
	noop := (&countingTool{}).Tool("noop", nil)
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("noop", `{}`)), aitest.CallTools(aitest.Call("noop", `{}`)))
	_, err := aigentic.Agent{Model: model, Session: session, MaxLLMCalls: 2, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{noop}}.Execute("loop")
	if !errors.Is(err, aigentic.ErrMaxLLMCalls) {
		t.Fatalf("err = %v", err)
	}
	if got := len(hist.msgs); got != 3 { // user, the first call, its result
		t.Fatalf("history holds %d messages: %s", got, contents(hist.msgs))
	}
	_, err = aigentic.Agent{Model: aitest.NewScripted(aitest.Fail(aitest.StatusError(400, 0))), Session: session, Logger: discardLogger()}.Execute("again")
	if err == nil || len(hist.msgs) != 3 {
		t.Fatalf("err %v; history grew to %d on a run the model never answered", err, len(hist.msgs))
	}
}

// A history that cannot be read stops the run before anything runs; one
// that cannot be written loses nothing: the answer and the messages are in
// the error.
func TestSessionHistoryFailures(t *testing.T) {
	boom := errors.New("disk full")
	session := aigentic.NewSession(context.Background())
	session.History = &sliceHistory{loadErr: boom}
	model := aitest.NewScripted(aitest.Reply("never"))
	_, err := aigentic.Agent{Model: model, Session: session, Logger: discardLogger()}.Execute("hi")
	var he *aigentic.HistoryError
	if !errors.As(err, &he) || he.Op != "load" || !errors.Is(err, boom) || !errors.Is(err, aigentic.ErrHistory) || len(model.Requests()) != 0 {
		t.Fatalf("err = %v, model called %d times", err, len(model.Requests()))
	}
	session.History = &sliceHistory{appendErr: boom}
	model = aitest.NewScripted(aitest.Reply("the answer"))
	answer, err := aigentic.Agent{Model: model, Session: session, Logger: discardLogger()}.Execute("hi")
	if !errors.As(err, &he) || he.Op != "append" || he.Answer != "the answer" || len(he.Messages) != 2 || answer != "the answer" {
		t.Fatalf("answer %q, err = %v (%+v)", answer, err, he)
	}
}

// A sub-agent's run neither reads nor writes its parent's session history.
func TestSubAgentDoesNotUseSessionHistory(t *testing.T) {
	hist := &sliceHistory{msgs: []ai.Message{{Role: ai.RoleUser, Content: "earlier"}, {Role: ai.RoleAssistant, Content: "noted"}}}
	session := aigentic.NewSession(context.Background())
	session.History = hist
	helper := aitest.NewScripted(aitest.Reply("helped"))
	coordinator := aitest.NewScripted(aitest.CallTools(aitest.Call("helper", `{"input":"x"}`)), aitest.Reply("done"))
	_, err := aigentic.Agent{Model: coordinator, Session: session, Logger: discardLogger(),
		Agents: []aigentic.Agent{{Name: "helper", Model: helper}}}.Execute("go")
	if err != nil {
		t.Fatal(err)
	}
	if got := contents(helper.Requests()[0].Messages); got != "user:x" {
		t.Fatalf("the sub-agent saw %q", got)
	}
	// The coordinator's run only: its delegation and the result it got.
	if got := contents(hist.msgs); got != "user:earlier | assistant:noted | user:go | assistant: | tool:helped | assistant:done" {
		t.Fatalf("history: %s", got)
	}
}

// A run that hits a limit before its model wrote any text has no
// Partial: the answer of an earlier run in Session.History is not this
// run's partial work (a *LimitError's, nor a *HaltError's).
func TestPartialIsNeverAnEarlierRunsAnswer(t *testing.T) {
	hist := &sliceHistory{msgs: []ai.Message{{Role: ai.RoleUser, Content: "hi"}, {Role: ai.RoleAssistant, Content: "PREVIOUS RUN ANSWER"}}}
	session := aigentic.NewSession(context.Background())
	defer session.Cancel()
	session.History = hist
	echo := aigentic.AgentTool{Name: "echo", Description: "Echo.", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		return ai.Text("echoed"), nil
	}}
	agent := aigentic.Agent{Model: aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`))), Session: session,
		AgentTools: []aigentic.AgentTool{echo}, MaxLLMCalls: 1, Logger: discardLogger()}
	_, err := agent.Execute("go")
	le, ok := errors.AsType[*aigentic.LimitError](err)
	if !ok {
		t.Fatalf("err = %v, want a *LimitError", err)
	}
	if le.Partial != "" {
		t.Errorf("LimitError.Partial = %q, want none: the model wrote no text in this run", le.Partial)
	}
}
