package window_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// A prompt that fits is sent as it is: the same slice, no Decision.
func TestFittingPromptIsSentAsItIs(t *testing.T) {
	c := mustNew(t, window.Options{Window: 10_000})
	run := newFakeRun(t, "m")
	full := []ai.Message{sys("Be brief."), user(words("hello", 100)), calls("a"), result("a", words("data", 500))}
	if _, err := run.send(c, full); err != nil {
		t.Fatal(err)
	}
	if sent := run.last(); &sent[0] != &full[0] || len(sent) != len(full) {
		t.Fatalf("the prompt was rebuilt:\n%s", dump(sent))
	}
	if d := run.rep.list(); len(d) != 0 {
		t.Fatalf("decisions %+v", d)
	}
}

// Old, large tool results are clipped first: when that is enough, no
// message is left out, and the latest result is sent whole.
func TestClipsOldLargeToolResultsFirst(t *testing.T) {
	c := mustNew(t, window.Options{Window: 3_000, Reserve: 500})
	run := newFakeRun(t, "m")
	full := []ai.Message{
		sys("Be brief."),
		user("first question"), calls("a"), result("a", words("old", 2_000)), say("first answer"),
		user("second question"), calls("b"), result("b", words("new", 1_000)),
	}
	if _, err := run.send(c, full); err != nil {
		t.Fatal(err)
	}
	sent := run.last()
	checkSent(t, full, sent)
	if len(sent) != len(full) {
		t.Fatalf("messages were left out though clipping was enough:\n%s", dump(sent))
	}
	if !strings.Contains(sent[3].Content, "bytes left out to fit the context window") || len(sent[3].Content) > 1_000 {
		t.Fatalf("the old result was not clipped: %d bytes", len(sent[3].Content))
	}
	if sent[7].Content != full[7].Content {
		t.Fatal("the latest result was clipped")
	}
	d := run.rep.list()
	if len(d) != 1 || d[0].By != "window" || d[0].Action != "compact" || d[0].Step != "model call 1" ||
		!strings.Contains(d[0].Reason, "clipped 1 old tool result") {
		t.Fatalf("decisions %+v", d)
	}
}

// Whole turns are left out, oldest first, with a note on the first user
// message kept; the latest turn is whole.
func TestLeavesOutOldestTurnsWhole(t *testing.T) {
	c := mustNew(t, window.Options{Window: 2_000, Reserve: 200})
	run := newFakeRun(t, "m")
	full := []ai.Message{sys("Be brief.")}
	for i := range 10 {
		full = append(full, user(fmt.Sprintf("question %d: %s", i, words("q", 150))), say(words("answer", 150)))
	}
	full = append(full, user("the latest question"))
	if _, err := run.send(c, full); err != nil {
		t.Fatal(err)
	}
	sent := run.last()
	checkSent(t, full, sent)
	if len(sent) >= len(full) || len(sent) < 3 {
		t.Fatalf("sent %d of %d messages", len(sent), len(full))
	}
	dropped := len(full) - len(sent)
	if !strings.HasPrefix(sent[1].Content, fmt.Sprintf("[%d earlier messages", dropped)) {
		t.Fatalf("first user message kept: %q", clip(sent[1].Content))
	}
	if want := full[dropped+1].Content; !strings.HasSuffix(sent[1].Content, want) {
		t.Fatalf("the kept turn does not start at a user message: %q", clip(sent[1].Content))
	}
	if est := window.MessagesTokens(sent) + window.PerRequest; est > 1_800 {
		t.Fatalf("sent ≈%d tokens, over the room of 1,800", est)
	}
}

// Older turns are left out whole, never in part: what is sent after the
// first user message kept is that turn and the next ones, every message
// of them.
func TestOlderTurnsAreLeftOutWhole(t *testing.T) {
	full := []ai.Message{sys("x")}
	for i := range 12 {
		a, b := fmt.Sprint("a", i), fmt.Sprint("b", i)
		full = append(full, user(fmt.Sprint("question ", i)), calls(a), result(a, words("ra", 100)),
			calls(b), result(b, words("rb", 100)), say(words("answer", 40)))
	}
	full = append(full, user("the latest question"))
	for w := 1_000; w <= 3_000; w += 50 {
		c := mustNew(t, window.Options{Window: w, Reserve: 200})
		run := newFakeRun(t, "m")
		if _, err := run.send(c, full); err != nil {
			t.Fatal(err)
		}
		sent := run.last()
		checkSent(t, full, sent)
		from := len(full) - (len(sent) - 1)
		if full[from].Role != ai.RoleUser || !strings.HasSuffix(sent[1].Content, full[from].Content) {
			t.Fatalf("window %d: the first message kept is not a whole turn's start:\n%s", w, dump(sent))
		}
		for i := 2; i < len(sent); i++ {
			if sent[i].Content != full[from+i-1].Content || sent[i].Role != full[from+i-1].Role {
				t.Fatalf("window %d: message %d sent is not message %d of the conversation:\n%s", w, i, from+i-1, dump(sent))
			}
		}
	}
}

// In a long turn (one question, many tool calls), the oldest calls are
// left out with their results; the question and the latest call stay.
func TestLeavesOutOldestCallsOfTheTurn(t *testing.T) {
	c := mustNew(t, window.Options{Window: 1_500, Reserve: 200})
	run := newFakeRun(t, "m")
	full := []ai.Message{sys("Be brief."), user("the question")}
	for i := range 30 {
		a, b := fmt.Sprintf("c%da", i), fmt.Sprintf("c%db", i)
		full = append(full, calls(a, b), result(a, words("r", 60)), result(b, words("s", 60)))
	}
	if _, err := run.send(c, full); err != nil {
		t.Fatal(err)
	}
	sent := run.last()
	checkSent(t, full, sent)
	if sent[1].Role != ai.RoleUser || !strings.HasSuffix(sent[1].Content, "the question") || sent[2].Role != ai.RoleAssistant {
		t.Fatalf("sent:\n%s", dump(sent))
	}
	if len(sent) >= len(full) {
		t.Fatal("nothing was left out")
	}
}

// Whatever the conversation and the window, what is sent is valid and
// keeps the essentials — or the call fails with a *TooSmallError.
func TestCompactionKeepsConversationsValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tooSmall, compacted := 0, 0
	for trial := range 400 {
		full := randomConversation(rng)
		c := mustNew(t, window.Options{Window: 150 + rng.IntN(4_000), ClipAbove: 50 + rng.IntN(300)})
		run := newFakeRun(t, "m")
		_, err := run.send(c, full)
		if err != nil {
			var ts *window.TooSmallError
			if !errors.As(err, &ts) || ts.Need() <= ts.Window {
				t.Fatalf("trial %d: %v", trial, err)
			}
			tooSmall++
			continue
		}
		if len(run.rep.list()) > 0 {
			compacted++
		}
		t.Run("", func(t *testing.T) { checkSent(t, full, run.last()) })
		if t.Failed() {
			t.Fatalf("trial %d: full conversation:\n%s", trial, dump(full))
		}
	}
	if tooSmall == 0 || compacted < 100 {
		t.Fatalf("the trials did not exercise both outcomes: %d too small, %d compacted", tooSmall, compacted)
	}
}

func randomConversation(rng *rand.Rand) []ai.Message {
	msgs := []ai.Message{sys(words("rule", 10+rng.IntN(200)))}
	id := 0
	for range 1 + rng.IntN(8) {
		msgs = append(msgs, user(words("ask", 5+rng.IntN(300))))
		for range rng.IntN(4) {
			var ids []string
			for range 1 + rng.IntN(3) {
				id++
				ids = append(ids, fmt.Sprint("id", id))
			}
			msgs = append(msgs, calls(ids...))
			for _, x := range ids {
				msgs = append(msgs, result(x, words("res", 5+rng.IntN(1_500))))
			}
		}
		if rng.IntN(3) > 0 {
			msgs = append(msgs, say(words("ans", 5+rng.IntN(200))))
		}
	}
	if msgs[len(msgs)-1].Role == ai.RoleAssistant && len(msgs[len(msgs)-1].ToolCalls) == 0 {
		msgs = append(msgs, user("and now?"))
	}
	return msgs
}

// A window smaller than the instructions and the latest message fails the
// first call with a typed error, before anything is sent.
func TestWindowSmallerThanInstructionsIsAnError(t *testing.T) {
	c := mustNew(t, window.Options{Window: 300, Reserve: 50})
	run := newFakeRun(t, "tiny")
	_, err := run.send(c, []ai.Message{sys(words("rule", 400)), user("hi")})
	var ts *window.TooSmallError
	if !errors.Is(err, window.ErrWindowTooSmall) || !errors.As(err, &ts) {
		t.Fatalf("err = %v", err)
	}
	if ts.Window != 300 || ts.Reserve != 50 || ts.Instructions < 400 || ts.Model != "tiny" || len(run.sent) != 0 {
		t.Fatalf("%+v; sent %d requests", ts, len(run.sent))
	}
	if !strings.Contains(err.Error(), "context window of 300 tokens") {
		t.Fatal(err)
	}
}

// With a Summarizer, what is left out is summarised once, and the summary
// is extended — never redone — as more is left out; calls that leave out
// nothing new do not summarise.
func TestSummaryIsMadeOnceAndExtended(t *testing.T) {
	var got []string
	given := 0
	sum := window.SummarizerFunc(func(_ context.Context, prev string, msgs []ai.Message) (string, error) {
		got = append(got, prev)
		given += len(msgs)
		return fmt.Sprintf("summary %d of %d messages", len(got), len(msgs)), nil
	})
	c := mustNew(t, window.Options{Window: 3_000, Reserve: 200, Summarizer: sum, SummaryTokens: 50})
	run := newFakeRun(t, "m")
	full := []ai.Message{sys("x")}
	sends := 0
	for i := range 40 {
		full = append(full, user(fmt.Sprint("q", i, " ", words("word", 80))))
		if _, err := run.send(c, full); err != nil {
			t.Fatal(err)
		}
		sends++
		checkSent(t, full, run.last())
		full = append(full, say(words("said", 80)))
	}
	if len(got) < 2 || len(got) > sends/3 {
		t.Fatalf("summarised %d times in %d calls", len(got), sends)
	}
	if got[0] != "" || !strings.HasPrefix(got[1], "summary 1 of") {
		t.Fatalf("previous summaries given: %q", got)
	}
	if left := len(full) - 1 - len(run.last()); given != left { // full has the last answer too
		t.Fatalf("%d messages given to the summarizer for %d left out: some were summarised again", given, left)
	}
	first := run.last()[1].Content
	if !strings.Contains(first, fmt.Sprintf("summary %d of", len(got))) || !strings.Contains(first, untrusted.Tag) {
		t.Fatalf("first user message: %q", clip(first))
	}
}

// A summarizer that fails leaves the messages out with the note; the
// Decision says it failed.
func TestSummaryFailureFallsBackToTheNote(t *testing.T) {
	sum := window.SummarizerFunc(func(context.Context, string, []ai.Message) (string, error) {
		return "", errors.New("summarizer down")
	})
	c := mustNew(t, window.Options{Window: 1_000, Reserve: 100, Summarizer: sum})
	run := newFakeRun(t, "m")
	full := []ai.Message{sys("x"), user(words("aaaa", 500)), say(words("bbbb", 500)), user("now")}
	if _, err := run.send(c, full); err != nil {
		t.Fatal(err)
	}
	if s := run.last()[1].Content; !strings.HasPrefix(s, "[2 earlier messages") || strings.Contains(s, untrusted.Tag) {
		t.Fatalf("sent %q", clip(s))
	}
	if d := run.rep.list(); len(d) != 1 || !strings.Contains(d[0].Reason, "summary failed: summarizer down") {
		t.Fatalf("decisions %+v", d)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []window.Options{
		{Window: -1}, {Reserve: -5}, {Target: 1.5}, {Target: -0.1}, {ClipAbove: 100, ClipTo: 100},
		{Window: 1_000, Reserve: 1_000}, {Windows: window.Windows{"m": 0}}, {SummaryTokens: -1},
	} {
		if _, err := window.New(o); !errors.Is(err, window.ErrInvalidOptions) {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
}

// An interceptor outside the compactor sees the call as it was sent.
var _ hook.Interceptor = (*window.Compactor)(nil)
