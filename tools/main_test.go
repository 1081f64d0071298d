package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

func testDeps(stderr io.Writer) deps {
	return deps{getenv: noKey, now: fixedClock, stderr: stderr}
}

func TestRunOffline(t *testing.T) {
	var out, logs bytes.Buffer
	if err := runWith(t.Context(), nil, &out, testDeps(&logs)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Using the built-in offline model",
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
	_, answer, _ := strings.Cut(got, "Answer: ")
	if !strings.Contains(answer, "445") || !strings.Contains(answer, "10:04 EST") {
		t.Errorf("the answer does not quote 445 and the New York time:\n%s", answer)
	}
	if logs.Len() > 0 {
		t.Errorf("unexpected warnings:\n%s", logs.String())
	}
}

// TestBothToolsInOneTurn checks the transcript itself: the offline model's
// first response asks for both tools together.
func TestBothToolsInOneTurn(t *testing.T) {
	agent := newAgent(offline.NewModel(), fixedClock)
	agent.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	r, err := ask(agent, DefaultQuestion, io.Discard)
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
	r, err := ask(agent, "What is 15 times 23 plus 100?", &out)
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
	if !strings.Contains(out.String(), "← error from calculator:") {
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
		{"What is 10 divided by 0?", []string{"← error from calculator:", "division by zero", "tool errors: 1"}},
		{"What time is it in Tokyo?", []string{"Asia/Tokyo: Tuesday, 3 March 2026, 00:04 JST"}},
		{"What is 2 ^ 10 divided by 8?", []string{"= 128"}},
	}
	for _, c := range cases {
		var out bytes.Buffer
		if err := runWith(t.Context(), []string{"-q", c.q}, &out, testDeps(io.Discard)); err != nil {
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
	d := testDeps(io.Discard)
	d.now = time.Now // the flag wins over the clock
	if err := runWith(t.Context(), []string{"-now", "2030-07-04T12:00:00Z", "-q", "What time is it in New York?"}, &out, d); err != nil {
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
		{[]string{"-q", "  "}, nil, "-q: the question is empty"},
		{[]string{"-timeout", "-1s"}, nil, "-timeout=-1s"},
		{[]string{"-timeout", "soon"}, nil, "-timeout"},
		{[]string{"-now", "yesterday"}, nil, `-now="yesterday"`},
		{[]string{"what", "time"}, nil, `unexpected argument "what"`},
		{nil, map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, "OPENAI_BASE_URL"},
	}
	for _, c := range cases {
		getenv := func(k string) string { return c.env[k] }
		var out bytes.Buffer
		err := runWith(t.Context(), c.args, &out, deps{getenv: getenv, now: fixedClock, stderr: io.Discard})
		if err == nil || !strings.Contains(err.Error(), c.want) || cli.ExitCode(err) != 2 {
			t.Errorf("%v %v: err = %v (exit %d), want exit 2 naming %q", c.args, c.env, err, cli.ExitCode(err), c.want)
		}
	}
	var out bytes.Buffer
	if err := runWith(t.Context(), []string{"-h"}, &out, testDeps(io.Discard)); err != nil || !strings.Contains(out.String(), "usage:") {
		t.Errorf("-h: %v\n%s", err, out.String())
	}
	if cli.ExitCode(errors.New("boom")) != 1 {
		t.Error("a run failure must exit 1")
	}
}

func TestCancelledRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := runWith(ctx, nil, io.Discard, testDeps(io.Discard))
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v", err)
	}
}

// TestSmoke builds the binary and runs it as a user would.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not in PATH: %v (the smoke test builds the binary; run with -short to skip it)", err)
	}
	bin := filepath.Join(t.TempDir(), "tools")
	build := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENAI_") {
			env = append(env, kv)
		}
	}

	cmd := exec.Command(bin, "-now", "2026-03-02T15:04:05Z")
	cmd.Dir = t.TempDir() // no .env
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"Using the built-in offline model (OPENAI_API_KEY is not set).",
		"← calculator: 15 * 23 + 100 = 445",
		"← current_time: America/New_York: Monday, 2 March 2026, 10:04 EST (UTC-05:00)",
		"Answer: ",
		"Model turns: 2 (turn 1 called calculator + current_time). Tool calls: 2, tool errors: 0.",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr:\n%s", stderr.String())
	}

	bad := exec.Command(bin, "-timeout", "never")
	bad.Dir, bad.Env = cmd.Dir, env
	out, err := bad.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "error: invalid value \"never\" for flag -timeout") {
		t.Errorf("bad flag: %v\n%s", err, out)
	}
}
