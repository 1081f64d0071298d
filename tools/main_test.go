package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// noKey is an environment without OPENAI_*: the offline model.
func noKey(string) string { return "" }

func testSys() system {
	return system{getenv: noKey, now: fixedClock}
}

// quiet prints nothing.
var quiet = cli.NewPrinter(io.Discard, noKey)

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	if err := runWith(t.Context(), nil, &out, testSys()); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Model: the built-in offline model",
		"Question: " + DefaultQuestion,
		`→ calculator {"expression":"15 * 23 + 100"}`,
		"← calculator: 15 * 23 + 100 = 445",
		`→ current_time {"timezone":"America/New_York"}`,
		"← current_time: America/New_York: Monday, 2 March 2026, 10:04 EST (UTC-05:00)",
		"Model turns: 2 (turn 1 called calculator + current_time). Tool calls: 2, tool errors: 0.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	_, answer, _ := strings.Cut(got, "Answer:\n")
	if !strings.Contains(answer, "445") || !strings.Contains(answer, "10:04 EST") {
		t.Errorf("the answer does not quote 445 and the New York time:\n%s", answer)
	}
	if strings.Contains(got, "log: ") {
		t.Errorf("runtime log records shown without being asked for:\n%s", got)
	}
}

// TestBothToolsInOneTurn checks the transcript itself: the offline model's
// first response asks for both tools together.
func TestBothToolsInOneTurn(t *testing.T) {
	agent := newAgent(offline.NewModel(), fixedClock)
	agent.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	r, err := ask(agent, DefaultQuestion, quiet)
	if err != nil {
		t.Fatal(err)
	}
	var turns [][]string
	for _, m := range r.run.Messages() {
		if m.Role == ai.RoleAssistant && len(m.ToolCalls) > 0 {
			var names []string
			for _, tc := range m.ToolCalls {
				names = append(names, tc.Name)
			}
			turns = append(turns, names)
		}
	}
	if len(turns) != 1 || strings.Join(turns[0], ",") != "calculator,current_time" {
		t.Fatalf("tool turns = %v, want one turn calling calculator and current_time", turns)
	}
	if s := r.run.Stats(); s.LLMCalls != 2 || s.ToolCalls != 2 || s.ToolErrors != 0 {
		t.Fatalf("stats = %+v", s)
	}
	if !strings.Contains(r.answer, "445") || !strings.Contains(r.answer, "10:04") {
		t.Fatalf("answer = %q", r.answer)
	}
}

// TestBadExpressionReachesTheModel: the calculator's error is a result the
// model sees, and the run goes on to a corrected call and an answer.
func TestBadExpressionReachesTheModel(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("calculator", `{"expression":"os.Exit(1)"}`)),
		aitest.CallTools(aitest.Call("calculator", `{"expression":"15 * 23 + 100"}`)),
		aitest.Reply("The answer is 445."),
	)
	agent := newAgent(model, fixedClock)
	var logs bytes.Buffer
	agent.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	var out bytes.Buffer
	r, err := ask(agent, "What is 15 * 23 + 100?", cli.NewPrinter(&out, noKey))
	if err != nil {
		t.Fatal(err)
	}
	if r.answer != "The answer is 445." {
		t.Fatalf("answer = %q", r.answer)
	}
	reqs := model.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d model calls, want 3", len(reqs))
	}
	seen := reqs[1].Messages[len(reqs[1].Messages)-1]
	if seen.Role != ai.RoleTool || !seen.IsError || !strings.Contains(seen.Content, "'o' at position 1 is not allowed") {
		t.Fatalf("the model saw %+v", seen)
	}
	if last := reqs[2].Messages[len(reqs[2].Messages)-1]; last.IsError || last.Content != "15 * 23 + 100 = 445" {
		t.Fatalf("second result = %+v", last)
	}
	if s := r.run.Stats(); s.ToolErrors != 1 || s.ToolCalls != 2 {
		t.Fatalf("stats = %+v", s)
	}
	if !strings.Contains(out.String(), "✗ calculator error result:") {
		t.Fatalf("output:\n%s", out.String())
	}
	if !strings.Contains(logs.String(), "tool returned an error result") {
		t.Fatalf("no warning logged:\n%s", logs.String())
	}
}

func TestRunOfflineOtherQuestions(t *testing.T) {
	cases := []struct {
		q     string
		wants []string
	}{
		{"What is 10 / 0?", []string{"✗ calculator error result:", "division by zero", "tool errors: 1"}},
		{"What time is it in Asia/Tokyo?", []string{"Asia/Tokyo: Tuesday, 3 March 2026, 00:04 JST"}},
		{"What is 2 ^ 10 / 8?", []string{"= 128"}},
		// A place that is not an IANA name reaches the clock as written; its
		// error result says what it wants, and the answer reports it.
		{"What time is it in Tokyo?", []string{`→ current_time {"timezone":"Tokyo"}`, `unknown time zone "Tokyo"`, "tool errors: 1"}},
	}
	for _, c := range cases {
		var out bytes.Buffer
		if err := runWith(t.Context(), []string{"-q", c.q}, &out, testSys()); err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		for _, w := range c.wants {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q: output lacks %q:\n%s", c.q, w, out.String())
			}
		}
	}
}

func TestNowFlag(t *testing.T) {
	var out bytes.Buffer
	d := testSys()
	d.now = time.Now // the flag wins over the clock
	if err := runWith(t.Context(), []string{"-now", "2030-07-04T12:00:00Z", "-q", "What time is it in America/New_York?"}, &out, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Thursday, 4 July 2030, 08:00 EDT") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-nope"}, nil, "-nope"},
		{[]string{"-q", "  "}, nil, "-q is empty"},
		{[]string{"-timeout", "-1s"}, nil, "-timeout"},
		{[]string{"-timeout", "soon"}, nil, "-timeout"},
		{[]string{"-now", "yesterday"}, nil, `-now="yesterday"`},
		{[]string{"what", "time"}, nil, `unexpected argument "what"`},
		{nil, map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, "OPENAI_BASE_URL"},
	}
	for _, c := range cases {
		getenv := func(k string) string { return c.env[k] }
		var out bytes.Buffer
		err := runWith(t.Context(), c.args, &out, system{getenv: getenv, now: fixedClock})
		if err == nil || !strings.Contains(err.Error(), c.want) || cli.ExitCode(err) != 2 {
			t.Errorf("%v %v: err = %v (exit %d), want exit 2 naming %q", c.args, c.env, err, cli.ExitCode(err), c.want)
		}
	}
	var out bytes.Buffer
	if err := runWith(t.Context(), []string{"-h"}, &out, testSys()); err != nil || !strings.Contains(out.String(), "usage:") {
		t.Errorf("-h: %v\n%s", err, out.String())
	}
	if cli.ExitCode(errors.New("boom")) != 1 {
		t.Error("a run failure must exit 1")
	}
}

func TestCancelledRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := runWith(ctx, nil, io.Discard, testSys())
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v", err)
	}
}

// TestStream: with -stream the answer is printed from its fragments
// (ContentEvent with Delta), once, and not again as a whole.
func TestStream(t *testing.T) {
	var out bytes.Buffer
	if err := runWith(t.Context(), []string{"-stream", "-q", "What is 2 ^ 10 / 8?"}, &out, testSys()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "Answer (streamed):\n") || strings.Contains(got, "Answer:\n") || !strings.Contains(got, "= 128") {
		t.Errorf("output:\n%s", got)
	}
	if !strings.Contains(got, "The answer arrived in ") {
		t.Errorf("no fragment count:\n%s", got)
	}
}

// TestNaiveModelOverHTTP: a model that calls the first tool offered (the
// calculator, with expression "x") and then answers "Done." — the tool's
// error result is shown and the run ends with the model's answer.
func TestNaiveModelOverHTTP(t *testing.T) {
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	for _, args := range [][]string{nil, {"-stream"}} {
		var out bytes.Buffer
		err := runWith(t.Context(), args, &out, system{getenv: testutil.Getenv(env), now: fixedClock})
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
		for _, want := range []string{`→ calculator {"expression":"x"}`, "✗ calculator error result:", "Done.", "Tool calls: 1, tool errors: 1."} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, out.String())
			}
		}
	}
}

// -timeout bounds the whole session (cli.WithSessionTimeout): the error
// names it, so the user knows which knob to turn.
func TestSessionTimeoutIsNamed(t *testing.T) {
	err := runWith(t.Context(), []string{"-timeout=1ns"}, io.Discard, testSys())
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "the session timeout (-timeout 1ns) ran out") {
		t.Fatalf("err = %v, want one naming the session timeout", err)
	}
}
