package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
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
	out, _, err := runFull(t, ctx, args, env, deadline)
	return out, err
}

// runFull is runCtx returning the runtime's log records (stderr) too.
func runFull(t *testing.T, ctx context.Context, args []string, env map[string]string, deadline time.Duration) (string, string, error) {
	t.Helper()
	r := runSys(t, ctx, args, env, system{deadline: deadline})
	return r.out, r.stderr, r.err
}

// testRun is the outcome of one in-process run.
type testRun struct {
	out, stderr string
	err         error
	// waits are the delays the run would have waited — retry backoffs and
	// rate-limiter waits — in order.
	waits []time.Duration
}

// runSys runs the program in-process with sys, completed for a test: env
// over a temporary trace directory, stderr into a buffer, Example 6's
// shorter deadline, and, unless sys sets them, the waits recorded rather
// than waited and the retries' jitter fixed at 0 (so each backoff is half
// its doubling delay: 10ms for the 20ms of fastRetries, 25ms for Example
// 4's 50ms).
func runSys(t *testing.T, ctx context.Context, args []string, env map[string]string, sys system) testRun {
	t.Helper()
	e := map[string]string{"AIGENTIC_TRACE_DIR": t.TempDir()}
	for k, v := range env {
		e[k] = v
	}
	sys.getenv = envMap(e)
	var stderr testutil.SyncBuffer
	if sys.stderr == nil {
		sys.stderr = &stderr
	}
	if sys.deadline == 0 {
		sys.deadline = testDeadline
	}
	w := &waits{}
	if sys.sleep == nil {
		sys.sleep = w.sleep
	}
	if sys.rand == nil {
		sys.rand = func() float64 { return 0 }
	}
	var out bytes.Buffer
	err := runWith(ctx, args, &out, sys)
	if testing.Verbose() {
		t.Logf("output:\n%s", out.String())
	}
	return testRun{out: out.String(), stderr: stderr.String(), err: err, waits: w.all()}
}

// waits records the delays it is asked to sleep and returns at once: the
// program's retry backoffs and rate-limiter waits in tests.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
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
		"Run stopped: aigentic: MaxLLMCalls limit reached: 3 of 3 model calls made, 2 tool calls executed, 1 tool call pending",
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
	r := runSys(t, context.Background(), []string{"-demo", "4"}, nil, system{})
	out, err := r.out, r.err
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	// The backoffs were recorded, not waited: 4a's 503 (BaseDelay 50ms,
	// jitter 0: 25ms), 4a's 429 (Retry-After 2s capped at 200ms), 4b's 503.
	if want := []time.Duration{25 * time.Millisecond, 200 * time.Millisecond, 25 * time.Millisecond}; !slices.Equal(r.waits, want) {
		t.Errorf("recorded waits = %v, want %v", r.waits, want)
	}
	mustContain(t, out,
		"Example 4: Retry Configuration",
		"capped at 200ms to keep this demo fast",
		"4a. Retries: 3",
		"↻ model call 1, attempt 1 failed: injected: transient error (HTTP 503 Service Unavailable)",
		"retrying in 25ms (attempt 2)",
		"↻ model call 1, attempt 2 failed: injected: transient error (HTTP 429 Too Many Requests): simulated 429 Too Many Requests (retry after 2s)",
		"retrying in 200ms (attempt 3)",
		"Recovered: model call 1 succeeded on attempt 3 (2 retries, 225ms of backoff)",
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
	r := runSys(t, context.Background(), []string{"-demo", "7"}, map[string]string{"TIMEOUT": "30s", "ENV": "prod"}, system{})
	out, err := r.out, r.err
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Example 7: Comprehensive Production Setup", "Health check: model.Ping ok",
		`Setup: createTenantAgent("default"): session timeout 30s, Retries 2 (attempt timeout 30s), MaxLLMCalls 10, log level WARN,`,
		"rate limit 5 model requests/s, burst 1 (the tenant's own rate.Limiter)", "→ tool call lookup_order",
		"Estimated cost: $0.000000 for ")
	rec := metricsRecord(t, out)
	if rec["level"] != "INFO" || rec["llm_calls"].(float64) < 2 || rec["tool_calls"].(float64) < 1 ||
		!strings.HasPrefix(rec["session"].(string), "ses_") || rec["trace_file"] == "" || rec["duration_ms"] == nil {
		t.Errorf("metrics record = %v", rec)
	}
	if _, err := os.Stat(rec["trace_file"].(string)); err != nil {
		t.Errorf("trace file: %v", err)
	}
	// Burst 1 at 5 requests/s: the second model call had to wait for the
	// tenant's limiter — 200ms less the first call's time. The wait was
	// recorded, not waited (the record has the time actually spent).
	if len(r.waits) != 1 || r.waits[0] <= 0 || r.waits[0] > 200*time.Millisecond {
		t.Errorf("recorded waits = %v, want one: the second model call's wait for the limiter (just under 200ms)", r.waits)
	}
	if w, ok := rec["rate_limit_wait_ms"].(float64); !ok || w < 0 {
		t.Errorf("rate_limit_wait_ms = %v, want the time spent in the limiter", rec["rate_limit_wait_ms"])
	}
	if rec["tenant"] != "default" || rec["cost_usd"] != 0.0 {
		t.Errorf("tenant %v, cost_usd %v; want default, 0 (offline)", rec["tenant"], rec["cost_usd"])
	}
}

// metricsRecord is example 7's JSON metrics record in out.
func metricsRecord(t *testing.T, out string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, `"msg":"agent run succeeded"`) {
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("metrics line is not JSON: %v: %s", err, l)
			}
			return rec
		}
	}
	t.Fatalf("no metrics record in the output:\n%s", out)
	return nil
}

func TestExample7CostFromPriceOverride(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "7"}, map[string]string{"PRICE_PER_MTOK_IN": "2.5", "PRICE_PER_MTOK_OUT": "10"})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Cost estimate: $2.5 per 1M input tokens, $10 per 1M output tokens (from PRICE_PER_MTOK_IN/OUT).")
	rec := metricsRecord(t, out)
	in, outTok := rec["tokens_in"].(float64), rec["tokens_out"].(float64)
	want := (in*2.5 + outTok*10) / 1e6
	if got := rec["cost_usd"].(float64); math.Abs(got-want) > 1e-12 || got == 0 {
		t.Errorf("cost_usd = %v, want %v for %v in / %v out tokens", got, want, in, outTok)
	}
}

func TestExample7TimeoutFails(t *testing.T) {
	t.Parallel()
	out, err := runTest(t, []string{"-demo", "7"}, map[string]string{"TIMEOUT": "1ns"})
	if !errors.Is(err, context.DeadlineExceeded) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want a DeadlineExceeded failure with exit status 1\n%s", err, cli.ExitCode(err), out)
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
	mustContain(t, out, "Using the built-in offline model", "Log level INFO (default: ENV and LOG_LEVEL unset)", "All 7 examples behaved as designed.",
		"Cost estimate: $0 (the offline model is free).",
		// Every run of every example fed the metrics; the counts are fixed offline.
		`Metrics (expvar map "aigentic"): 14 runs (ok 5, limit 1, timeout 1, canceled 1, tool_error 5, model_error 1); 21 LLM calls; 14 tool calls, 6 failed; 8 retries;`,
		"cost $0.000000.",
		// The examples' injected failures trip the alert rule.
		"Alert rule: error rate above 50% over the last 20 runs (at least 5; cancelled runs not counted) — FIRING: 62% over 13 runs; fired once, logged at WARN.")
	if strings.Contains(out, "\x1b[") {
		t.Error("output to a buffer should be plain, but has colour codes")
	}
}

func TestAlertLoggedOnStderr(t *testing.T) {
	t.Parallel()
	r := runSys(t, context.Background(), nil, nil, system{})
	if r.err != nil {
		t.Fatal(r.err)
	}
	const alert = `level=WARN msg="ALERT: agent error rate above threshold"`
	if n := strings.Count(r.stderr, alert); n != 1 {
		t.Errorf("the ALERT record appears %d times on stderr, want once (it fires on the transition):\n%s", n, r.stderr)
	}
	mustContain(t, r.stderr, alert+" error_rate=0.56 threshold=0.5 runs=9 last_outcome=tool_error agent=log-demo")
	if strings.Contains(r.out, "ALERT") {
		t.Error("the ALERT record is on stdout")
	}
}

// TestAlertAfterExampleOutput runs the examples with stdout and stderr in
// one stream, as a terminal shows them: the alert, raised in the middle of
// example 5's table, is logged when the example ends, after the table.
func TestAlertAfterExampleOutput(t *testing.T) {
	t.Parallel()
	var both testutil.SyncBuffer
	w := &waits{}
	err := runWith(context.Background(), nil, &both, system{
		getenv:   envMap(map[string]string{"AIGENTIC_TRACE_DIR": t.TempDir()}),
		stderr:   &both,
		deadline: testDeadline,
		sleep:    w.sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := both.String()
	alert := strings.Index(s, `level=WARN msg="ALERT: agent error rate above threshold"`)
	tableEnd := strings.Index(s, "the higher the level, the fewer records.")
	next := strings.Index(s, "Example 6: Context Cancellation")
	if alert < 0 || tableEnd < 0 || next < 0 || tableEnd > alert || alert > next {
		t.Errorf("the ALERT record (at %d) should come after example 5's table (ends at %d) and before example 6 (at %d):\n%s", alert, tableEnd, next, s)
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
	mustContain(t, out, "Using the OpenAI-compatible server at "+srv.URL()+", model gpt-4o-mini.", "All 7 examples behaved as designed.",
		// Another server's prices are not OpenAI's: unknown, not a guess.
		"Cost estimate: unknown (OPENAI_BASE_URL is not OpenAI, so its prices are not known; set PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT).",
		"Estimated cost: unknown for ", `"cost_usd":"unknown"`, "cost unknown for 14 runs.")
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
	// The signal is sent once the slow tool is running: the program calls
	// system.toolStarted as generate_report starts.
	started := make(chan string, 1)
	toolStarted := func(name string) {
		select {
		case started <- name:
		default:
		}
	}
	finished := make(chan struct{})
	sent := make(chan bool, 1)
	go func() {
		select {
		case <-started:
			sent <- syscall.Kill(os.Getpid(), syscall.SIGINT) == nil
		case <-finished: // the run ended without starting the tool
			sent <- false
		}
	}()
	start := time.Now()
	r := runSys(t, ctx, []string{"-demo", "6"}, nil, system{deadline: time.Minute, toolStarted: toolStarted})
	close(finished)
	if !<-sent {
		t.Fatalf("no SIGINT sent: the slow tool never started\n%s", r.out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to stop after the signal", d)
	}
	if !errors.Is(r.err, context.Canceled) || cli.ExitCode(r.err) == 0 {
		t.Fatalf("err = %v, want an interruption wrapping context.Canceled", r.err)
	}
	mustContain(t, r.out, "→ tool call generate_report", "Interrupted (interrupt signal received) during Example 6: Context Cancellation.", "the remaining examples were skipped")
	if strings.Contains(r.out, "Stopped after") {
		t.Errorf("the run ended before the signal, not because of it:\n%s", r.out)
	}
}

// TestErrorsPrintedRedacted runs the examples on a custom model whose
// every call fails with an error carrying an API key: the examples fail,
// and print why — but never the key, neither on stdout, nor on stderr, nor
// in main's "error:" line.
func TestErrorsPrintedRedacted(t *testing.T) {
	// Not parallel: aigentic.Redact reads OPENAI_API_KEY from the process.
	const key = "sk-test-Zq7wXv2Lk9Pm4Rt8"
	t.Setenv("OPENAI_API_KEY", key)
	leak := errors.New("upstream gateway rejected the request made with key " + key + ": quota exceeded")
	var fails []error
	for range 200 { // more than the examples' model calls
		fails = append(fails, ai.Transient(leak))
	}
	model := aitest.Inject(offline.NewModel()).FailNext(fails...)
	r := runSys(t, context.Background(), nil, nil, system{model: model})
	if r.err == nil || cli.ExitCode(r.err) != 1 {
		t.Fatalf("err = %v, want the examples to fail on the failing model", r.err)
	}
	var mainLine bytes.Buffer
	printError(&mainLine, r.err)
	for name, text := range map[string]string{"stdout": r.out, "stderr": r.stderr, `main's "error:" line`: mainLine.String()} {
		if strings.Contains(text, key) {
			t.Errorf("the key is in %s:\n%s", name, text)
		}
	}
	// The failures were printed, redacted: as retries, as the examples'
	// failures, in example 7's JSON record, and by main.
	const shown = "upstream gateway rejected the request made with key [REDACTED]: quota exceeded"
	mustContain(t, r.out,
		"↻ model call 1, attempt 1 failed: "+shown,
		"Example 1 did not behave as designed: 1a: the run should have recovered from the tool's error result, but failed: ",
		`"msg":"agent run failed"`,
		"Using the model offline supplied by the caller.")
	if n := strings.Count(r.out, shown); n < 10 {
		t.Errorf("the redacted failure is printed %d times, want it in every failing example's lines:\n%s", n, r.out)
	}
	mustContain(t, mainLine.String(), "error: 6 of 7 examples did not behave as designed: ", shown)
	if model.Calls() == 0 {
		t.Error("the examples did not run on the supplied model")
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, err := runCtx(t, ctx, nil, nil, testDeadline)
	if !errors.Is(err, context.Canceled) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want context.Canceled, exit 1", err, cli.ExitCode(err))
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
				if err == nil || !strings.Contains(err.Error(), tt.errLike) || cli.ExitCode(err) != 2 {
					t.Fatalf("err = %v (exit %d), want a usage error like %q", err, cli.ExitCode(err), tt.errLike)
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
	mustContain(t, out, "usage: production [-demo N] [-list] [-trace-dir DIR]", "production -serve ADDR", "LOG_LEVEL", "PRICE_PER_MTOK_IN")

	for _, args := range [][]string{{"-bogus"}, {"-demo", "9"}} {
		out, err := runTest(t, args, nil)
		if cli.ExitCode(err) != 2 || out != "" {
			t.Errorf("%v: err = %v (exit %d), output %q; want a usage error, exit 2, no output", args, err, cli.ExitCode(err), out)
		}
	}
	_, err = runTest(t, nil, map[string]string{"LOG_LEVEL": "loud"})
	if cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), "LOG_LEVEL") {
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
		{fmt.Errorf("aigentic: rate limiter refused model call 1: %w", &rateLimitedError{Tenant: "trial", RetryAfter: 1500 * time.Millisecond}), "Please try again in 2s"},
		{&aigentic.StoppedError{During: "model call 1", Cause: errShuttingDown}, "The service is restarting"},
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

	files, err := cli.LoadDotEnv(sub)
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
	if _, err := cli.LoadDotEnv(sub); err == nil {
		t.Error("a malformed .env should be an error")
	}
	none := t.TempDir()
	if files, err := cli.LoadDotEnv(none); err != nil || len(files) != 0 {
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
		case "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "ENV", "LOG_LEVEL", "TIMEOUT", "AIGENTIC_TRACE_DIR", "NO_COLOR",
			"PRICE_PER_MTOK_IN", "PRICE_PER_MTOK_OUT":
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
		`Metrics (expvar map "aigentic"): 14 runs`,
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

	// -serve: answer on /healthz, then a real SIGTERM shuts it down with
	// exit status 0.
	cmd = exec.Command(bin, "-serve", "127.0.0.1:0")
	cmd.Dir = t.TempDir()
	cmd.Env = env
	stdoutPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck // a no-op once it has exited
	lines := bufio.NewScanner(stdoutPipe)
	var addr, served string
	for addr == "" && lines.Scan() {
		served += lines.Text() + "\n"
		if m := regexp.MustCompile(`Serving on http://(\S+) `).FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("-serve did not say where it serves:\n%s\nstderr:\n%s", served, stderr.String())
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %s", resp.Status)
	}
	tr.CloseIdleConnections()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v, want exit status 0\nstdout:\n%s%s\nstderr:\n%s", err, served, rest.String(), stderr.String())
	}
	mustContain(t, rest.String(), "Shut down. Metrics: no runs.")
	mustContain(t, stderr.String(), `msg="shutting down: no new requests; waiting for in-flight ones" grace=10s`)
}

// ---------------------------------------------------------------------------
// The service: configuration, pricing, metrics, tenants, handlers, jobs,
// the server.

func TestParseConfigServeAndPrices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(config) bool
		errLike string
	}{
		{name: "-serve", args: []string{"-serve", ":8080"}, check: func(c config) bool { return c.serve == ":8080" && c.timeout == 30*time.Second }},
		{name: "-serve TIMEOUT", args: []string{"-serve", "127.0.0.1:0"}, env: map[string]string{"TIMEOUT": "5s"}, check: func(c config) bool { return c.timeout == 5*time.Second }},
		{name: "demo TIMEOUT default", check: func(c config) bool { return c.serve == "" && c.timeout == 2*time.Minute && c.price == nil }},
		{name: "-serve no port", args: []string{"-serve", "localhost"}, errLike: `-serve "localhost" is not a valid address: use host:port or :port`},
		{name: "-serve empty", args: []string{"-serve", ""}, errLike: `-serve "" is not a valid address`},
		{name: "-serve and -demo", args: []string{"-serve", ":8080", "-demo", "3"}, errLike: "cannot be combined with -demo or -list"},
		{name: "prices", env: map[string]string{"PRICE_PER_MTOK_IN": "0.15", "PRICE_PER_MTOK_OUT": " 0.6 "},
			check: func(c config) bool { return c.price != nil && *c.price == price{In: 0.15, Out: 0.6} }},
		{name: "prices zero", env: map[string]string{"PRICE_PER_MTOK_IN": "0", "PRICE_PER_MTOK_OUT": "0"},
			check: func(c config) bool { return c.price != nil && *c.price == price{} }},
		{name: "price not a number", env: map[string]string{"PRICE_PER_MTOK_IN": "$0.15", "PRICE_PER_MTOK_OUT": "1"},
			errLike: `PRICE_PER_MTOK_IN="$0.15" is not valid: use US dollars per 1M input tokens, a number 0 or more, such as 0.15`},
		{name: "price negative", env: map[string]string{"PRICE_PER_MTOK_IN": "1", "PRICE_PER_MTOK_OUT": "-1"}, errLike: `PRICE_PER_MTOK_OUT="-1" is not valid`},
		{name: "price NaN", env: map[string]string{"PRICE_PER_MTOK_IN": "NaN", "PRICE_PER_MTOK_OUT": "1"}, errLike: `PRICE_PER_MTOK_IN="NaN" is not valid`},
		{name: "price Inf", env: map[string]string{"PRICE_PER_MTOK_IN": "1", "PRICE_PER_MTOK_OUT": "+Inf"}, errLike: `PRICE_PER_MTOK_OUT="+Inf" is not valid`},
		{name: "only in", env: map[string]string{"PRICE_PER_MTOK_IN": "1"}, errLike: "PRICE_PER_MTOK_IN is set but PRICE_PER_MTOK_OUT is not: set both"},
		{name: "only out", env: map[string]string{"PRICE_PER_MTOK_OUT": "1"}, errLike: "PRICE_PER_MTOK_OUT is set but PRICE_PER_MTOK_IN is not: set both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, envMap(tt.env))
			if tt.errLike != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errLike) || cli.ExitCode(err) != 2 {
					t.Fatalf("err = %v (exit %d), want a usage error like %q", err, cli.ExitCode(err), tt.errLike)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Errorf("config = %+v", cfg)
			}
		})
	}
}

func TestResolvePricing(t *testing.T) {
	t.Parallel()
	st := aigentic.Stats{InputTokens: 2_000_000, OutputTokens: 500_000}
	tests := []struct {
		name     string
		settings provider.Settings
		override *price
		cost     string
		desc     string
	}{
		{"offline", provider.Settings{Model: "gpt-4o-mini"}, nil, "$0.000000", "$0 (the offline model is free)"},
		{"gpt-4o-mini", provider.Settings{APIKey: "k", Model: "gpt-4o-mini"}, nil, "$0.600000", "$0.15 per 1M input tokens, $0.6 per 1M output tokens (OpenAI list price of gpt-4o-mini"},
		{"gpt-4o", provider.Settings{APIKey: "k", Model: "gpt-4o"}, nil, "$10.000000", "$2.5 per 1M input tokens"},
		{"api.openai.com", provider.Settings{APIKey: "k", Model: "gpt-4o", BaseURL: "https://api.openai.com/v1"}, nil, "$10.000000", "OpenAI list price of gpt-4o"},
		{"unknown model", provider.Settings{APIKey: "k", Model: "gpt-5-turbo-ultra"}, nil, "unknown", `unknown (no price for model "gpt-5-turbo-ultra" in the table`},
		{"dated snapshot", provider.Settings{APIKey: "k", Model: "gpt-4o-2024-05-13"}, nil, "unknown", "unknown (no price for model"},
		{"local server", provider.Settings{Model: "llama3.1", BaseURL: "http://localhost:11434/v1"}, nil, "unknown", "unknown (OPENAI_BASE_URL is not OpenAI"},
		{"local server named gpt-4o-mini", provider.Settings{Model: "gpt-4o-mini", BaseURL: "http://localhost:8000/v1"}, nil, "unknown", "unknown (OPENAI_BASE_URL is not OpenAI"},
		{"override", provider.Settings{Model: "llama3.1", BaseURL: "http://localhost:11434/v1"}, &price{In: 1, Out: 2}, "$3.000000", "(from PRICE_PER_MTOK_IN/OUT)"},
		{"override offline", provider.Settings{}, &price{In: 1, Out: 2}, "$3.000000", "$1 per 1M input tokens, $2 per 1M output tokens"},
	}
	for _, tt := range tests {
		p := resolvePricing(tt.settings, tt.override)
		if got := p.estimate(st).String(); got != tt.cost {
			t.Errorf("%s: cost = %s, want %s", tt.name, got, tt.cost)
		}
		if !strings.Contains(p.String(), tt.desc) {
			t.Errorf("%s: pricing = %q, want %q in it", tt.name, p, tt.desc)
		}
	}
	if v := resolvePricing(provider.Settings{APIKey: "k", Model: "x"}, nil).estimate(st).value(); v != "unknown" {
		t.Errorf("unknown cost value = %v, want the string unknown", v)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{nil, kindOK},
		{&aigentic.LimitError{Limit: 3, Calls: 3}, kindLimit},
		{&aigentic.StoppedError{During: "tool", Cause: context.DeadlineExceeded}, kindTimeout},
		{&aigentic.StoppedError{During: "tool", Cause: aigentic.ErrWaitTimeout}, kindTimeout},
		{&aigentic.StoppedError{During: "tool", Cause: context.Canceled}, kindCanceled},
		{&aigentic.StoppedError{During: "model call 1", Cause: errShuttingDown}, kindCanceled},
		{fmt.Errorf("aigentic: rate limiter refused model call 1: %w", &rateLimitedError{Tenant: "a"}), kindRateLimited},
		{&aigentic.ToolError{Tool: "query_database", Err: errDatabaseConnectionLost}, kindToolError},
		// A tool's own timeout is the tool's failure, not the session's.
		{&aigentic.ToolError{Tool: "slow", Err: context.DeadlineExceeded}, kindToolError},
		{&aigentic.ModelCallError{Call: 1, Attempts: 3, Exhausted: true, Err: aitest.StatusError(503, 0)}, kindModelError},
		// Attempt timeouts exhausted: the model was too slow.
		{&aigentic.ModelCallError{Call: 1, Attempts: 2, Exhausted: true, Err: context.DeadlineExceeded}, kindModelError},
		{fmt.Errorf("%w: Model is nil", aigentic.ErrInvalidAgent), kindOther},
		{errors.New("boom"), kindOther},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// unlimited is a tenant without pacing, for the tests that are not about
// rate limits.
var unlimited = tenantConfig{MaxCalls: 5, Retries: 1, LogLevel: slog.LevelWarn, Rate: rate.Inf, Burst: 1, MaxWait: time.Second}

// testService is a service on model with fast retries, offline pricing,
// an unlimited default tenant and logs in a buffer; change lets a test
// adjust the configuration.
func testService(t testing.TB, model ai.Model, change func(*serviceConfig)) (*service, *testutil.SyncBuffer) {
	logs := &testutil.SyncBuffer{}
	c := serviceConfig{
		Model:          model,
		Handler:        slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
		Level:          slog.LevelInfo,
		Pricing:        resolvePricing(provider.Settings{}, nil),
		TraceDir:       t.TempDir(),
		RequestTimeout: 10 * time.Second,
		RetryPolicy:    fastRetries(),
		Tenants:        map[string]tenantConfig{defaultTenant: unlimited, "acme": unlimited},
	}
	if change != nil {
		change(&c)
	}
	return newService(c), logs
}

// blockingModel never answers: Generate blocks until its context ends.
// started is closed at the first call.
type blockingModel struct {
	started chan struct{}
	once    sync.Once
}

func newBlockingModel() *blockingModel { return &blockingModel{started: make(chan struct{})} }

func (m *blockingModel) ModelName() string { return "blocking" }

func (m *blockingModel) Ping(ctx context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "blocking"}, nil
}

func (m *blockingModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	m.once.Do(func() { close(m.started) })
	<-ctx.Done()
	return nil, ctx.Err()
}

// pingModel is the offline model with a Ping of its own.
type pingModel struct {
	ai.Model
	ping func(ctx context.Context) (*ai.PingResult, error)
}

func (m pingModel) Ping(ctx context.Context) (*ai.PingResult, error) { return m.ping(ctx) }

// ask sends a form request to the handler and decodes the JSON answer.
func ask(t *testing.T, h http.HandlerFunc, method, tenant string, form url.Values) (*httptest.ResponseRecorder, map[string]string) {
	t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		req = httptest.NewRequest(method, "/ask", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, "/ask?"+form.Encode(), nil)
	}
	if tenant != "" {
		req.Header.Set("X-Tenant", tenant)
	}
	rec := httptest.NewRecorder()
	h(rec, req)
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: the answer is not JSON: %v: %q", rec.Result().Status, err, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	return rec, body
}

// noInternals fails the test when the text sent to a client shows an
// internal error.
func noInternals(t *testing.T, body string, internals ...string) {
	t.Helper()
	for _, s := range append(internals, "aigentic:", "context deadline exceeded", "context canceled", "injected", "simulated") {
		if strings.Contains(body, s) {
			t.Errorf("the response leaks %q: %s", s, body)
		}
	}
}

func TestHandleRequest(t *testing.T) {
	t.Parallel()
	t.Run("success", func(t *testing.T) {
		t.Parallel()
		svc, _ := testService(t, offline.NewModel(), nil)
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			rec, body := ask(t, svc.handleRequest, method, "", url.Values{"query": {"Where is my order 1042?"}})
			if rec.Code != http.StatusOK || !strings.Contains(body["response"], "Order 1042: shipped") || !strings.HasPrefix(body["reference"], "ses_") {
				t.Errorf("%s: %d %v", method, rec.Code, body)
			}
		}
		if n := count(svc.metrics.runs, kindOK); n != 2 {
			t.Errorf("runs.ok = %d, want 2", n)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		t.Parallel()
		model := aitest.NewScripted() // any model call would fail the run
		svc, logs := testService(t, model, nil)
		for _, tt := range []struct {
			name, method, tenant string
			form                 url.Values
			status               int
			msg                  string
		}{
			{"no query", http.MethodGet, "", nil, http.StatusBadRequest, "the query parameter is required"},
			{"blank query", http.MethodPost, "", url.Values{"query": {"  \t "}}, http.StatusBadRequest, "the query parameter is required"},
			{"query too long", http.MethodPost, "", url.Values{"query": {strings.Repeat("a", maxQueryBytes+1)}}, http.StatusBadRequest, "the query is too long: at most 4096 bytes"},
			{"not UTF-8", http.MethodGet, "", url.Values{"query": {"caf\xe9"}}, http.StatusBadRequest, "not valid UTF-8"},
			{"body too large", http.MethodPost, "", url.Values{"query": {"hi"}, "pad": {strings.Repeat("x", maxBodyBytes)}}, http.StatusRequestEntityTooLarge, "larger than 65536 bytes"},
			{"unknown tenant", http.MethodGet, "mallory", url.Values{"query": {"hi"}}, http.StatusForbidden, "unknown tenant"},
			{"method", http.MethodPut, "", nil, http.StatusMethodNotAllowed, "use GET or POST"},
		} {
			rec, body := ask(t, svc.handleRequest, tt.method, tt.tenant, tt.form)
			if rec.Code != tt.status || body["error"] != tt.msg && !strings.Contains(body["error"], tt.msg) {
				t.Errorf("%s: %d %v, want %d %q", tt.name, rec.Code, body, tt.status, tt.msg)
			}
		}
		if model.Calls() != 0 {
			t.Errorf("the model got %d calls for requests that should never reach it", model.Calls())
		}
		mustContain(t, logs.String(), `msg="request refused: unknown tenant" tenant=mallory`)
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		svc, logs := testService(t, aitest.NewScripted(aitest.Reply("too late").After(time.Minute)), func(c *serviceConfig) {
			c.RequestTimeout = 100 * time.Millisecond
		})
		start := time.Now()
		rec, body := ask(t, svc.handleRequest, http.MethodGet, "", url.Values{"query": {"Where is my order 1042?"}})
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %s for a 100ms timeout", d)
		}
		if rec.Code != http.StatusGatewayTimeout || !strings.Contains(body["error"], "took too long") || !strings.HasSuffix(body["error"], "(reference: "+body["reference"]+")") {
			t.Errorf("%d %v", rec.Code, body)
		}
		noInternals(t, rec.Body.String())
		if count(svc.metrics.runs, kindTimeout) != 1 {
			t.Errorf("runs = %s", svc.metrics.runs)
		}
		mustContain(t, logs.String(), `msg="ask failed" status=504 kind=timeout tenant=default`, "context deadline exceeded")
	})
	t.Run("rate limited", func(t *testing.T) {
		t.Parallel()
		svc, _ := testService(t, aitest.NewScripted(aitest.Reply("hello"), aitest.Reply("never")), func(c *serviceConfig) {
			c.Tenants = map[string]tenantConfig{defaultTenant: {MaxCalls: 5, Rate: rate.Every(time.Hour), Burst: 1, MaxWait: 10 * time.Millisecond}}
		})
		rec, _ := ask(t, svc.handleRequest, http.MethodGet, "", url.Values{"query": {"hi"}})
		if rec.Code != http.StatusOK {
			t.Fatalf("first request: %d, want 200 (the bucket's one token)", rec.Code)
		}
		rec, body := ask(t, svc.handleRequest, http.MethodGet, "", url.Values{"query": {"hi again"}})
		ra, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
		if rec.Code != http.StatusServiceUnavailable || ra < 3500 || ra > 3600 || !strings.Contains(body["error"], "Too many requests for your account") {
			t.Errorf("%d Retry-After %q %v; want 503, about an hour, a message", rec.Code, rec.Header().Get("Retry-After"), body)
		}
		noInternals(t, rec.Body.String(), "rate limit:", "tenant")
		if count(svc.metrics.runs, kindRateLimited) != 1 {
			t.Errorf("runs = %s", svc.metrics.runs)
		}
	})
	t.Run("model unavailable", func(t *testing.T) {
		t.Parallel()
		model := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
		svc, _ := testService(t, model, nil) // Retries 1: two attempts, both fail
		rec, body := ask(t, svc.handleRequest, http.MethodPost, "", url.Values{"query": {"Where is my order 1042?"}})
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" || !strings.Contains(body["error"], "temporarily unavailable") {
			t.Errorf("%d Retry-After %q %v", rec.Code, rec.Header().Get("Retry-After"), body)
		}
		noInternals(t, rec.Body.String(), "503")
	})
	t.Run("internal error leaks nothing", func(t *testing.T) {
		t.Parallel()
		const secret = "sk-test-secretvalue1234567"
		fail := &ai.ModelError{Provider: "openai", StatusCode: 401, Message: "Incorrect API key provided: " + secret}
		svc, logs := testService(t, aitest.NewScripted(aitest.Fail(fail)), nil)
		rec, body := ask(t, svc.handleRequest, http.MethodGet, "", url.Values{"query": {"hi"}})
		if rec.Code != http.StatusInternalServerError || !strings.Contains(body["error"], "Something went wrong on our side") {
			t.Errorf("%d %v", rec.Code, body)
		}
		noInternals(t, rec.Body.String(), secret, "401", "Incorrect API key", "openai")
		mustContain(t, logs.String(), `msg="ask failed" status=500 kind=model_error`, "Incorrect API key provided: [REDACTED]")
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the key reached the logs:\n%s", logs)
		}
	})
	t.Run("client disconnect cancels the run", func(t *testing.T) {
		t.Parallel()
		model := newBlockingModel()
		svc, logs := testService(t, model, nil)
		returned := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer close(returned)
			svc.handleRequest(w, r)
		}))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/ask?query=hello", nil)
		client := &http.Client{Transport: &http.Transport{}}
		defer client.CloseIdleConnections()
		errc := make(chan error, 1)
		go func() {
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		<-model.started // the run is waiting on the model
		cancel()        // the client goes away
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("client: %v", err)
		}
		select {
		case <-returned:
		case <-time.After(3 * time.Second):
			t.Fatal("the handler did not return after the client went away")
		}
		if count(svc.metrics.runs, kindCanceled) != 1 {
			t.Errorf("runs = %s, want one cancelled", svc.metrics.runs)
		}
		mustContain(t, logs.String(), `msg="client disconnected; run cancelled" tenant=default`)
	})
}

func TestAlertFiresOnInjectedFailures(t *testing.T) {
	t.Parallel()
	// Every request's model call fails permanently (injected 400s), then
	// the model works again.
	var fails []error
	for range 5 {
		fails = append(fails, aitest.StatusError(400, 0))
	}
	model := aitest.Inject(offline.NewModel()).FailNext(fails...)
	svc, logs := testService(t, model, func(c *serviceConfig) {
		c.Alert = alertRule{Window: 10, MinRuns: 4, MaxErrorRate: 0.5}
	})
	status := func() int {
		rec, _ := ask(t, svc.handleRequest, http.MethodGet, "", url.Values{"query": {"Where is my order 1042?"}})
		return rec.Code
	}
	for i := range 5 {
		if got := status(); got != http.StatusInternalServerError {
			t.Fatalf("request %d: %d, want 500", i+1, got)
		}
		fired := strings.Contains(logs.String(), "ALERT")
		if want := i+1 >= 4; fired != want {
			t.Fatalf("after %d failures: alert fired %t, want %t", i+1, fired, want)
		}
	}
	mustContain(t, logs.String(), `level=WARN msg="ALERT: agent error rate above threshold" error_rate=1 threshold=0.5 runs=4 last_outcome=model_error agent=support-agent`)
	if !strings.HasPrefix(svc.metrics.alertStatus(), "error rate above 50% over the last 10 runs (at least 4; cancelled runs not counted) — FIRING: 100% over 5 runs; fired once") {
		t.Errorf("alert status = %s", svc.metrics.alertStatus())
	}
	// Recovery: 5 successes bring the rate to 50%, which resolves it.
	for range 5 {
		if got := status(); got != http.StatusOK {
			t.Fatalf("%d, want 200", got)
		}
	}
	if n := strings.Count(logs.String(), "ALERT"); n != 1 {
		t.Errorf("ALERT logged %d times, want once (on the transition)", n)
	}
	mustContain(t, logs.String(), `level=INFO msg="alert resolved: agent error rate back under threshold" error_rate=0.5 threshold=0.5 runs=10`)
	if count(svc.metrics.vars, "alerts_fired") != 1 || strings.Contains(svc.metrics.alertStatus(), "FIRING") {
		t.Errorf("alerts_fired = %d, status %s", count(svc.metrics.vars, "alerts_fired"), svc.metrics.alertStatus())
	}
}

func TestMetricsExpvar(t *testing.T) {
	t.Parallel()
	logs := &testutil.SyncBuffer{}
	m := newMetrics(slog.New(slog.NewTextHandler(logs, nil)), alertRule{Window: 5, MinRuns: 3, MaxErrorRate: 0.5})
	ms := func(d time.Duration) aigentic.Stats {
		return aigentic.Stats{Duration: d, LLMCalls: 2, ToolCalls: 1, InputTokens: 100, OutputTokens: 10}
	}
	m.record(runRecord{Agent: "a", Tenant: "t1", Stats: ms(10 * time.Millisecond), Cost: costEstimate{Known: true, USD: 0.25}})
	m.record(runRecord{Agent: "a", Tenant: "t2", Stats: aigentic.Stats{Duration: 30 * time.Millisecond, ToolCalls: 2, ToolErrors: 1, RateLimitWait: 5 * time.Millisecond},
		Err: &aigentic.ToolError{Tool: "x", Err: errors.New("down")}, Cost: costEstimate{Known: true, USD: 0.5}})
	// Cancelled runs are counted, but not in the alert's error rate.
	for range 3 {
		m.record(runRecord{Agent: "b", Stats: ms(time.Millisecond), Err: &aigentic.StoppedError{During: "tool", Cause: context.Canceled}})
	}
	var got struct {
		Runs            map[string]int     `json:"runs"`
		LLMCalls        int                `json:"llm_calls"`
		ToolCalls       int                `json:"tool_calls"`
		ToolCallsFailed int                `json:"tool_calls_failed"`
		DurationTotal   float64            `json:"duration_ms_total"`
		DurationMax     float64            `json:"duration_ms_max"`
		RateLimitWait   float64            `json:"rate_limit_wait_ms_total"`
		CostUSD         float64            `json:"cost_usd"`
		CostByAgent     map[string]float64 `json:"cost_usd_by_agent"`
		CostByTenant    map[string]float64 `json:"cost_usd_by_tenant"`
		CostUnknownRuns int                `json:"cost_unknown_runs"`
		AlertFiring     bool               `json:"alert_firing"`
		AlertsFired     int                `json:"alerts_fired"`
		TokensIn        int                `json:"tokens_in"`
	}
	if err := json.Unmarshal([]byte(m.vars.String()), &got); err != nil {
		t.Fatalf("%v: %s", err, m.vars)
	}
	want := map[string]int{kindOK: 1, kindToolError: 1, kindCanceled: 3, kindLimit: 0, kindTimeout: 0, kindRateLimited: 0, kindModelError: 0, kindOther: 0}
	if fmt.Sprint(got.Runs) != fmt.Sprint(want) || got.LLMCalls != 8 || got.ToolCalls != 6 || got.ToolCallsFailed != 2 ||
		got.DurationTotal != 43 || got.DurationMax != 30 || got.RateLimitWait != 5 || got.CostUSD != 0.75 || got.TokensIn != 400 ||
		got.CostByAgent["a"] != 0.75 || got.CostByTenant["t1"] != 0.25 || got.CostByTenant["t2"] != 0.5 || got.CostUnknownRuns != 3 ||
		got.AlertFiring || got.AlertsFired != 0 {
		t.Errorf("expvar map = %s", m.vars)
	}
	if s := m.summary(); s != "5 runs (ok 1, canceled 3, tool_error 1); 8 LLM calls; 6 tool calls, 2 failed; 0 retries; duration mean 8.6ms, max 30ms; cost $0.750000 + unknown for 3 runs." {
		t.Errorf("summary = %s", s)
	}
	if logs.String() != "" {
		t.Errorf("2 counted runs (MinRuns 3) should not alert:\n%s", logs)
	}
}

func TestTenants(t *testing.T) {
	t.Parallel()
	model := aitest.NewScripted(aitest.Reply("for b"), aitest.Reply("for b again"))
	svc, logs := testService(t, model, func(c *serviceConfig) {
		c.Level = slog.LevelWarn
		c.Tenants = map[string]tenantConfig{
			"a": {MaxCalls: 3, Retries: 0, LogLevel: slog.LevelWarn, Rate: rate.Every(time.Hour), Burst: 1, MaxWait: 10 * time.Millisecond},
			"b": {MaxCalls: 7, Retries: 2, LogLevel: slog.LevelDebug, Rate: rate.Every(time.Hour), Burst: 2, MaxWait: 10 * time.Millisecond},
		}
	})
	a, err := svc.createTenantAgent("a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := svc.createTenantAgent("b")
	if a.MaxLLMCalls != 3 || a.Retries != 0 || a.LogLevel != slog.LevelWarn || b.MaxLLMCalls != 7 || b.Retries != 2 || b.LogLevel != slog.LevelDebug {
		t.Errorf("a: %d calls, %d retries, %s; b: %d, %d, %s", a.MaxLLMCalls, a.Retries, a.LogLevel, b.MaxLLMCalls, b.Retries, b.LogLevel)
	}
	if a.RateLimiter == b.RateLimiter || a.RateLimiter == nil {
		t.Fatal("each tenant should have a rate limiter of its own")
	}
	if _, err := svc.createTenantAgent("c"); !errors.Is(err, errUnknownTenant) {
		t.Errorf("unknown tenant: %v", err)
	}

	// Tenant a spends its one token, then is refused...
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.RateLimiter.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	o := svc.execute(ctx, "a", a, "hi")
	var rl *rateLimitedError
	if !errors.As(o.Err, &rl) || rl.Tenant != "a" || o.Kind != kindRateLimited || model.Calls() != 0 {
		t.Fatalf("tenant a: %v (%s), model calls %d; want refused by a's limiter before any call", o.Err, o.Kind, model.Calls())
	}
	// ...while tenant b is not throttled by it: two runs on its own bucket.
	for range 2 {
		o = svc.execute(ctx, "b", b, "hi")
		if o.Err != nil || o.Stats.RateLimitWait > 5*time.Millisecond {
			t.Fatalf("tenant b: %v, waited %s", o.Err, o.Stats.RateLimitWait)
		}
	}
	// Per-tenant log levels: b's runs log at Debug although the
	// service's level is Warn; a's do not.
	l := logs.String()
	if !strings.Contains(l, `level=DEBUG msg="model request"`) || !strings.Contains(l, "tenant=b") {
		t.Errorf("tenant b should log at Debug:\n%s", l)
	}
	for _, line := range strings.Split(l, "\n") {
		if strings.Contains(line, "tenant=a") && !strings.Contains(line, "level=WARN") && !strings.Contains(line, "level=ERROR") {
			t.Errorf("tenant a logs below Warn: %s", line)
		}
	}
}

func TestDefaultTenants(t *testing.T) {
	t.Parallel()
	ts := defaultTenants(slog.LevelDebug)
	d, acme, trial := ts[defaultTenant], ts["acme"], ts["trial"]
	if d.MaxCalls != 10 || d.Retries != 2 || d.LogLevel != slog.LevelDebug || d.Rate != 5 || d.Burst != 1 {
		t.Errorf("default = %+v", d)
	}
	if acme.MaxCalls <= d.MaxCalls || acme.Rate <= d.Rate || trial.MaxCalls >= d.MaxCalls || trial.Rate >= d.Rate || trial.LogLevel != slog.LevelWarn {
		t.Errorf("acme %+v, trial %+v: want acme above default above trial, trial at Warn", acme, trial)
	}
}

func TestProcessJob(t *testing.T) {
	t.Parallel()
	t.Run("success with a trace", func(t *testing.T) {
		t.Parallel()
		svc, logs := testService(t, offline.NewModel(), nil)
		answer, err := svc.processJob(context.Background(), job{ID: "j-1", Query: "Where is my order 1042?"})
		if err != nil || !strings.Contains(answer, "Order 1042: shipped") {
			t.Fatalf("%q, %v", answer, err)
		}
		m := regexp.MustCompile(`msg="job succeeded" job=j-1 tenant=default session=ses_\w+ trace_file=(\S+) duration=\S+ llm_calls=2 retries=0 cost_usd=0`).FindStringSubmatch(logs.String())
		if m == nil {
			t.Fatalf("no job record:\n%s", logs)
		}
		if sum, err := aigentic.ReadTraceSummary(m[1]); err != nil || sum.Outcome != "success" || sum.Agent != "job-agent" {
			t.Errorf("trace %s: %+v, %v", m[1], sum, err)
		}
		if count(svc.metrics.runs, kindOK) != 1 || svc.metrics.costByAgent.Get("job-agent") == nil {
			t.Errorf("metrics = %s", svc.metrics.vars)
		}
	})
	t.Run("retries", func(t *testing.T) {
		t.Parallel()
		// The tenant allows 1 retry; a job gets 3.
		model := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0), aitest.StatusError(502, 0), aitest.StatusError(429, 0))
		svc, logs := testService(t, model, nil)
		if _, err := svc.processJob(context.Background(), job{ID: "j-2", Query: "Where is my order 1042?"}); err != nil {
			t.Fatal(err)
		}
		mustContain(t, logs.String(), `msg="job succeeded" job=j-2`, "retries=3")
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		svc, logs := testService(t, newBlockingModel(), nil)
		start := time.Now()
		_, err := svc.processJob(context.Background(), job{ID: "j-3", Query: "hi", Timeout: 50 * time.Millisecond})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "job j-3 failed (timeout): ") || time.Since(start) > 3*time.Second {
			t.Fatalf("err = %v after %s", err, time.Since(start))
		}
		mustContain(t, logs.String(), `level=ERROR msg="job failed" job=j-3`, "kind=timeout")
		if count(svc.metrics.runs, kindTimeout) != 1 {
			t.Errorf("runs = %s", svc.metrics.runs)
		}
	})
	t.Run("waits for the rate limiter", func(t *testing.T) {
		t.Parallel()
		// Interactive requests give up after MaxWait (1ms); a job queues
		// up to its deadline.
		svc, _ := testService(t, aitest.NewScripted(aitest.Reply("one"), aitest.Reply("two")), func(c *serviceConfig) {
			c.Tenants = map[string]tenantConfig{defaultTenant: {MaxCalls: 5, Rate: rate.Every(100 * time.Millisecond), Burst: 1, MaxWait: time.Millisecond}}
		})
		if _, err := svc.processJob(context.Background(), job{ID: "a", Query: "hi"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.processJob(context.Background(), job{ID: "b", Query: "hi"}); err != nil {
			t.Fatalf("the second job should wait for a token, not be refused: %v", err)
		}
		if w := total(svc.metrics.vars, "rate_limit_wait_ms_total"); w < 50 {
			t.Errorf("rate limit wait %vms, want the second job's wait for a token (~100ms)", w)
		}
	})
	t.Run("invalid agent", func(t *testing.T) {
		t.Parallel()
		svc, _ := testService(t, offline.NewModel(), func(c *serviceConfig) {
			c.Tenants = map[string]tenantConfig{defaultTenant: {MaxCalls: -1, Rate: rate.Inf, Burst: 1}}
		})
		if _, err := svc.processJob(context.Background(), job{ID: "j-5", Query: "hi"}); !errors.Is(err, aigentic.ErrInvalidAgent) {
			t.Errorf("err = %v", err)
		}
		if count(svc.metrics.runs, kindOther) != 1 {
			t.Errorf("runs = %s, want the failed start counted as other", svc.metrics.runs)
		}
	})
	t.Run("unknown tenant", func(t *testing.T) {
		t.Parallel()
		svc, _ := testService(t, offline.NewModel(), nil)
		if _, err := svc.processJob(context.Background(), job{ID: "j-4", Tenant: "nobody", Query: "hi"}); !errors.Is(err, errUnknownTenant) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestHealthCheck(t *testing.T) {
	t.Parallel()
	if pr, err := healthCheck(context.Background(), offline.NewModel()); err != nil || pr.Provider != "offline" {
		t.Errorf("offline: %+v, %v", pr, err)
	}
	// A model whose Ping hangs: the check ends with its context.
	hang := pingModel{Model: offline.NewModel(), ping: func(ctx context.Context) (*ai.PingResult, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := healthCheck(ctx, hang); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("hanging ping: %v after %s", err, time.Since(start))
	}

	// GET /healthz.
	svc, _ := testService(t, offline.NewModel(), nil)
	rec := httptest.NewRecorder()
	svc.handleHealth(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != `{"model":"offline","provider":"offline","status":"ok"}`+"\n" {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body)
	}
	const secret = "sk-test-secretvalue1234567"
	down := pingModel{Model: offline.NewModel(), ping: func(ctx context.Context) (*ai.PingResult, error) {
		return nil, &ai.ModelError{Provider: "openai", StatusCode: 401, Message: "Incorrect API key provided: " + secret}
	}}
	svc, logs := testService(t, down, nil)
	rec = httptest.NewRecorder()
	svc.handleHealth(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != `{"status":"unavailable"}`+"\n" {
		t.Errorf("healthz, model down: %d %s", rec.Code, rec.Body)
	}
	mustContain(t, logs.String(), `msg="health check failed"`, "[REDACTED]")
	if strings.Contains(logs.String(), secret) {
		t.Error("the key reached the logs")
	}
	rec = httptest.NewRecorder()
	svc.handleHealth(rec, httptest.NewRequest(http.MethodPost, "/healthz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", rec.Code)
	}
}

// startServer runs serveWith on a loopback port; stop cancels its context
// and returns serveWith's error, failing the test if it does not return
// within 5s.
func startServer(t *testing.T, svc *service, grace time.Duration) (base string, client *http.Client, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveWith(ctx, ln, svc, grace) }()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return "http://" + ln.Addr().String(), &http.Client{Transport: tr, Timeout: 10 * time.Second}, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("serveWith did not return within 5s of its context ending")
			return nil
		}
	}
}

func getJSON(t *testing.T, client *http.Client, req *http.Request, into any) int {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %v: %s", req.Method, req.URL.Path, resp.StatusCode, err, b)
	}
	return resp.StatusCode
}

func TestServeWith(t *testing.T) {
	t.Parallel()
	svc, logs := testService(t, offline.NewModel(), nil)
	base, client, stop := startServer(t, svc, time.Second)

	var health map[string]string
	req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	if code := getJSON(t, client, req, &health); code != 200 || health["status"] != "ok" {
		t.Errorf("/healthz: %d %v", code, health)
	}
	req, _ = http.NewRequest(http.MethodPost, base+"/ask", strings.NewReader(url.Values{"query": {"Where is my order 1043?"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Tenant", "acme")
	var answer map[string]string
	if code := getJSON(t, client, req, &answer); code != 200 || !strings.Contains(answer["response"], "Order 1043: paid") {
		t.Errorf("/ask: %d %v", code, answer)
	}
	var vars struct {
		Aigentic struct {
			Runs         map[string]int     `json:"runs"`
			CostByTenant map[string]float64 `json:"cost_usd_by_tenant"`
		} `json:"aigentic"`
		Memstats map[string]any `json:"memstats"`
		Cmdline  []string       `json:"cmdline"`
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/debug/vars", nil)
	if code := getJSON(t, client, req, &vars); code != 200 || vars.Aigentic.Runs[kindOK] != 1 || vars.Memstats == nil || len(vars.Cmdline) == 0 {
		t.Errorf("/debug/vars: %d %+v", code, vars.Aigentic)
	}
	if _, ok := vars.Aigentic.CostByTenant["acme"]; !ok {
		t.Errorf("/debug/vars: no cost for tenant acme: %+v", vars.Aigentic)
	}

	if err := stop(); err != nil {
		t.Fatalf("serveWith: %v", err)
	}
	if _, err := client.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutting down")
	}
	mustContain(t, logs.String(), `msg="shutting down: no new requests; waiting for in-flight ones" grace=1s`)
	if strings.Contains(logs.String(), "grace period over") {
		t.Error("nothing was in flight, yet the grace period ran out")
	}
}

func TestServeWithShutdownCancelsInFlight(t *testing.T) {
	t.Parallel()
	model := newBlockingModel()
	svc, logs := testService(t, model, nil)
	base, client, stop := startServer(t, svc, 100*time.Millisecond)
	type result struct {
		code int
		body map[string]string
		hdr  http.Header
	}
	results := make(chan result, 1)
	go func() {
		resp, err := client.Get(base + "/ask?query=hello")
		if err != nil {
			results <- result{code: -1, body: map[string]string{"error": err.Error()}}
			return
		}
		defer resp.Body.Close()
		var body map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&body)
		results <- result{resp.StatusCode, body, resp.Header}
	}()
	<-model.started // the request is in flight
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("serveWith: %v", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 3*time.Second {
		t.Errorf("shutdown took %s; want the 100ms grace period, then a prompt end", d)
	}
	r := <-results
	if r.code != http.StatusServiceUnavailable || !strings.Contains(r.body["error"], "The service is restarting") || r.hdr.Get("Retry-After") == "" {
		t.Errorf("the in-flight request got %d %v, want 503 saying the service is restarting", r.code, r.body)
	}
	mustContain(t, logs.String(), `msg="grace period over: cancelling the requests still running"`, `msg="ask failed" status=503 kind=canceled`)
	if count(svc.metrics.runs, kindCanceled) != 1 {
		t.Errorf("runs = %s", svc.metrics.runs)
	}
}

func TestServeFlag(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	out, err := runCtx(t, ctx, []string{"-serve", "127.0.0.1:0"}, nil, testDeadline)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Cost estimate: $0 (the offline model is free).", "Health check: model.Ping ok: provider offline, model offline.",
		"Serving on http://127.0.0.1:", "POST or GET /ask?query=..., GET /healthz, GET /debug/vars.",
		`Tenants (X-Tenant header; default "default"): acme, default, trial. Request timeout 30s.`,
		"Shut down. Metrics: no runs.")
	if strings.Contains(out, "Example 1") {
		t.Error("-serve ran the examples")
	}
}

func TestServeFlagAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = runTest(t, []string{"-serve", ln.Addr().String()}, nil)
	if err == nil || !strings.Contains(err.Error(), "-serve "+ln.Addr().String()) || cli.ExitCode(err) != 1 {
		t.Errorf("err = %v (exit %d), want a listen error naming -serve, exit 1", err, cli.ExitCode(err))
	}
}

// ---------------------------------------------------------------------------
// Load testing: go test -run '^$' -bench . -benchmem ./production/

// benchAgent is the production agent (the default tenant's) on the
// offline model with MaxLLMCalls 3, as the seed's benchmark has it.
func benchAgent(b *testing.B) aigentic.Agent {
	svc := newService(serviceConfig{Model: offline.NewModel(), Tenants: defaultTenants(slog.LevelWarn)})
	agent, err := svc.createTenantAgent(defaultTenant)
	if err != nil {
		b.Fatal(err)
	}
	agent.MaxLLMCalls = 3
	agent.RateLimiter = nil // measure the agent, not the default tenant's pacing (5 requests/s)
	return agent
}

const benchQuery = "Where is my order 1042?"

// BenchmarkAgentExecution is one request at a time: 2 model calls and 1
// tool call per run.
func BenchmarkAgentExecution(b *testing.B) {
	agent := benchAgent(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := agent.Execute(benchQuery); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAgentExecutionParallel runs the same agent from GOMAXPROCS
// goroutines at once.
func BenchmarkAgentExecutionParallel(b *testing.B) {
	agent := benchAgent(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := agent.Execute(benchQuery); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkHandleRequestParallel is the whole /ask path — form parsing,
// tenant agent, session, run, metrics, JSON — in parallel, without the
// network.
func BenchmarkHandleRequestParallel(b *testing.B) {
	svc, _ := testService(b, offline.NewModel(), nil)
	target := "/ask?" + url.Values{"query": {benchQuery}}.Encode()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			svc.handleRequest(rec, httptest.NewRequest(http.MethodGet, target, nil))
			if rec.Code != http.StatusOK {
				b.Errorf("%d %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
