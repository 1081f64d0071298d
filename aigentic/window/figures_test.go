package window_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// figures are what a long conversation sent.
type figures struct {
	calls, compactions, refusals, summaries int
	// summarised counts the messages given to the summarizer.
	summarised int
	// transcript and sent add up, over every model call, the tokens (as
	// the server counts them) of the whole transcript and of what was
	// sent; lastTranscript and lastSent are the last call's; maxServer is
	// the largest prompt the server served.
	transcript, sent, lastTranscript, lastSent, maxServer int
}

// converse runs a 200-turn chat — each turn a question, a call of "fetch"
// returning about 2 KB, an answer — on a server with an 8,192-token
// context (a Llama 3 model, so the compactor knows the window from its
// table) that counts tokens its own way and refuses what does not fit.
func converse(t testing.TB, turns int, opts window.Options, caps conversation.Options) figures {
	var f figures
	opts.OnCompact = func(window.Compaction) { f.compactions++ }
	if opts.Summarizer != nil {
		inner := opts.Summarizer
		opts.Summarizer = window.SummarizerFunc(func(ctx context.Context, prev string, msgs []ai.Message) (string, error) {
			f.summaries++
			f.summarised += len(msgs)
			return inner.Summarize(ctx, prev, msgs)
		})
	}
	c := mustNew(t, opts)
	server := &namedServer{strictServer: strictServer{ctxSize: 8_192}, name: "llama3"}
	measure := hook.Funcs{Model: func(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
		before := server.count(call.Request)
		resp, err := next(ctx, call)
		f.calls++
		f.transcript += before
		f.lastTranscript = before
		f.lastSent = server.count(call.Request)
		f.sent += f.lastSent
		return resp, err
	}}
	conv, err := conversation.New(conversation.NewMemoryStore(), "figures", caps)
	if err != nil {
		t.Fatal(err)
	}
	session := aigentic.NewSession(context.Background())
	session.History = conv
	agent := aigentic.Agent{Model: server, Instructions: "You answer questions from the pages you fetch. Be brief.",
		Session: session, Logger: quiet(), AgentTools: []aigentic.AgentTool{fetchTool(2_000)},
		Interceptors: []aigentic.Interceptor{measure, c}}
	for i := range turns {
		if _, err := agent.Execute(fmt.Sprintf("Question %d: %s", i, words("what", 30))); err != nil {
			t.Fatalf("turn %d: %v", i, err)
		}
	}
	f.refusals, f.maxServer = server.refusals, server.maxServed
	return f
}

// namedServer is a strictServer with a model name, recording the largest
// prompt it served.
type namedServer struct {
	strictServer
	name      string
	maxServed int
}

func (s *namedServer) ModelName() string { return s.name }

func (s *namedServer) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	resp, err := s.strictServer.Generate(ctx, req)
	if err == nil {
		s.maxServed = max(s.maxServed, resp.Usage.InputTokens)
	}
	return resp, err
}

// The compaction figures of a 200-turn conversation: every turn goes
// through, no request the server served was over its context, and what is
// sent stays within the window however long the transcript grows.
//
//	go test -run TestCompactionFigures -v ./aigentic/window/
func TestCompactionFigures(t *testing.T) {
	summarizer := window.ModelSummarizer{Model: aitest.NewNaive(aitest.NaiveOptions{Answer: words("summary", 150)})}
	for _, tc := range []struct {
		name string
		opts window.Options
		caps conversation.Options
	}{
		{"compaction", window.Options{}, conversation.Options{}},
		{"compaction with a summary", window.Options{Summarizer: summarizer}, conversation.Options{}},
		{"history capped at 20 turns, then compaction", window.Options{}, conversation.Options{MaxTurns: 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := converse(t, 200, tc.opts, tc.caps)
			t.Logf("%s: 200 turns, %d model calls, %d compactions, %d summaries written (of %d messages in all), %d server refusals",
				tc.name, f.calls, f.compactions, f.summaries, f.summarised, f.refusals)
			t.Logf("  last call: transcript ≈%d tokens, sent ≈%d (%.1f%%)", f.lastTranscript, f.lastSent, pct(f.lastSent, f.lastTranscript))
			t.Logf("  all calls: transcript ≈%d tokens, sent ≈%d (%.1f%%); largest prompt the server counted: %d of 8,192",
				f.transcript, f.sent, pct(f.sent, f.transcript), f.maxServer)
			if f.maxServer > 8_192 || f.lastSent >= f.lastTranscript/3 || f.refusals > 1 || f.compactions == 0 ||
				tc.opts.Summarizer != nil && (f.summaries == 0 || f.summaries > f.compactions || f.summarised > 800) {
				t.Fatalf("figures %+v", f)
			}
		})
	}
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(b) }

// BenchmarkCompaction200Turns is the compactor's cost per model call on the
// transcript of a 200-turn conversation (800 messages), and the tokens
// before and after.
//
//	go test -run '^$' -bench Compaction200Turns -benchmem ./aigentic/window/
func BenchmarkCompaction200Turns(b *testing.B) {
	full := []ai.Message{sys("You answer questions from the pages you fetch. Be brief.")}
	for i := range 200 {
		id := fmt.Sprint("call_", i)
		full = append(full, user(fmt.Sprintf("Question %d: %s", i, words("what", 30))),
			calls(id), result(id, words("page", 400)), say(words("answer", 30)))
	}
	full = append(full, user("one more"))
	c := mustNew(b, window.Options{Window: 8_192})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	info := &hook.RunInfo{Model: "llama3"}
	var sent []ai.Message
	next := func(_ context.Context, call *hook.ModelCall) (*ai.Response, error) {
		sent = call.Request.Messages
		return &ai.Response{Message: say("ok")}, nil
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		call := &hook.ModelCall{Run: info, Call: i + 1, Request: ai.Request{Messages: full}}
		if _, err := c.InterceptModel(ctx, call, next); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(window.MessagesTokens(full)), "tokens_before")
	b.ReportMetric(float64(window.MessagesTokens(sent)), "tokens_after")
}
