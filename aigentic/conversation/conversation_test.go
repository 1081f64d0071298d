package conversation_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func user(s string) ai.Message { return ai.Message{Role: ai.RoleUser, Content: s} }
func say(s string) ai.Message  { return ai.Message{Role: ai.RoleAssistant, Content: s} }
func calls(ids ...string) ai.Message {
	m := ai.Message{Role: ai.RoleAssistant}
	for _, id := range ids {
		m.ToolCalls = append(m.ToolCalls, ai.ToolCall{ID: id, Name: "lookup", Arguments: `{}`})
	}
	return m
}
func result(id, s string) ai.Message {
	return ai.Message{Role: ai.RoleTool, ToolCallID: id, Name: "lookup", Content: s}
}

func texts(msgs []ai.Message) string {
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.Role)+":"+m.Content)
	}
	return strings.Join(out, " | ")
}

// turn is a user message, a tool call with its result, and an answer.
func turn(i int) []ai.Message {
	id := fmt.Sprint("call_", i)
	return []ai.Message{user(fmt.Sprint("q", i)), calls(id), result(id, fmt.Sprint("r", i)), say(fmt.Sprint("a", i))}
}

func newConv(t *testing.T, store conversation.Store, id string, opts conversation.Options) *conversation.Conversation {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet()
	}
	c, err := conversation.New(store, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Caps keep the newest whole turns: a tool result never loses its call.
func TestCapKeepsWholeTurns(t *testing.T) {
	var msgs []ai.Message
	for i := range 5 {
		msgs = append(msgs, turn(i)...)
	}
	if got := texts(conversation.Cap(msgs, 2, 0)); got != texts(append(turn(3), turn(4)...)) {
		t.Fatalf("MaxTurns 2: %s", got)
	}
	per := window.MessagesTokens(turn(4))
	if got := conversation.Cap(msgs, 0, 3*per+1); len(got) != 12 || got[0].Content != "q2" {
		t.Fatalf("MaxTokens for 3 turns: %s", texts(got))
	}
	if got := conversation.Cap(msgs, 0, per-1); len(got) != 0 {
		t.Fatalf("a cap below the newest turn: %s", texts(got))
	}
	if got := conversation.Cap(msgs, 0, 0); len(got) != len(msgs) {
		t.Fatal("no cap cut")
	}
	// Messages before the first user message are a turn of their own.
	lead := append([]ai.Message{say("welcome")}, turn(0)...)
	if got := conversation.Cap(lead, 2, 0); len(got) != 5 {
		t.Fatalf("leading block: %s", texts(got))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		msgs := randomConversation(rng)
		got := conversation.Cap(msgs, rng.IntN(5), rng.IntN(400))
		if err := conversation.Check(got); err != nil {
			t.Fatalf("capped to an invalid conversation: %v\n%s", err, texts(got))
		}
	}
}

func randomConversation(rng *rand.Rand) []ai.Message {
	var msgs []ai.Message
	id := 0
	for range rng.IntN(8) {
		msgs = append(msgs, user(strings.Repeat("u", rng.IntN(200))))
		for range rng.IntN(3) {
			var ids []string
			for range 1 + rng.IntN(3) {
				id++
				ids = append(ids, fmt.Sprint("c", id))
			}
			msgs = append(msgs, calls(ids...))
			for _, x := range ids {
				msgs = append(msgs, result(x, strings.Repeat("r", rng.IntN(300))))
			}
		}
		msgs = append(msgs, say(strings.Repeat("a", rng.IntN(100))))
	}
	return msgs
}

func TestCheck(t *testing.T) {
	for _, bad := range [][]ai.Message{
		{result("x", "orphan")},
		{user("q"), calls("a"), say("no result")},
		{user("q"), calls("a")},
		{user("q"), calls("a"), result("b", "wrong id")},
		{{Role: ai.RoleSystem, Content: "rules"}, user("q")},
		{{Role: "robot", Content: "?"}},
		{calls("a", "a"), result("a", "1"), result("a", "2")},
	} {
		if err := conversation.Check(bad); !errors.Is(err, conversation.ErrInvalidMessages) {
			t.Errorf("%s: err = %v", texts(bad), err)
		}
	}
	if err := conversation.Check(append(turn(0), turn(1)...)); err != nil {
		t.Fatal(err)
	}
}

// A session whose History is a Conversation carries it from run to run;
// the caps bound what each run is given, and the store keeps no more than
// Load can return.
func TestConversationAcrossRuns(t *testing.T) {
	store := conversation.NewMemoryStore()
	conv := newConv(t, store, "ana", conversation.Options{MaxTurns: 2})
	session := aigentic.NewSession(context.Background())
	session.History = conv
	var steps []aitest.Step
	for i := range 4 {
		steps = append(steps, aitest.Reply(fmt.Sprint("answer ", i)))
	}
	model := aitest.NewScripted(steps...)
	agent := aigentic.Agent{Model: model, Instructions: "Be brief.", Session: session, Logger: quiet()}
	for i := range 4 {
		if _, err := agent.Execute(fmt.Sprint("question ", i)); err != nil {
			t.Fatal(err)
		}
	}
	got := texts(model.Requests()[3].Messages)
	want := "system:Be brief. | user:question 1 | assistant:answer 1 | user:question 2 | assistant:answer 2 | user:question 3"
	if got != want {
		t.Fatalf("the fourth run sent\n%s\nwant\n%s", got, want)
	}
	segs, err := store.Load(context.Background(), "ana")
	if err != nil || len(segs) != 2 {
		t.Fatalf("the store holds %d segments (%v); Load returns 2 turns", len(segs), err)
	}
}

// A failing store loses nothing: a failed Append leaves the conversation
// as it was and the run's answer and messages in the error; a failed Load
// stops the next run before the model is called.
func TestFailingStoreLosesNothing(t *testing.T) {
	store := &failingStore{Store: conversation.NewMemoryStore()}
	conv := newConv(t, store, "ana", conversation.Options{})
	session := aigentic.NewSession(context.Background())
	session.History = conv
	model := aitest.NewScripted(aitest.Reply("first"), aitest.Reply("second"), aitest.Reply("never"))
	agent := aigentic.Agent{Model: model, Session: session, Logger: quiet()}
	if _, err := agent.Execute("one"); err != nil {
		t.Fatal(err)
	}
	store.failAppend = errors.New("disk full")
	answer, err := agent.Execute("two")
	var he *aigentic.HistoryError
	if !errors.As(err, &he) || he.Op != "append" || answer != "second" || he.Answer != "second" ||
		texts(he.Messages) != "user:two | assistant:second" || !errors.Is(err, store.failAppend) {
		t.Fatalf("answer %q, err %v", answer, err)
	}
	msgs, err := conv.Load(context.Background())
	if err != nil || texts(msgs) != "user:one | assistant:first" {
		t.Fatalf("after the failed append: %s, %v", texts(msgs), err)
	}
	store.failAppend, store.failLoad = nil, errors.New("disk gone")
	if _, err := agent.Execute("three"); !errors.As(err, &he) || he.Op != "load" || model.Calls() != 2 {
		t.Fatalf("err %v; model called %d times", err, model.Calls())
	}
}

type failingStore struct {
	conversation.Store
	failAppend, failLoad error
}

func (s *failingStore) Append(ctx context.Context, id string, msgs []ai.Message) error {
	if s.failAppend != nil {
		return s.failAppend
	}
	return s.Store.Append(ctx, id, msgs)
}

func (s *failingStore) Load(ctx context.Context, id string) ([]conversation.Segment, error) {
	if s.failLoad != nil {
		return nil, s.failLoad
	}
	return s.Store.Load(ctx, id)
}

func (s *failingStore) Delete(context.Context, string, []string) error {
	return errors.New("cannot delete")
}

// Pruning that fails is logged; the Append it follows succeeded.
func TestPruneFailureIsLoggedNotReturned(t *testing.T) {
	var logs bytes.Buffer
	store := &failingStore{Store: conversation.NewMemoryStore()}
	conv := newConv(t, store, "ana", conversation.Options{MaxTurns: 1, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for i := range 3 {
		if err := conv.Append(context.Background(), turn(i)); err != nil {
			t.Fatal(err)
		}
	}
	msgs, _ := conv.Load(context.Background())
	if texts(msgs) != texts(turn(2)) || !strings.Contains(logs.String(), "cannot delete") {
		t.Fatalf("loaded %s; logs %s", texts(msgs), logs.String())
	}
}

// Bad input is refused with a clear error and stores nothing.
func TestBadInput(t *testing.T) {
	store := conversation.NewMemoryStore()
	for _, id := range []string{"", "Alice", "../etc", strings.Repeat("a", 65), "a/b"} {
		if _, err := conversation.New(store, id, conversation.Options{}); !errors.Is(err, conversation.ErrInvalidID) {
			t.Errorf("id %q: err = %v", id, err)
		}
	}
	for _, o := range []conversation.Options{{MaxTurns: -1}, {MaxTokens: -1}} {
		if _, err := conversation.New(store, "ok", o); !errors.Is(err, conversation.ErrInvalidOptions) {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
	if _, err := conversation.New(nil, "ok", conversation.Options{}); !errors.Is(err, conversation.ErrInvalidOptions) {
		t.Error("a nil store was accepted")
	}
	conv := newConv(t, store, "ok", conversation.Options{})
	if err := conv.Append(context.Background(), []ai.Message{user("q"), calls("a")}); !errors.Is(err, conversation.ErrInvalidMessages) {
		t.Fatalf("err = %v", err)
	}
	if segs, _ := store.Load(context.Background(), "ok"); len(segs) != 0 {
		t.Fatal("invalid messages were stored")
	}
}

// A MemoryStore gives copies: changing what it returned or was given does
// not change what it holds.
func TestMemoryStoreCopies(t *testing.T) {
	store := conversation.NewMemoryStore()
	msgs := turn(0)
	if err := store.Append(context.Background(), "c", msgs); err != nil {
		t.Fatal(err)
	}
	msgs[1].ToolCalls[0].ID = "changed"
	segs, _ := store.Load(context.Background(), "c")
	segs[0].Messages[0].Content = "changed"
	again, _ := store.Load(context.Background(), "c")
	if again[0].Messages[1].ToolCalls[0].ID != "call_0" || again[0].Messages[0].Content != "q0" {
		t.Fatal("the store's messages changed")
	}
}

// Concurrent runs of one conversation all land.
func TestConcurrentAppends(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) conversation.Store{
		"memory": func(*testing.T) conversation.Store { return conversation.NewMemoryStore() },
		"file":   func(t *testing.T) conversation.Store { return openFile(t, filepath.Join(t.TempDir(), "c")) },
	} {
		t.Run(name, func(t *testing.T) {
			conv := newConv(t, open(t), "many", conversation.Options{})
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Go(func() {
					if err := conv.Append(context.Background(), turn(i)); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			msgs, err := conv.Load(context.Background())
			if err != nil || len(msgs) != 16*4 {
				t.Fatalf("%d messages, %v", len(msgs), err)
			}
		})
	}
}

func openFile(t *testing.T, dir string) *conversation.FileStore {
	t.Helper()
	s, err := conversation.OpenFileStore(dir, conversation.FileLimits{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
