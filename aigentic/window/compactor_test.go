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

// The server's context-length error makes the compactor learn the window
// it named, compact, and send once more; the run's next call is compacted
// before it is sent.
func TestServerRefusalCompactsAndRetriesOnce(t *testing.T) {
	c := mustNew(t, window.Options{}) // "mystery" is in no table: nothing is known before the refusal
	run := newFakeRun(t, "mystery")
	run.answer = func(n int, msgs []ai.Message) (*ai.Response, error) {
		if est := window.MessagesTokens(msgs); est > 1_000 {
			return nil, &ai.ModelError{StatusCode: 400, Err: &ai.ContextLengthError{Window: 1_200, Prompt: est}}
		}
		return &ai.Response{Message: say("ok"), Usage: ai.Usage{InputTokens: window.MessagesTokens(msgs)}}, nil
	}
	full := []ai.Message{sys("Be brief.")}
	for i := range 12 {
		full = append(full, user(fmt.Sprint("q", i, " ", words("w", 100))), say(words("a", 100)))
	}
	full = append(full, user("last"))
	if _, err := run.send(c, full); err != nil {
		t.Fatal(err)
	}
	if len(run.sent) != 2 {
		t.Fatalf("sent %d times", len(run.sent))
	}
	checkSent(t, full, run.sent[1])
	if w, ok := c.Learned("mystery"); !ok || w != 1_200 {
		t.Fatalf("learned %d, %t", w, ok)
	}
	d := run.rep.list()
	if len(d) != 1 || !strings.Contains(d[0].Reason, "the server refused the prompt as too long") {
		t.Fatalf("decisions %+v", d)
	}
	// The next call of the run: compacted before it is sent, no refusal.
	full = append(full, say("ok"), user("one more"))
	if _, err := run.send(c, full); err != nil || len(run.sent) != 3 {
		t.Fatalf("err %v after %d sends", err, len(run.sent))
	}
}

// A second refusal ends the call with the server's error: one retry, never
// a loop. A refusal when nothing can be left out is returned at once.
func TestServerRefusalRetriesAtMostOnce(t *testing.T) {
	refuse := func(int, []ai.Message) (*ai.Response, error) {
		return nil, &ai.ModelError{StatusCode: 400, Message: "too long", Err: &ai.ContextLengthError{}}
	}
	c := mustNew(t, window.Options{})
	run := newFakeRun(t, "mystery")
	// A server that refuses twice, then would accept.
	run.answer = func(n int, msgs []ai.Message) (*ai.Response, error) {
		if n <= 2 {
			return refuse(n, msgs)
		}
		return &ai.Response{Message: say("ok")}, nil
	}
	full := []ai.Message{sys("x")}
	for i := range 20 {
		full = append(full, user(fmt.Sprint("q", i, words("a", 100))), say(words("b", 100)))
	}
	full = append(full, user("c"))
	_, err := run.send(c, full)
	if !errors.Is(err, ai.ErrContextLength) || len(run.sent) != 2 {
		t.Fatalf("err %v after %d sends", err, len(run.sent))
	}
	if len(run.sent[1]) >= len(full) {
		t.Fatal("the retry was not compacted")
	}

	run = newFakeRun(t, "mystery")
	run.answer = refuse
	_, err = run.send(c, []ai.Message{sys("x"), user("c")})
	if !errors.Is(err, ai.ErrContextLength) || !errors.Is(err, window.ErrWindowTooSmall) || len(run.sent) != 1 {
		t.Fatalf("err %v after %d sends", err, len(run.sent))
	}
}

// The usage a response reports corrects the estimate upwards: a model
// whose tokens are three times the estimate gets its next prompt
// compacted though the estimate alone fits. A provider reporting too
// little cannot lower it: a prompt the estimate says is over is compacted.
func TestUsageCorrectsTheEstimate(t *testing.T) {
	full := []ai.Message{sys("x"), user(words("a", 300)), say(words("b", 300)), user(words("c", 300))}
	next := append(full, say("ok"), user(words("dddd", 100)))
	est, estNext := window.RequestTokens(ai.Request{Messages: full}), window.RequestTokens(ai.Request{Messages: next})
	for _, tc := range []struct {
		name   string
		usage  int
		window int
	}{{"dense tokenizer", 3 * est, estNext + 30}, {"under-reporting provider", 10, est + 70}} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustNew(t, window.Options{Window: tc.window, Reserve: 10})
			run := newFakeRun(t, "m")
			run.answer = func(int, []ai.Message) (*ai.Response, error) {
				return &ai.Response{Message: say("ok"), Usage: ai.Usage{InputTokens: tc.usage}}, nil
			}
			if _, err := run.send(c, full); err != nil || len(run.rep.list()) != 0 {
				t.Fatalf("err %v; the first call was compacted", err)
			}
			if _, err := run.send(c, next); err != nil {
				t.Fatal(err)
			}
			if len(run.rep.list()) != 1 {
				t.Fatalf("the second call was not compacted; sent:\n%s", dump(run.last()))
			}
		})
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

// A run's state is kept between its calls and dropped when its context
// ends.
func TestRunStateIsDroppedWhenTheRunEnds(t *testing.T) {
	c := mustNew(t, window.Options{Window: 1_000})
	run := newFakeRun(t, "m")
	if _, err := run.send(c, []ai.Message{user("hi")}); err != nil {
		t.Fatal(err)
	}
	if c.Runs() != 1 {
		t.Fatalf("%d runs held", c.Runs())
	}
	run.cancel()
	waitFor(t, func() bool { return c.Runs() == 0 })
}

// A run whose messages are not the transcript its compaction was made
// for (an interceptor before this one rewrote them) starts afresh.
func TestStateIsResetForAnotherTranscript(t *testing.T) {
	c := mustNew(t, window.Options{Window: 1_500, Reserve: 100})
	run := newFakeRun(t, "m")
	long := []ai.Message{sys("x")}
	for i := range 10 {
		long = append(long, user(fmt.Sprint("q", i, " ", words("word", 60))), say(words("said", 60)))
	}
	if _, err := run.send(c, append(long, user("now"))); err != nil || len(run.last()) >= len(long) {
		t.Fatalf("err %v; not compacted", err)
	}
	short := []ai.Message{sys("x"), user("a"), say("b"), user("c")}
	if _, err := run.send(c, short); err != nil {
		t.Fatal(err)
	}
	if got := run.last(); len(got) != len(short) || got[1].Content != "a" {
		t.Fatalf("a fitting conversation was compacted:\n%s", dump(got))
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

// The next run of a conversation leaves out what the previous run left
// out, with the same summary: what is sent starts the same, and nothing
// more is left out or summarised while that fits, though the prompt is
// over the goal a compaction aims at.
func TestNextRunReusesTheCutAndTheSummary(t *testing.T) {
	summaries := 0
	sum := window.SummarizerFunc(func(_ context.Context, _ string, msgs []ai.Message) (string, error) {
		summaries++
		return fmt.Sprintf("summary of %d messages", len(msgs)), nil
	})
	c := mustNew(t, window.Options{Window: 3_000, Reserve: 300, Summarizer: sum})
	full := []ai.Message{sys("x")}
	for i := range 20 {
		full = append(full, user(fmt.Sprint("q", i, " ", words("word", 60))), say(words("said", 60)))
	}
	first := newFakeRun(t, "m")
	if _, err := first.send(c, append(full, user("now"))); err != nil {
		t.Fatal(err)
	}
	if summaries != 1 {
		t.Fatalf("%d summaries", summaries)
	}
	start := first.last()[1].Content
	// The next run: the same conversation, one turn longer.
	second := newFakeRun(t, "m")
	full = append(full, user("now"), say(words("then", 60)), user(words("again", 60)))
	if _, err := second.send(c, full); err != nil {
		t.Fatal(err)
	}
	if summaries != 1 || second.last()[1].Content != start {
		t.Fatalf("%d summaries; the second run starts %q, the first %q", summaries, clip(second.last()[1].Content), clip(start))
	}
	checkSent(t, full, second.last())
}

// The correction a model's usage showed carries over to its next runs.
func TestUsageCarriesOverToTheNextRun(t *testing.T) {
	full := []ai.Message{sys("x"), user(words("a", 300)), say(words("b", 300)), user(words("c", 300))}
	est := window.MessagesTokens(full)
	c := mustNew(t, window.Options{Window: 2 * est, Reserve: 10})
	first := newFakeRun(t, "dense")
	first.answer = func(int, []ai.Message) (*ai.Response, error) {
		return &ai.Response{Message: say("ok"), Usage: ai.Usage{InputTokens: 3 * est}}, nil
	}
	if _, err := first.send(c, full); err != nil || len(first.rep.list()) != 0 {
		t.Fatalf("err %v; the first call was compacted", err)
	}
	second := newFakeRun(t, "dense")
	if _, err := second.send(c, full); err != nil || len(second.rep.list()) != 1 {
		t.Fatalf("err %v; decisions %+v", err, second.rep.list())
	}
	other := newFakeRun(t, "other")
	if _, err := other.send(c, full); err != nil || len(other.rep.list()) != 0 {
		t.Fatalf("err %v; another model's run was compacted", err)
	}
}
