package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// verdictOf is the verdict block of the program's output.
func verdictOf(t *testing.T, out string) string {
	t.Helper()
	_, v, ok := strings.Cut(out, "Verdict (from what the coordinator did):\n")
	if !ok {
		t.Fatalf("no verdict\n%s", out)
	}
	v, _, _ = strings.Cut(v, "\n\n")
	return v
}

// The offline model follows the pattern: every line of the verdict holds.
func TestVerdictOffline(t *testing.T) {
	out, err := runApp(t, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	got := verdictOf(t, out)
	want := `✓ The coordinator delegated to the researcher, which answered (1087 characters).
✓ The coordinator delegated to the writer after the researcher answered; the writer answered (685 characters).
✓ The writer's task carried the researcher's answer whole.
✓ The answer is the writer's text.
✓ The team stayed within its budget: 6 of 8 model calls.`
	if got != want {
		t.Errorf("verdict:\n%s\nwant:\n%s", got, want)
	}
}

// The naive model answers "Done." after one delegation: the researcher is
// asked, the writer never is, and the verdict says the hand-off is not
// shown rather than claiming it.
func TestVerdictNaiveModel(t *testing.T) {
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	out, err := runApp(t, env)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	got := verdictOf(t, out)
	want := `✓ The coordinator delegated to the researcher, which answered (5 characters).
– The coordinator never delegated to the writer: the hand-off from the researcher to the writer is not shown (the model answered on its own).
✓ The team stayed within its budget: 4 of 8 model calls.`
	if got != want {
		t.Errorf("verdict:\n%s\nwant:\n%s", got, want)
	}
}

// -fail-researcher: the researcher's failure is said, and the writer's
// part is not shown.
func TestVerdictFailResearcher(t *testing.T) {
	out, err := runApp(t, nil, "-fail-researcher")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	got := verdictOf(t, out)
	for _, w := range []string{
		"– The coordinator delegated to the researcher, which failed: its findings are not shown",
		"– The coordinator never delegated to the writer",
		"✓ The team stayed within its budget: 3 of 8 model calls.",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("verdict lacks %q:\n%s", w, got)
		}
	}
}

// Each line of the verdict follows from what happened, not from the run
// having ended well: the writer asked before the researcher answered, a
// writer's task without the findings, an answer that is not the writer's,
// a budget overrun, a run stopped by its budget.
func TestVerdictLines(t *testing.T) {
	notes := []note{{Title: "Cancellation"}, {Title: "Limits"}}
	coord := aigentic.Agent{Budget: TeamBudget}
	call := func(id, tool, input string) *aigentic.ToolEvent {
		return &aigentic.ToolEvent{ToolCallID: id, ToolName: tool, Arguments: fmt.Sprintf(`{"input":%q}`, input)}
	}
	result := func(id, tool, text string, isErr bool) *aigentic.ToolResponseEvent {
		return &aigentic.ToolResponseEvent{ToolCallID: id, ToolName: tool, Result: ai.Text(text), Error: isErr}
	}
	budgetErr := fmt.Errorf("run: %w", &aigentic.LimitError{Exceeded: "Budget.MaxLLMCalls", Max: 8, Used: 8, BudgetOwner: "coordinator"})
	for _, c := range []struct {
		name   string
		events []aigentic.Event
		answer string
		calls  int
		err    error
		want   []string
	}{
		{"writer first", []aigentic.Event{call("1", "writer", "go"), result("1", "writer", "text", false), call("2", "researcher", "find"), result("2", "researcher", "Cancellation: x", false)},
			"text", 4, nil, []string{"– The writer answered (4 characters), but was asked before any researcher's findings came back", "✓ The answer is the writer's text."}},
		{"findings dropped", []aigentic.Event{call("1", "researcher", "find"), result("1", "researcher", "Cancellation and Limits say x", false), call("2", "writer", "write it"), result("2", "writer", "text", false)},
			"my own words", 4, nil, []string{"– The writer's task named 0 of the 2 notes the researcher cited", "– The answer is the coordinator's own text, not the writer's"}},
		{"findings named", []aigentic.Event{call("1", "researcher", "find"), result("1", "researcher", "Cancellation and Limits say x", false), call("2", "writer", "limits, cancellation: x y"), result("2", "writer", "text", false)},
			"text", 4, nil, []string{"✓ The writer's task named all 2 notes the researcher cited."}},
		{"writer failed", []aigentic.Event{call("1", "researcher", "find"), result("1", "researcher", "x", false), call("2", "writer", "x"), result("2", "writer", "boom", true)},
			"", 4, nil, []string{"– The coordinator delegated to the writer, which failed"}},
		{"over budget", nil, "", 9, nil, []string{"– The coordinator never delegated to the researcher", "✗ The team made 9 model calls, over its budget of 8."}},
		{"stopped by the budget", []aigentic.Event{call("1", "researcher", "x")}, "", 8, budgetErr,
			[]string{"– The coordinator never delegated to the writer before the run stopped", "✓ The team's budget held: it stopped the run tree at 8 of 8 model calls."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var l teamLog
			for _, ev := range c.events {
				l.note(ev)
			}
			if c.err != nil && !errors.Is(c.err, aigentic.ErrBudgetExceeded) {
				t.Fatalf("the test's error is not a budget's: %v", c.err)
			}
			var out bytes.Buffer
			printVerdict(printerTo(&out), coord, notes, &l, c.answer, aigentic.Stats{LLMCalls: c.calls}, c.err)
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("verdict lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// The bound the budget replaces is computed from the agents' settings.
func TestUnbudgeted(t *testing.T) {
	team := newTeam(teamConfig{})
	if calls, requests := unbudgeted(team); calls != 26 || requests != 52 {
		t.Errorf("the team: %d calls, %d requests; want 26 (6 + 5×4) and 52 (6×2 + 5×(4×2))", calls, requests)
	}
	if got := ownLimits(team); got != "coordinator 6, Researcher 4, Writer 2" {
		t.Errorf("ownLimits = %q", got)
	}
	deep := aigentic.Agent{Name: "a", MaxLLMCalls: 3, Agents: []aigentic.Agent{
		{Name: "b", MaxLLMCalls: 2, Retries: 2, Agents: []aigentic.Agent{{Name: "c"}}}, // c: the default limit
	}}
	c := aigentic.DefaultMaxLLMCalls
	wantCalls := 3 + 2*(2+1*c)
	wantRequests := 3 + 2*(2*3+1*c)
	if calls, requests := unbudgeted(deep); calls != wantCalls || requests != wantRequests {
		t.Errorf("a tree of three: %d calls, %d requests; want %d, %d", calls, requests, wantCalls, wantRequests)
	}
}
