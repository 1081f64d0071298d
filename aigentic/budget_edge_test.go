package aigentic_test

// Budgets at their edges: spent exactly, spent before the tools, a
// parent's spent under a sub-agent's, and counts too big to add.

import (
	"math"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A response that asks for tools when the budget has no model call left
// ends the run there: the tools do not run (their results could never be
// read), and the calls are reported as pending.
func TestBudgetSpentStopsBeforeTheTools(t *testing.T) {
	lookup := &countingTool{}
	agent := aigentic.Agent{Model: aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{}`)), aitest.Reply("never")),
		Logger: discardLogger(), Budget: aigentic.Budget{MaxLLMCalls: 1}, AgentTools: []aigentic.AgentTool{lookup.Tool("lookup", nil)}}
	_, err := agent.Execute("look it up")
	le := limitErr(t, err)
	if le.Exceeded != aigentic.LimitBudgetLLMCalls || len(le.Pending) != 1 || le.Pending[0].Name != "lookup" {
		t.Fatalf("LimitError = %+v, want the budget's model calls with the lookup call pending", le)
	}
	if lookup.Count() != 0 {
		t.Fatalf("lookup ran %d times after the last model call the budget allowed", lookup.Count())
	}
}

// An answer on the budget's last model call is the run's answer: a budget
// spent exactly is not exceeded.
func TestBudgetSpentExactlyByTheAnswer(t *testing.T) {
	agent := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("done")), Logger: discardLogger(), Budget: aigentic.Budget{MaxLLMCalls: 1}}
	out, err := agent.Execute("answer")
	if err != nil || out != "done" {
		t.Fatalf("Execute = %q, %v; want the answer of the one call allowed", out, err)
	}
}

// A sub-agent with a budget of its own still draws on its parent's: when
// its response takes the parent's last model call, its tools do not run,
// though its own budget has calls to spare.
func TestParentBudgetSpentStopsASubAgentsTools(t *testing.T) {
	lookup := &countingTool{}
	model := toolLooper("researcher")
	researcher := aigentic.Agent{Name: "researcher", Budget: aigentic.Budget{MaxLLMCalls: 5}, AgentTools: []aigentic.AgentTool{lookup.Tool("lookup", nil)}}
	_, err := aigentic.Agent{Name: "coordinator", Model: model, Logger: discardLogger(), Budget: aigentic.Budget{MaxLLMCalls: 2},
		Agents: []aigentic.Agent{researcher}}.Execute("go")
	le := limitErr(t, err)
	if le.Exceeded != aigentic.LimitBudgetLLMCalls || le.BudgetOwner != "coordinator" || model.Calls() != 2 {
		t.Fatalf("LimitError %+v after %d model calls; want the coordinator's budget spent by call 2", le, model.Calls())
	}
	if lookup.Count() != 0 {
		t.Fatalf("the researcher's lookup ran %d times on a response the coordinator's budget could never read", lookup.Count())
	}
}

// A server's token counts are bounded before they are added up: one that
// reports math.MaxInt64 input tokens (and 1 output) cannot wrap the sum
// negative and slip past a token budget, nor leave negative stats.
func TestHugeUsageCannotWrapABudget(t *testing.T) {
	huge := func(s aitest.Step) aitest.Step {
		s.Response.Usage = ai.Usage{InputTokens: math.MaxInt64, OutputTokens: 1}
		return s
	}
	tool := aigentic.AgentTool{Name: "t", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return ai.Text("ok"), nil }}
	model := aitest.NewScripted(huge(aitest.CallTools(aitest.Call("t", `{}`))), huge(aitest.CallTools(aitest.Call("t", `{}`))), huge(aitest.Reply("done")))
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool},
		Budget: aigentic.Budget{MaxTotalTokens: 1000}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	drain(t, run)
	_, err = run.Wait(0)
	if le := limitErr(t, err); le.Exceeded != aigentic.LimitBudgetTotalTokens || model.Calls() != 1 {
		t.Fatalf("%d model calls, limit %q; want the total-token budget to stop the run after the first", model.Calls(), le.Exceeded)
	}
	if st := run.Stats(); st.InputTokens != ai.MaxUsageTokens || st.OutputTokens != 1 {
		t.Fatalf("stats %+v: want the input tokens bounded at ai.MaxUsageTokens", st)
	}
}
