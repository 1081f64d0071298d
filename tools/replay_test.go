package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/golden"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/replay"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// recordedQuestion is the question the recordings under testdata/ were
// made with: stated here, not taken from DefaultQuestion, so that a new
// default question does not invalidate them.
const recordedQuestion = "What is 15 multiplied by 23, plus 100? Also, what time is it in New York?"

// recordedRun replays (or, with AIGENTIC_RECORD=record, records) the
// example's agent answering recordedQuestion, streamed or not, and
// returns what it printed and the transcript.
//
// The recordings were made against a real llama.cpp llama-server
// (v0.5.0-dev, commit de3ff81) serving the tiny tool-calling model of
// ../shared/realserver (--alias tiny-qwen --temp 0):
//
//	env -u OPENAI_API_KEY AIGENTIC_RECORD=record OPENAI_BASE_URL=http://127.0.0.1:18089/v1 OPENAI_MODEL=tiny-qwen \
//	  go test -run 'TestRecordedLlamaServer' ./tools -update
func recordedRun(t testing.TB, file string, stream bool, edit func(*string)) (string, result, error) {
	t.Helper()
	rec := replay.New(t, file)
	model, err := rec.OpenAI()
	if err != nil {
		t.Fatal(err)
	}
	agent := newAgent(model, fixedClock)
	agent.Logger = slog.New(slog.DiscardHandler)
	agent.Stream = stream
	if edit != nil {
		edit(&agent.Instructions)
	}
	var out bytes.Buffer
	r, err := ask(agent, recordedQuestion, cli.NewPrinter(&out, func(string) string { return "" }))
	return out.String(), r, err
}

// TestRecordedLlamaServer replays what a real llama-server answered —
// its SSE framing, tool-call ids and parser output, usage — plain and
// streamed. The tiny model calls one tool with junk-but-schema-valid
// arguments and then answers "The task is complete."; the example must
// show the call, the tool's error result, and the answer. The transcript
// is compared with a golden file: a change in what the agent does on this
// traffic shows as a diff.
func TestRecordedLlamaServer(t *testing.T) {
	for _, stream := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "stream"}[stream]
		t.Run(name, func(t *testing.T) {
			out, r, err := recordedRun(t, "testdata/llama-server-"+name+".yaml", stream, nil)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out)
			}
			golden.Assert(t, "testdata/llama-server-"+name+".golden", golden.RenderRun(r.run, r.answer, err))
			// Computed from what happened, not from the golden file: every
			// tool call the server asked for was shown, with its result.
			var calls int
			for _, m := range r.run.Messages() {
				if m.Role != ai.RoleAssistant {
					continue
				}
				for _, tc := range m.ToolCalls {
					calls++
					if !strings.Contains(out, "→ "+tc.Name+" ") {
						t.Errorf("the call of %s is not shown:\n%s", tc.Name, out)
					}
				}
			}
			if calls == 0 {
				t.Fatalf("the recording holds no tool call:\n%s", out)
			}
			if s := r.run.Stats(); s.ToolCalls != calls || s.InputTokens == 0 {
				t.Errorf("stats %+v for %d calls: the server's usage did not arrive", s, calls)
			}
			if stream && r.fragments == 0 {
				t.Errorf("streamed, but no fragment arrived:\n%s", out)
			}
			if r.answer == "" {
				t.Errorf("no answer:\n%s", out)
			}
		})
	}
}

// TestRecordedChangedPromptFails: the same replayed test with one word of
// the instructions changed fails, naming the change (the captured failure
// is what `go test` would print).
func TestRecordedChangedPromptFails(t *testing.T) {
	tb := &failures{TB: t}
	_, _, err := recordedRun(tb, "testdata/llama-server-plain.yaml", false, func(s *string) {
		*s = strings.Replace(*s, "You are a precise assistant.", "You are a careful assistant.", 1)
	})
	if err == nil {
		t.Fatal("the changed prompt was answered from the recording")
	}
	got := tb.finish()
	if len(got) != 1 {
		t.Fatalf("%d failures, want 1:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
	for _, want := range []string{
		"differs from exchange 0 at messages[0].content",
		`recorded "You are a precise assistant.`, `sent "You are a careful assistant.`,
		`-      "content": "You are a precise assistant.`, `+      "content": "You are a careful assistant.`,
	} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the failure lacks %q:\n%s", want, got[0])
		}
	}
}

// failures is a testing.TB that keeps failures instead of reporting them;
// finish runs its cleanups and returns them.
type failures struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (f *failures) Helper()             {}
func (f *failures) Logf(string, ...any) {}
func (f *failures) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *failures) Error(args ...any) { f.Errorf("%s", fmt.Sprint(args...)) }
func (f *failures) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *failures) finish() []string {
	f.mu.Lock()
	fns := f.cleanups
	f.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errs...)
}
