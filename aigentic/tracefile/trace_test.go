package tracefile_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

var traceName = regexp.MustCompile(`^trace_\d{14}_(run_[0-9a-f]{12})\.txt$`)

func TestTraceRecordsRun(t *testing.T) {
	trace := newTestTrace(t)
	s := &sleeper{}
	lookup := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.Text("found: 42"), nil }}
	broken := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.ErrorText("backend down"), nil }}
	inner := aitest.NewScripted(
		aitest.CallTools(aitest.Call("lookup", `{"q":"answer"}`), aitest.Call("broken", `{}`)),
		aitest.Reply("The answer is 42."),
	)
	model := aitest.Inject(inner).FailNext(aitest.StatusError(503, 0))
	run, err := aigentic.Agent{
		Model: model, Name: "tracer", Logger: discardLogger(), Trace: trace,
		Retries: 2, RetryPolicy: s.Policy(), Instructions: "answer well",
		AgentTools: []aigentic.AgentTool{lookup.Tool("lookup", nil), broken.Tool("broken", nil)},
	}.Start("what is the answer?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}

	path := run.TraceFilepath()
	if path == "" || !slices.Equal(trace.Files(), []string{path}) {
		t.Fatalf("TraceFilepath %q, Files %v", path, trace.Files())
	}
	if m := traceName.FindStringSubmatch(filepath.Base(path)); filepath.Dir(path) != trace.Directory || m == nil || m[1] != run.ID() {
		t.Fatalf("trace file %q not named trace_<YYYYMMDDHHMMSS>_%s.txt in %s", path, run.ID(), trace.Directory)
	}
	assertMode(t, path, 0o600)
	assertMode(t, trace.Directory, 0o700|os.ModeDir)

	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"run: " + run.ID(),
		"agent: tracer",
		"session: " + run.Session().ID,
		"--- LLM call 1, attempt 1 ---",
		"tools offered: lookup, broken",
		"messages sent (2):",
		"[system]", "answer well",
		"[user]", "what is the answer?",
		// The retried attempt and its error.
		"LLM call 1, attempt 1 failed after",
		"HTTP 503",
		"retrying in 5ms",
		"--- LLM call 1, attempt 2 ---",
		// The response: duration, usage, tool calls asked for.
		"response of LLM call 1, attempt 2: ok in",
		"tokens in=10 out=5",
		`lookup {"q":"answer"}`,
		// Each tool call: arguments, result, error flag.
		"--- tool call lookup (call_0_0), attempt 1 ---",
		`arguments: {"q":"answer"}`,
		"result (error=false",
		"found: 42",
		"--- tool call broken (call_0_1), attempt 1 ---",
		"result (error=true",
		"backend down",
		// The results sent back.
		"[tool lookup call_0_0]",
		"[tool broken call_0_1 error]",
		"--- LLM call 2, attempt 1 ---",
		"The answer is 42.",
		// Outcome.
		"=== outcome: success ===",
		"llm_calls: 2", "retries: 1", "tool_calls: 2", "tool_errors: 1", "tokens_in: 20", "tokens_out: 10",
		"duration: ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("trace:\n%s", text)
	}
	if testing.Verbose() {
		t.Logf("trace:\n%s", text)
	}

	sum, err := aigentic.ReadTraceSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	if sum.LLMCalls != 2 || sum.Attempts != 3 || sum.ToolCalls != 2 || sum.Outcome != "success" ||
		sum.Run != run.ID() || sum.Agent != "tracer" || sum.Tokens != "in=20 out=10" || sum.Duration == "" || sum.Path != path {
		t.Fatalf("summary = %+v", sum)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode() & (os.ModePerm | os.ModeDir); got != want {
		t.Fatalf("%s: mode %v, want %v", path, got, want)
	}
}

func TestTraceRecordsFailure(t *testing.T) {
	trace := newTestTrace(t)
	s := &sleeper{}
	model := aitest.Inject(aitest.NewScripted()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), Trace: trace, Retries: 1, RetryPolicy: s.Policy()}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	_, runErr := run.Wait(0)
	if runErr == nil {
		t.Fatal("run succeeded")
	}
	b, _ := os.ReadFile(run.TraceFilepath())
	text := string(b)
	for _, want := range []string{"LLM call 1, attempt 2 failed after", "=== outcome: error ===", "error: " + runErr.Error(), "llm_calls: 1", "retries: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks %q:\n%s", want, text)
		}
	}
	sum, _ := aigentic.ReadTraceSummary(run.TraceFilepath())
	if sum.LLMCalls != 1 || sum.Attempts != 2 || sum.ToolCalls != 0 || sum.Outcome != "error" {
		t.Fatalf("summary = %+v", sum)
	}
}

// Every tool call is counted by the summary, whatever its fate: unknown
// tool, invalid arguments, retried, denied approval.
func TestTraceSummaryCountsEveryToolCall(t *testing.T) {
	trace := newTestTrace(t)
	s := &sleeper{}
	flaky := &countingTool{}
	flaky.Res = func(map[string]any) (*ai.ToolResult, error) {
		if flaky.Count() == 1 {
			return nil, ai.Transient(errors.New("flake"))
		}
		return ai.Text("ok"), nil
	}
	guarded := (&countingTool{}).Tool("guarded", nil)
	guarded.RequireApproval = true
	model := aitest.NewScripted(
		aitest.CallTools(
			aitest.Call("nope", `{}`),
			aitest.Call("flaky", `not json`),
			aitest.Call("flaky", `{}`),
			aitest.Call("guarded", `{}`),
		),
		aitest.Reply("done"),
	)
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), Trace: trace, Retries: 1, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{flaky.Tool("flaky", nil), guarded},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	for ev := range run.Next() {
		if ae, ok := ev.(*aigentic.ApprovalEvent); ok {
			if err := run.Approve(ae.ApprovalID, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	sum, err := aigentic.ReadTraceSummary(run.TraceFilepath())
	if err != nil {
		t.Fatal(err)
	}
	if st := run.Stats(); sum.ToolCalls != st.ToolCalls || st.ToolCalls != 4 || sum.LLMCalls != 2 || sum.Attempts != 2 {
		b, _ := os.ReadFile(run.TraceFilepath())
		t.Fatalf("summary %+v, stats %+v\n%s", sum, st, b)
	}
}

// Twenty concurrent runs started in the same second get twenty files,
// each named by its run: trace_<YYYYMMDDHHMMSS>_<run id>.txt, found with
// no search for a free name.
func TestTraceUniqueFilesForConcurrentRuns(t *testing.T) {
	trace := newTestTrace(t)
	const n = 20
	var wg sync.WaitGroup
	runs := make([]*aigentic.AgentRun, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			run, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("r" + strconv.Itoa(i))), Logger: discardLogger(), Trace: trace}.Start("q" + strconv.Itoa(i))
			if err != nil {
				errs[i] = err
				return
			}
			runs[i] = run
			_, errs[i] = run.Wait(0)
		}(i)
	}
	close(start)
	wg.Wait()
	seen := map[string]bool{}
	for i, run := range runs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		p := run.TraceFilepath()
		m := traceName.FindStringSubmatch(filepath.Base(p))
		if seen[p] || m == nil || m[1] != run.ID() {
			t.Fatalf("run %d (%s): trace file %q (duplicate or not named by the run)", i, run.ID(), p)
		}
		seen[p] = true
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Each file holds exactly its own run.
		if strings.Count(string(b), "=== aigentic trace ===") != 1 || !strings.Contains(string(b), "r"+strconv.Itoa(i)) ||
			!strings.Contains(string(b), "run: "+run.ID()+"\n") {
			t.Fatalf("run %d: file %s holds:\n%s", i, p, b)
		}
	}
	entries, _ := os.ReadDir(trace.Directory)
	if len(entries) != n || len(trace.Files()) != n {
		t.Fatalf("%d files in the directory, %d recorded, want %d", len(entries), len(trace.Files()), n)
	}
}

// A trace that cannot be written logs a warning; the run is unaffected.
func TestTraceWriteFailureNeverFailsRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "regular-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Tests run as root, where permissions do not stop a write; a path
	// through a regular file fails for everyone.
	for _, dir := range []string{file, filepath.Join(file, "sub")} {
		trace := aigentic.NewTrace()
		trace.Directory = dir
		logger, buf := newJSONLogger()
		model := aitest.NewScripted(aitest.Reply("fine"))
		run, err := aigentic.Agent{Model: model, Logger: logger, Trace: trace}.Start("hi")
		if err != nil {
			t.Fatalf("%s: Start failed on a trace error: %v", dir, err)
		}
		got, err := run.Wait(0)
		if err != nil || got != "fine" {
			t.Fatalf("%s: run = %q, %v", dir, got, err)
		}
		if run.TraceFilepath() != "" || len(trace.Files()) != 0 {
			t.Fatalf("%s: trace file %q", dir, run.TraceFilepath())
		}
		var warned bool
		for _, r := range records(t, buf) {
			if r["level"] == slog.LevelWarn.String() && strings.Contains(r["msg"].(string), "trace") {
				warned = true
				if r["run"] != run.ID() || !strings.Contains(r["error"].(string), "trace directory") {
					t.Fatalf("warning = %v", r)
				}
			}
		}
		if !warned {
			t.Fatalf("%s: no trace warning logged:\n%s", dir, buf.String())
		}
	}
}

// Neither the trace nor the logs ever hold the API key, even when the
// model, a tool and an error echo it.
func TestTraceAndLogsNeverHoldAPIKey(t *testing.T) {
	const key = "sk-test-Zx9aB3cD4eF5gH6iJ7kL8mN9"
	const opaque = "opaqueTokenValue123456" // no sk- prefix: only the env rule catches it
	t.Setenv("OPENAI_API_KEY", key)
	t.Setenv("AIGENTIC_API_KEY", opaque)

	trace := newTestTrace(t)
	s := &sleeper{}
	logger, buf := newJSONLogger()
	leak := "key=" + key + " Authorization: Bearer " + key + " token " + opaque
	echo := &countingTool{Res: func(args map[string]any) (*ai.ToolResult, error) {
		return ai.ErrorText("tool saw " + leak), nil
	}}
	failing := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		return nil, errors.New("request failed: Authorization: Bearer " + key)
	}}
	inner := aitest.NewScripted(
		replyWith("echoing "+leak, aitest.Call("echo", `{"api_key":"`+key+`","auth":"Bearer `+key+`"}`)),
		aitest.CallTools(aitest.Call("failing", `{}`)),
	)
	modelErr := &ai.ModelError{Provider: "test", StatusCode: 503, Transient: true,
		Message: "upstream rejected header Authorization: Bearer " + key + " for " + opaque}
	model := aitest.Inject(inner).FailNext(modelErr)
	run, err := aigentic.Agent{
		Model: model, Logger: logger, LogLevel: slog.LevelDebug, Trace: trace,
		Retries: 1, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{echo.Tool("echo", nil), failing.Tool("failing", nil)},
	}.Start("my key is " + key)
	if err != nil {
		t.Fatal(err)
	}
	_, runErr := run.Wait(0)
	// The returned error's text is redacted (redact_error.go); the tool's
	// own error, reached with errors.As, is the one that carried the key
	// (proving the echo).
	var te *aigentic.ToolError
	if runErr == nil || strings.Contains(runErr.Error(), key) || !errors.As(runErr, &te) || !strings.Contains(te.Err.Error(), key) {
		t.Fatalf("run error = %v", runErr)
	}
	b, err := os.ReadFile(run.TraceFilepath())
	if err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	for name, text := range map[string]string{"trace": string(b), "logs": logs} {
		for _, secret := range []string{key, opaque, "Bearer sk-", "sk-test"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains %q:\n%s", name, secret, text)
			}
		}
		if !strings.Contains(text, "[REDACTED]") {
			t.Errorf("%s shows no redaction: was the secret ever echoed?", name)
		}
	}
	// The trace still shows what happened.
	for _, want := range []string{"echoing", "tool saw", "upstream rejected header", "request failed"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("trace lacks %q", want)
		}
	}
}

// A tool attempt that fails with a transient error and is retried is
// recorded as such: its error and the retry's delay, then the next attempt.
func TestTraceRecordsAFailedToolAttempt(t *testing.T) {
	trace := newTestTrace(t)
	s := &sleeper{}
	n := 0
	flaky := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		if n++; n == 1 {
			return nil, fmt.Errorf("%w: upstream busy", ai.ErrTransient)
		}
		return ai.Text("ok"), nil
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("flaky", `{}`)), aitest.Reply("done"))
	if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), Trace: trace, Retries: 1, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{flaky.Tool("flaky", nil)}}).Execute("go"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(trace.Files()[0])
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{"tool flaky failed after", "upstream busy", "\n  retrying in ", "--- tool call flaky (", "attempt 2 ---"} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks %q:\n%s", want, text)
		}
	}
}
