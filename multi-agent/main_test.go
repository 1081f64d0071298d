package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// offlineEnv is an environment without any OpenAI setting: the offline model.
func offlineEnv(string) string { return "" }

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// runApp runs the program offline, tracing into a temporary directory.
func runApp(t *testing.T, args ...string) (out, logs string, err error) {
	t.Helper()
	var o, l testutil.SyncBuffer
	args = append([]string{"-trace-dir", t.TempDir()}, args...)
	err = runWith(testContext(t), args, &o, system{getenv: offlineEnv, stderr: &l})
	return o.String(), l.String(), err
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

var (
	llmCallsRe  = regexp.MustCompile(`(?m)^  LLM calls: (\d+)$`)
	traceLineRe = regexp.MustCompile(`(?m)^  (coordinator|Researcher|Writer) +(\S+trace_\S+\.txt) +(\d+) LLM calls?, (\d+) tool calls?, (success|error)$`)
)

// checkStatsMatchTraces checks the printed stats against the printed
// trace lines: the coordinator's LLM calls include its sub-agents'.
func checkStatsMatchTraces(t *testing.T, out string, agents ...string) {
	t.Helper()
	m := llmCallsRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no LLM calls line\n%s", out)
	}
	total, _ := strconv.Atoi(m[1])
	lines := traceLineRe.FindAllStringSubmatch(out, -1)
	if len(lines) != len(agents) {
		t.Fatalf("%d trace lines, want %d (%v)\n%s", len(lines), len(agents), agents, out)
	}
	sum := 0
	for i, l := range lines {
		if l[1] != agents[i] {
			t.Errorf("trace %d is %s's, want %s's", i, l[1], agents[i])
		}
		if _, err := os.Stat(l[2]); err != nil {
			t.Errorf("trace file: %v", err)
		}
		n, _ := strconv.Atoi(l[3])
		sum += n
	}
	if sum != total || total < len(agents) {
		t.Errorf("stats say %d LLM calls, trace files %d", total, sum)
	}
}

// The offline run delegates to the researcher, then the writer with the
// researcher's findings, prints the answer, the stats and the traces.
func TestRunOffline(t *testing.T) {
	out, logs, err := runApp(t)
	if err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, out, logs)
	}
	assertInOrder(t, out,
		"Using the built-in offline model (OPENAI_API_KEY is not set).",
		"Request: "+defaultPrompt,
		"-> coordinator delegates to researcher:",
		"   .. sub-agent calls search_notes ",
		"   .. search_notes returned (ok, ",
		"<- researcher answered:",
		"-> coordinator delegates to writer:",
		"<- writer answered:",
		"\nAnswer:\n",
		"Stats (coordinator and sub-agents together):",
		"delegations: 2 (0 failed)",
		"Trace files (one per run):",
	)
	mustContain(t, out, "Cancellation (cancellation.md)", "Sub-agents (sub-agents.md)")
	checkStatsMatchTraces(t, out, "coordinator", "Researcher", "Writer")
	if logs != "" {
		t.Errorf("a successful run logged at the default warn level:\n%s", logs)
	}
}

// -fail-researcher injects HTTP 503s (aitest.Faulty) in front of the
// researcher's model: its retry is exhausted, the coordinator gets an error
// result, and still answers.
func TestRunFailResearcher(t *testing.T) {
	out, logs, err := runApp(t, "-fail-researcher")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	assertInOrder(t, out,
		"The researcher's model will fail with HTTP 503 (-fail-researcher).",
		"-> coordinator delegates to researcher:",
		`<- researcher FAILED (the coordinator gets this error result):`,
		`sub-agent "Researcher" failed: aigentic: model call 1 failed after 2 attempts`,
		"\nAnswer:\n",
		"retries: 1",
	)
	mustContain(t, out, "(1 failed)")
	if !logged(logs, "WARN", "retrying after transient failure", "Researcher") {
		t.Errorf("logs lack the researcher's retry warning:\n%s", logs)
	}
	lines := traceLineRe.FindAllStringSubmatch(out, -1)
	if len(lines) < 2 || lines[1][1] != "Researcher" || lines[1][5] != "error" {
		t.Errorf("trace lines = %q, want the researcher's run ending in error", lines)
	}
}

func TestRunDebugLogsIncludeSubAgents(t *testing.T) {
	_, logs, err := runApp(t, "-log-level=debug")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"coordinator", "Researcher", "Writer"} {
		if !logged(logs, "DEBUG", "model request", name) {
			t.Errorf("no debug record from %s:\n%s", name, logs)
		}
	}
}

// A session timeout too short for the team ends the whole run with
// context.DeadlineExceeded, and the traces are still listed.
func TestRunTimeout(t *testing.T) {
	out, _, err := runApp(t, "-timeout=1ns")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded\n%s", err, out)
	}
	if cli.ExitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", cli.ExitCode(err))
	}
	mustContain(t, out, "Stats (coordinator and sub-agents together):", "Trace files (one per run):")
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-log-level=loud"}, nil, `-log-level="loud": want debug, info, warn or error`},
		{[]string{"-log-level=info+2"}, nil, `-log-level="info+2"`},
		{[]string{"-timeout=0"}, nil, "-timeout=0s: want a positive duration"},
		{[]string{"-timeout=soon"}, nil, `invalid value "soon" for flag -timeout`},
		{[]string{"-prompt="}, nil, "-prompt is empty"},
		{[]string{"-nope"}, nil, "flag provided but not defined: -nope"},
		{[]string{"research"}, nil, `unexpected argument "research"`},
		{nil, map[string]string{"OPENAI_BASE_URL": "ftp://example.com"}, "OPENAI_BASE_URL"},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		var out bytes.Buffer
		err := runWith(testContext(t), tt.args, &out, system{getenv: getenv, stderr: &out})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("args %q: err = %v, want one containing %q", tt.args, err, tt.want)
			continue
		}
		if cli.ExitCode(err) != 2 {
			t.Errorf("args %q: exit code %d, want 2", tt.args, cli.ExitCode(err))
		}
		if out.Len() != 0 {
			t.Errorf("args %q: printed %q", tt.args, out.String())
		}
	}
}

func TestTraceDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "AIGENTIC_TRACE_DIR" {
			return dir
		}
		return ""
	}
	cfg, err := parseConfig(nil, getenv)
	if err != nil || cfg.traceDir != dir {
		t.Errorf("trace dir = %q, %v; want %q from AIGENTIC_TRACE_DIR", cfg.traceDir, err, dir)
	}
	if cfg, _ := parseConfig([]string{"-trace-dir", "x"}, getenv); cfg.traceDir != "x" {
		t.Errorf("-trace-dir does not win over AIGENTIC_TRACE_DIR: %q", cfg.traceDir)
	}
	if cfg, _ := parseConfig(nil, offlineEnv); cfg.traceDir != aigentic.DefaultTraceDir() {
		t.Errorf("default trace dir = %q", cfg.traceDir)
	}
}

func TestRunHelp(t *testing.T) {
	var out bytes.Buffer
	if err := runWith(testContext(t), []string{"-h"}, &out, system{getenv: offlineEnv}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, out.String(), "Usage: multi-agent [flags]", "-fail-researcher", "-log-level", "-trace-dir", "-timeout", "-prompt")
}

// TestSmoke builds the binary and runs it offline.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "multi-agent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	traceDir := t.TempDir()
	cmd := exec.Command(bin, "-trace-dir", traceDir)
	cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=", "OPENAI_MODEL=")
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("binary: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	assertInOrder(t, out,
		"Using the built-in offline model (OPENAI_API_KEY is not set).",
		"-> coordinator delegates to researcher:",
		"<- researcher answered:",
		"-> coordinator delegates to writer:",
		"<- writer answered:",
		"\nAnswer:\n",
		"LLM calls: ",
		"Trace files (one per run):",
	)
	checkStatsMatchTraces(t, out, "coordinator", "Researcher", "Writer")
	files, _ := filepath.Glob(filepath.Join(traceDir, "trace_*.txt"))
	if len(files) != 3 {
		t.Errorf("%d trace files in %s, want 3", len(files), traceDir)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	cmd = exec.Command(bin, "-log-level=loud")
	cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
	stderr.Reset()
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("-log-level=loud: err = %v, want exit status 2", err)
	}
	mustContain(t, stderr.String(), fmt.Sprintf("error: -log-level=%q: want debug, info, warn or error", "loud"))
}
