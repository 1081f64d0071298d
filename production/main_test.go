package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testDeadline replaces Example 6's 1s session timeout in tests.
const testDeadline = 200 * time.Millisecond

// envMap is a getenv over a fixed set of variables: no OPENAI_* unless
// given, so the offline model is used.
func envMap(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// runTest runs the program in-process, offline, with traces in a temporary
// directory, and returns its output and error.
func runTest(t *testing.T, args []string, env map[string]string) (string, error) {
	t.Helper()
	return runCtx(t, context.Background(), args, env, testDeadline)
}

func runCtx(t *testing.T, ctx context.Context, args []string, env map[string]string, deadline time.Duration) (string, error) {
	t.Helper()
	e := map[string]string{"AIGENTIC_TRACE_DIR": t.TempDir()}
	for k, v := range env {
		e[k] = v
	}
	var out, stderr bytes.Buffer
	err := runWith(ctx, args, &out, system{getenv: envMap(e), stderr: &stderr, deadline: deadline})
	if testing.Verbose() {
		t.Logf("output:\n%s", out.String())
	}
	return out.String(), err
}

// mustContain fails the test for each want missing from out.
func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

func TestExample1ErrorHandling(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "1"}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Example 1: Robust Error Handling",
		// (a) the error result, seen and recovered from
		"← check_system_status error result: payments status unavailable",
		"Run succeeded after 1 tool error result(s)",
		// (b) the Go error propagated
		`Run failed: aigentic: tool "query_database" failed: database connection lost`,
		"errors.Is(err, errDatabaseConnectionLost) = true",
		"What the user is told: A backend system (query_database) is failing",
		// (c) the transient failure retried
		"↻ model call 1, attempt 1 failed: injected: transient error (HTTP 503 Service Unavailable)",
		"Recovered after 1 retry",
		"Example 1 behaved as designed.",
	)
}

func TestExample2Trace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, err := runTest(t, []string{"-demo", "2", "-trace-dir", dir}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Example 2: Using Trace for Debugging", "Session ID:       ses_", "Trace session ID: trc_",
		"Read back from the file with aigentic.ReadTraceSummary:", "outcome success", "LLM calls: 2 (2 attempts), tool calls: 1")
	m := regexp.MustCompile(`Trace file:\s+(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no trace file path in the output:\n%s", out)
	}
	if filepath.Dir(m[1]) != dir {
		t.Errorf("trace file %s is not in -trace-dir %s", m[1], dir)
	}
	sum, err := aigentic.ReadTraceSummary(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if sum.LLMCalls != 2 || sum.ToolCalls != 1 || sum.Outcome != "success" || sum.Agent != "support-agent" {
		t.Errorf("trace summary = %+v, want 2 LLM calls, 1 tool call, success, agent support-agent", sum)
	}
	b, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"--- tool call lookup_order", `"order_id":1042`, "Order 1042: shipped", "=== outcome: success ==="} {
		if !strings.Contains(string(b), w) {
			t.Errorf("trace file lacks %q:\n%s", w, b)
		}
	}
}

func TestExample3MaxLLMCalls(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "3"}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Example 3: MaxLLMCalls Limit",
		"Run stopped: aigentic: MaxLLMCalls limit reached: 3 of 3 model calls made, 2 tool calls executed, 1 tool calls pending",
		"errors.Is(err, aigentic.ErrMaxLLMCalls) = true",
		"Calls counted: 3 of 3 (the model received 3 requests; run.Stats().LLMCalls = 3)",
		"2 tool calls executed",
		`not executed (no model call left to read it): check_export_status {"export_id":7}`,
		"still processing",
	)
	if n := strings.Count(out, "→ tool call check_export_status"); n != 2 {
		t.Errorf("want 2 tool calls executed before the limit, saw %d", n)
	}
}

func TestExample4Retries(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "4"}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Example 4: Retry Configuration",
		"capped at 200ms to keep this demo fast",
		"4a. Retries: 3",
		"↻ model call 1, attempt 1 failed: injected: transient error (HTTP 503 Service Unavailable)",
		"↻ model call 1, attempt 2 failed: injected: transient error (HTTP 429 Too Many Requests): simulated 429 Too Many Requests (retry after 2s)",
		"retrying in 200ms (attempt 3)",
		"Recovered: model call 1 succeeded on attempt 3 (2 retries",
		"run.Stats().Retries = 2",
		"4b. Retries: 1",
		"Gave up: aigentic: model call 1 failed after 2 attempts",
		"model call 1 made 2 attempts (the model got 2 requests)",
	)
	// Retries: 3 retries twice; Retries: 1 retries once, then gives up.
	if n := strings.Count(out, "↻ model call 1"); n != 3 {
		t.Errorf("want 3 retry events (2 + 1), saw %d", n)
	}
}

func TestExample5LogLevels(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "5"}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(DEBUG|INFO|WARN|ERROR)\s+(\d+)\s+(.*)$`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[2])
		counts[m[1]] = n
		if !strings.HasPrefix(m[3], "level="+m[1]+" ") {
			t.Errorf("the %s sample is not a %s record: %s", m[1], m[1], m[3])
		}
	}
	// The run: run started (INFO), 2 model requests and 1 response and 1
	// tool call (DEBUG), 1 retry (WARN), run failed (ERROR).
	if counts["ERROR"] != 1 || counts["WARN"] != 2 || counts["INFO"] != 3 || counts["DEBUG"] <= counts["INFO"] {
		t.Errorf("records per level = %v, want ERROR 1 < WARN 2 < INFO 3 < DEBUG", counts)
	}
	mustContain(t, out, "Example 5: Log Level Configuration", `msg="run failed"`, `msg="retrying after transient failure"`, `msg="run started"`)
}

func TestExample6Cancellation(t *testing.T) {
	t.Parallel()
	start := time.Now()
	out, err := runTest(t, []string{"-demo", "6"}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s: the slow tool did not honour the context", d)
	}
	mustContain(t, out,
		"Example 6: Context Cancellation",
		"the session's context times out after 200ms",
		"→ tool call generate_report",
		"errors.Is(err, context.DeadlineExceeded) = true; the session's ctx.Err() = context deadline exceeded; stopped during tool \"generate_report\"",
		"  session.Cancel()",
		"errors.Is(err, context.Canceled) = true; session.Err() = context canceled",
	)
}

func TestExample7Production(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "7"}, map[string]string{"TIMEOUT": "30s", "ENV": "prod"})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Example 7: Comprehensive Production Setup", "Health check: model.Ping ok",
		"Setup: session timeout 30s, Retries 2 (attempt timeout 30s), MaxLLMCalls 10, log level WARN", "→ tool call lookup_order")
	var rec map[string]any
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, `"msg":"agent run succeeded"`) {
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("metrics line is not JSON: %v: %s", err, l)
			}
		}
	}
	if rec == nil {
		t.Fatalf("no metrics record in the output:\n%s", out)
	}
	if rec["level"] != "INFO" || rec["llm_calls"].(float64) < 2 || rec["tool_calls"].(float64) < 1 ||
		!strings.HasPrefix(rec["session"].(string), "ses_") || rec["trace_file"] == "" || rec["duration_ms"] == nil {
		t.Errorf("metrics record = %v", rec)
	}
	if _, err := os.Stat(rec["trace_file"].(string)); err != nil {
		t.Errorf("trace file: %v", err)
	}
}

func TestExample7TimeoutFails(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "7"}, map[string]string{"TIMEOUT": "1ns"})
	if !errors.Is(err, context.DeadlineExceeded) || exitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want a DeadlineExceeded failure with exit status 1\n%s", err, exitCode(err), out)
	}
	mustContain(t, out, "Example 7 did not behave as designed")
}

func TestAllExamplesOffline(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, nil, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	for i, ex := range examples {
		mustContain(t, out, "Example "+strconv.Itoa(i+1)+": "+ex.title)
	}
	mustContain(t, out, "Using the built-in offline model", "Log level INFO (default: ENV and LOG_LEVEL unset)", "All 7 examples behaved as designed.")
	if strings.Contains(out, "\x1b[") {
		t.Error("output to a buffer should be plain, but has colour codes")
	}
}

// TestOpenAICompatibleServer runs every example through the OpenAI
// provider against a fake OpenAI-compatible server backed by the offline
// model.
func TestOpenAICompatibleServer(t *testing.T) {
	t.Parallel()
	const key = "sk-test-0123456789abcdef"
	srv := openaitest.NewServer(t, offline.NewModel(), openaitest.WithAPIKey(key))
	out, err := runTest(t, nil, map[string]string{"OPENAI_API_KEY": key, "OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "gpt-4o-mini"})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Using the OpenAI-compatible server at "+srv.URL()+", model gpt-4o-mini.", "All 7 examples behaved as designed.")
	if strings.Contains(out, key) {
		t.Error("the API key appears in the output")
	}
	if srv.Hits() < 10 {
		t.Errorf("the server got %d requests; the examples did not run through it", srv.Hits())
	}
}

func TestInterruptedBySignal(t *testing.T) {
	// A real SIGINT, caught by signal.NotifyContext as in main: Example 6
	// with a long timeout is stopped at once, says so, and fails.
	// guard keeps SIGINT from killing the test process should the run end
	// before the signal is sent.
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, os.Interrupt)
	defer signal.Stop(guard)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sent := make(chan struct{})
	defer func() { <-sent }()
	go func() {
		defer close(sent)
		time.Sleep(200 * time.Millisecond)
		_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
	}()
	start := time.Now()
	out, err := runCtx(t, ctx, []string{"-demo", "6"}, nil, time.Minute)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to stop after the signal", d)
	}
	if !errors.Is(err, context.Canceled) || exitCode(err) == 0 {
		t.Fatalf("err = %v, want an interruption wrapping context.Canceled", err)
	}
	mustContain(t, out, "Interrupted (interrupt signal received) during Example 6: Context Cancellation.", "the remaining examples were skipped")
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, err := runCtx(t, ctx, nil, nil, testDeadline)
	if !errors.Is(err, context.Canceled) || exitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want context.Canceled, exit 1", err, exitCode(err))
	}
	mustContain(t, out, "Interrupted (context canceled) during Example 1")
	if strings.Contains(out, "Shows ") {
		t.Error("an example ran on a cancelled context")
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		level   slog.Level
		timeout time.Duration
		demo    int
		errLike string // "" means success
	}{
		{name: "defaults", level: slog.LevelInfo, timeout: 2 * time.Minute},
		{name: "ENV=dev", env: map[string]string{"ENV": "dev"}, level: slog.LevelDebug, timeout: 2 * time.Minute},
		{name: "ENV=prod", env: map[string]string{"ENV": "prod"}, level: slog.LevelWarn, timeout: 2 * time.Minute},
		{name: "ENV=PROD case", env: map[string]string{"ENV": " PROD "}, level: slog.LevelWarn, timeout: 2 * time.Minute},
		{name: "ENV bad", env: map[string]string{"ENV": "staging"}, errLike: `ENV="staging" is not valid: use dev or prod`},
		{name: "LOG_LEVEL=error", env: map[string]string{"LOG_LEVEL": "error"}, level: slog.LevelError, timeout: 2 * time.Minute},
		{name: "LOG_LEVEL overrides ENV", env: map[string]string{"ENV": "prod", "LOG_LEVEL": "debug"}, level: slog.LevelDebug, timeout: 2 * time.Minute},
		{name: "LOG_LEVEL bad", env: map[string]string{"LOG_LEVEL": "loud"}, errLike: `LOG_LEVEL="loud" is not valid: use debug, info, warn or error`},
		{name: "LOG_LEVEL bad even with ENV", env: map[string]string{"ENV": "dev", "LOG_LEVEL": "verbose"}, errLike: `LOG_LEVEL="verbose"`},
		{name: "TIMEOUT", env: map[string]string{"TIMEOUT": "30s"}, level: slog.LevelInfo, timeout: 30 * time.Second},
		{name: "TIMEOUT bad", env: map[string]string{"TIMEOUT": "soon"}, errLike: `TIMEOUT="soon" is not valid: use a Go duration greater than 0`},
		{name: "TIMEOUT zero", env: map[string]string{"TIMEOUT": "0s"}, errLike: `TIMEOUT="0s" is not valid`},
		{name: "TIMEOUT negative", env: map[string]string{"TIMEOUT": "-1m"}, errLike: `TIMEOUT="-1m" is not valid`},
		{name: "OPENAI_BASE_URL bad", env: map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, errLike: "OPENAI_BASE_URL"},
		{name: "-demo 4", args: []string{"-demo", "4"}, level: slog.LevelInfo, timeout: 2 * time.Minute, demo: 4},
		{name: "-demo 8", args: []string{"-demo", "8"}, errLike: "-demo 8: no such example; use 1-7"},
		{name: "-demo 0", args: []string{"-demo", "0"}, errLike: "-demo 0: no such example"},
		{name: "-demo x", args: []string{"-demo", "x"}, errLike: `invalid value "x" for flag -demo`},
		{name: "unknown flag", args: []string{"-verbose"}, errLike: "flag provided but not defined: -verbose"},
		{name: "extra argument", args: []string{"now"}, errLike: `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, envMap(tt.env))
			if tt.errLike != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errLike) || exitCode(err) != 2 {
					t.Fatalf("err = %v (exit %d), want a usage error like %q", err, exitCode(err), tt.errLike)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.level != tt.level || cfg.timeout != tt.timeout || cfg.demo != tt.demo {
				t.Errorf("got level %v timeout %v demo %d, want %v %v %d", cfg.level, cfg.timeout, cfg.demo, tt.level, tt.timeout, tt.demo)
			}
		})
	}
}

func TestTraceDir(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(nil, envMap(nil))
	if err != nil || cfg.traceDir != aigentic.DefaultTraceDir() {
		t.Errorf("default trace dir = %q, %v; want %q", cfg.traceDir, err, aigentic.DefaultTraceDir())
	}
	cfg, _ = parseConfig(nil, envMap(map[string]string{"AIGENTIC_TRACE_DIR": "/tmp/a"}))
	if cfg.traceDir != "/tmp/a" {
		t.Errorf("AIGENTIC_TRACE_DIR: trace dir = %q", cfg.traceDir)
	}
	cfg, _ = parseConfig([]string{"-trace-dir", "/tmp/b"}, envMap(map[string]string{"AIGENTIC_TRACE_DIR": "/tmp/a"}))
	if cfg.traceDir != "/tmp/b" {
		t.Errorf("-trace-dir: trace dir = %q", cfg.traceDir)
	}
}

func TestListHelpAndUsageErrors(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-list"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, ex := range examples {
		mustContain(t, out, strconv.Itoa(i+1)+"  "+ex.title)
	}
	if strings.Contains(out, "Using the built-in") {
		t.Error("-list should only list")
	}

	out, err = runTest(t, []string{"-h"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "usage: production [-demo N] [-list] [-trace-dir DIR]", "LOG_LEVEL")

	for _, args := range [][]string{{"-bogus"}, {"-demo", "9"}} {
		out, err := runTest(t, args, nil)
		if exitCode(err) != 2 || out != "" {
			t.Errorf("%v: err = %v (exit %d), output %q; want a usage error, exit 2, no output", args, err, exitCode(err), out)
		}
	}
	_, err = runTest(t, nil, map[string]string{"LOG_LEVEL": "loud"})
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("LOG_LEVEL=loud: err = %v, want exit 2 naming LOG_LEVEL", err)
	}
}

func TestUserMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&aigentic.StoppedError{During: "tool", Cause: context.DeadlineExceeded}, "took too long"},
		{&aigentic.StoppedError{During: "tool", Cause: context.Canceled}, "cancelled"},
		{&aigentic.LimitError{Limit: 3, Calls: 3}, "step budget"},
		{&aigentic.ModelCallError{Call: 1, Attempts: 2, Exhausted: true, Err: errors.New("503")}, "temporarily unavailable"},
		{&aigentic.ToolError{Tool: "query_database", Err: errDatabaseConnectionLost}, "A backend system (query_database) is failing"},
		{errors.New("boom"), "Something went wrong"},
	}
	for _, tt := range tests {
		got := userMessage(tt.err, "ses_1")
		if !strings.Contains(got, tt.want) || !strings.HasSuffix(got, "(reference: ses_1)") || strings.Contains(got, tt.err.Error()) {
			t.Errorf("userMessage(%v) = %q, want %q, a reference, and no raw error", tt.err, got, tt.want)
		}
	}
}

func TestLoadDotEnv(t *testing.T) {
	// Not parallel: it sets process environment variables.
	root := t.TempDir()
	sub := filepath.Join(root, "production")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "go.mod"), "module example\n")
	write(filepath.Join(root, ".env"), "PRODTEST_A=root\nPRODTEST_B=root\nPRODTEST_C=root\n")
	write(filepath.Join(sub, ".env"), "PRODTEST_A=local\n")
	for _, k := range []string{"PRODTEST_A", "PRODTEST_B", "PRODTEST_C"} {
		t.Cleanup(func() { os.Unsetenv(k) })
	}
	t.Setenv("PRODTEST_C", "set")

	files, err := loadDotEnv(sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Errorf("loaded %v, want the local .env and the root's", files)
	}
	for k, want := range map[string]string{"PRODTEST_A": "local", "PRODTEST_B": "root", "PRODTEST_C": "set"} {
		if got := os.Getenv(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}

	write(filepath.Join(sub, ".env"), "this is not a dotenv line\n")
	if _, err := loadDotEnv(sub); err == nil {
		t.Error("a malformed .env should be an error")
	}
	none := t.TempDir()
	if files, err := loadDotEnv(none); err != nil || len(files) != 0 {
		t.Errorf("no .env: got %v, %v", files, err)
	}
}

// TestSmokeBinary builds the program and runs it offline, as a user would.
func TestSmokeBinary(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "production")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "ENV", "LOG_LEVEL", "TIMEOUT", "AIGENTIC_TRACE_DIR", "NO_COLOR":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "AIGENTIC_TRACE_DIR="+t.TempDir())

	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir() // no .env there, nor above it
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	mustContain(t, out,
		"Using the built-in offline model",
		"Example 1: Robust Error Handling",
		"Run succeeded after 1 tool error result(s)",
		"errors.Is(err, errDatabaseConnectionLost) = true",
		"Recovered after 1 retry",
		"Example 2: Using Trace for Debugging",
		"Read back from the file with aigentic.ReadTraceSummary:",
		"Example 3: MaxLLMCalls Limit",
		"Calls counted: 3 of 3",
		"Example 4: Retry Configuration",
		"Recovered: model call 1 succeeded on attempt 3",
		"Gave up: aigentic: model call 1 failed after 2 attempts",
		"Example 5: Log Level Configuration",
		"Example 6: Context Cancellation",
		"the session's context times out after 1s",
		"errors.Is(err, context.DeadlineExceeded) = true",
		"errors.Is(err, context.Canceled) = true",
		"Example 7: Comprehensive Production Setup",
		`"msg":"agent run succeeded"`,
		"All 7 examples behaved as designed.",
	)
	if !strings.Contains(stderr.String(), "level=INFO msg=\"run started\"") {
		t.Errorf("the runtime's info logs should go to stderr:\n%s", stderr.String())
	}

	cmd = exec.Command(bin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(env, "LOG_LEVEL=loud")
	stdout.Reset()
	stderr.Reset()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("LOG_LEVEL=loud: err = %v, want exit status 2", err)
	}
	if want := `error: LOG_LEVEL="loud" is not valid: use debug, info, warn or error`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}
