package window_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

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
