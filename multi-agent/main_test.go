package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// offlineEnv is an environment without any OpenAI setting: the offline model.
var offlineEnv = testutil.Offline

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// printerTo is a plain printer on w.
func printerTo(w io.Writer) *cli.Printer { return cli.NewPrinter(w, offlineEnv) }

// runApp runs the program, tracing into a temporary directory; env
// defaults to offline.
func runApp(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var o testutil.SyncBuffer
	args = append([]string{"-trace-dir", t.TempDir()}, args...)
	err := runWith(testContext(t), args, &o, system{getenv: func(k string) string { return env[k] }})
	return o.String(), err
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
	llmCallsRe  = regexp.MustCompile(`together: (\d+) LLM calls?`)
	traceLineRe = regexp.MustCompile(`(?m)^  (coordinator|Researcher|Writer) +(\d+) LLM calls?, (\d+) tool calls?, (success|error): (\S+trace_\S+\.txt)$`)
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
		if _, err := os.Stat(l[5]); err != nil {
			t.Errorf("trace file: %v", err)
		}
		n, _ := strconv.Atoi(l[2])
		sum += n
	}
	if sum != total || total < len(agents) {
		t.Errorf("stats say %d LLM calls, trace files %d", total, sum)
	}
}

// The offline run delegates to the researcher, then the writer with the
// researcher's findings, prints the answer, the stats and the traces: a
// summary of at most ten lines.
func TestRunOffline(t *testing.T) {
	out, err := runApp(t, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	assertInOrder(t, out,
		"Model: the built-in offline model",
		"Request: "+defaultQuestion,
		"→ coordinator delegates to researcher:",
		"    → search_notes ",
		"    ← search_notes: ",
		"← researcher answered (",
		"→ coordinator delegates to writer:",
		"← writer answered (",
		"\nAnswer (at most 8 lines",
		"2 delegations (0 failed)",
		"Trace files, one per run:",
	)
	checkStatsMatchTraces(t, out, "coordinator", "Researcher", "Writer")
	_, answer, _ := strings.Cut(out, "\nAnswer (")
	answer, _, _ = strings.Cut(answer, "\n\n")
	if n := strings.Count(answer, "\n"); n > 10 {
		t.Errorf("the answer takes %d lines, want at most 10:\n%s", n, answer)
	}
	if strings.Contains(out, "log: level=") {
		t.Errorf("log records shown without being asked for:\n%s", out)
	}
}

// -fail-researcher injects HTTP 503s (aitest.Faulty) in front of the
// researcher's model: its retry is exhausted, the coordinator gets an error
// result, and still answers.
func TestRunFailResearcher(t *testing.T) {
	out, err := runApp(t, map[string]string{"ENV": "prod"}, "-fail-researcher")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	assertInOrder(t, out,
		"The researcher's model will fail with HTTP 503 (-fail-researcher).",
		"→ coordinator delegates to researcher:",
		"✗ researcher failed; the coordinator gets the error as a tool result:",
		`sub-agent "Researcher" failed: aigentic: model call 1 failed after 2 attempts`,
		"\nAnswer (",
		"1 delegation (1 failed), 1 retry.",
	)
	if !strings.Contains(out, `log: level=WARN msg="retrying after transient failure"`) || !strings.Contains(out, "agent=Researcher") {
		t.Errorf("output lacks the researcher's retry warning:\n%s", out)
	}
	lines := traceLineRe.FindAllStringSubmatch(out, -1)
	if len(lines) < 2 || lines[1][1] != "Researcher" || lines[1][4] != "error" {
		t.Errorf("trace lines = %q, want the researcher's run ending in error", lines)
	}
}

func TestRunDebugLogsIncludeSubAgents(t *testing.T) {
	out, err := runApp(t, nil, "-v")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"coordinator", "Researcher", "Writer"} {
		if !logged(out, "DEBUG", "model request", name) {
			t.Errorf("no debug record from %s:\n%s", name, out)
		}
	}
}

// A session timeout too short for the team ends the whole run with
// context.DeadlineExceeded, and the traces are still listed.
// The server answers the start-up check (model.Ping) at once and takes a
// minute over each chat completion, so the timeout ends the team's run.
func TestRunTimeout(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewNaive(aitest.NaiveOptions{}), openaitest.WithLatency(time.Minute))
	out, err := runApp(t, map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "slow"}, "-timeout=3s") // ample for the check on a loaded machine
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded from the session timeout (cli.WithSessionTimeout)\n%s", err, out)
	}
	if cli.ExitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", cli.ExitCode(err))
	}
	mustContain(t, out, "Stats of the coordinator and its sub-agents together:", "Trace files, one per run:")
}

func TestRunHelp(t *testing.T) {
	var out bytes.Buffer
	if err := runWith(testContext(t), []string{"-h"}, &out, system{getenv: offlineEnv}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, out.String(), "usage: go run ./multi-agent [flags]", "-fail-researcher", "-trace-dir", "-timeout", "-q text")
}

// TestNaiveModelOverHTTP: a model that calls the first tool it is offered
// and answers "Done." — the coordinator delegates to the researcher once,
// the researcher searches the notes, and the summary stays short.
func TestNaiveModelOverHTTP(t *testing.T) {
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	out, err := runApp(t, env)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	assertInOrder(t, out, `→ coordinator delegates to researcher: x`, `    → search_notes {"query":"x"}`, "← researcher answered (5 characters): Done.",
		"Answer (", "  Done.", "1 delegation (0 failed)")
	checkStatsMatchTraces(t, out, "coordinator", "Researcher")
}

// -runaway makes every agent's model call a tool on every answer: the
// team's budget (TeamBudget, 8 model calls, shared by the sub-agents)
// stops the whole tree at exactly 8, where the agents' own limits would
// allow 26 (computed: TestUnbudgeted) — offline and on the naive model
// over HTTP.
func TestRunawayTeamStopsAtItsBudget(t *testing.T) {
	_, naive := testutil.NaiveServer(t, aitest.NaiveOptions{})
	for name, env := range map[string]map[string]string{"offline": nil, "naive over HTTP": naive} {
		t.Run(name, func(t *testing.T) {
			out, err := runApp(t, env, "-runaway")
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out)
			}
			assertInOrder(t, out,
				"Every agent's model will call a tool on every answer (-runaway).",
				"→ coordinator delegates to researcher:",
				`✓ The team's budget stopped the whole run tree: 8 of 8 model calls (Budget.MaxLLMCalls of agent "coordinator", shared by its sub-agents).`,
				"Without it, the agents' own MaxLLMCalls (coordinator 6, Researcher 4, Writer 2) would have allowed up to 26 model calls (52 requests with retries) at one delegation per coordinator call",
				"– The coordinator never delegated to the writer before the run stopped: the hand-off is not shown.",
				"✓ The team's budget held: it stopped the run tree at 8 of 8 model calls.",
				"Stats of the coordinator and its sub-agents together: 8 LLM calls,",
			)
		})
	}
}
