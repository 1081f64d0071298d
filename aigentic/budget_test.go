package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// toolLooper is a model that never answers: every response calls one of
// the tools offered (in turn), with usage 7 in / 3 out. Sub-agent tools
// get {"input": ...}, others {}.
func toolLooper(subAgents ...string) *funcModel {
	isSub := map[string]bool{}
	for _, s := range subAgents {
		isSub[s] = true
	}
	return &funcModel{Name: "looper", Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		turn := 0
		for _, m := range req.Messages {
			if m.Role == ai.RoleAssistant {
				turn++
			}
		}
		tool := req.Tools[turn%len(req.Tools)]
		args := `{}`
		if isSub[tool.Name] {
			args = `{"input":"dig deeper"}`
		}
		return &ai.Response{
			Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: fmt.Sprintf("call_%d", turn), Name: tool.Name, Arguments: args}}},
			Usage:   ai.Usage{InputTokens: 7, OutputTokens: 3},
		}, nil
	}}
}

// team is a coordinator with two sub-agents (each with a lookup tool and
// its own MaxLLMCalls of 3) on model, with budget on the coordinator.
func team(model ai.Model, lookup *countingTool, budget aigentic.Budget) aigentic.Agent {
	sub := func(name string) aigentic.Agent {
		return aigentic.Agent{Name: name, MaxLLMCalls: 3, AgentTools: []aigentic.AgentTool{lookup.Tool("lookup", nil)}}
	}
	return aigentic.Agent{
		Name: "coordinator", Model: model, Logger: discardLogger(), MaxLLMCalls: 6, Budget: budget,
		Agents: []aigentic.Agent{sub("researcher"), sub("writer")},
	}
}

func limitErr(t *testing.T, err error) *aigentic.LimitError {
	t.Helper()
	var le *aigentic.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v (%T), want a *LimitError", err, err)
	}
	return le
}

// MaxLLMCalls counts one agent's own calls: the tree makes far more. This
// is the gap a Budget closes.
func TestMaxLLMCallsDoesNotBoundTheTree(t *testing.T) {
	model := toolLooper("researcher", "writer")
	_, err := team(model, &countingTool{}, aigentic.Budget{}).Execute("write")
	le := limitErr(t, err)
	if le.Exceeded != aigentic.LimitMaxLLMCalls || le.Calls != 6 || model.Calls() <= 6 {
		t.Fatalf("coordinator calls %d, tree calls %d: %v", le.Calls, model.Calls(), err)
	}
}

// A tree-wide model-call budget of N stops coordinator and sub-agents
// together at exactly N model calls.
func TestBudgetModelCallsAcrossASubAgentTree(t *testing.T) {
	for _, n := range []int{1, 2, 4, 6, 9, 13} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			model := toolLooper("researcher", "writer")
			lookup := &countingTool{}
			run, err := team(model, lookup, aigentic.Budget{MaxLLMCalls: n}).Start("write")
			if err != nil {
				t.Fatal(err)
			}
			drain(t, run)
			_, err = run.Wait(0)
			le := limitErr(t, err)
			if !errors.Is(err, aigentic.ErrBudgetExceeded) || errors.Is(err, aigentic.ErrMaxLLMCalls) {
				t.Fatalf("err = %v: want ErrBudgetExceeded only", err)
			}
			if model.Calls() != n || run.Stats().LLMCalls != n {
				t.Fatalf("model calls %d, stats %d, want exactly %d", model.Calls(), run.Stats().LLMCalls, n)
			}
			if le.Exceeded != aigentic.LimitBudgetLLMCalls || le.BudgetOwner != "coordinator" || le.Max != float64(n) || le.Used != float64(n) {
				t.Fatalf("LimitError = %+v", le)
			}
			want := fmt.Sprintf("Budget.MaxLLMCalls of agent \"coordinator\": %d of %d model calls used by the run tree", n, n)
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q lacks %q", err, want)
			}
			// The transcript is the coordinator's, ending on its last turn.
			if len(le.Transcript) == 0 || le.Transcript[0].Content != "write" {
				t.Fatalf("transcript = %+v", le.Transcript)
			}
		})
	}
}

// With 9 calls: coordinator 1, researcher 3 (its own MaxLLMCalls), coordinator
// 2, writer 3, coordinator 3 — whose tool call stays pending: no call left.
func TestBudgetStopsTheTreeWhereTheWorkIs(t *testing.T) {
	model := toolLooper("researcher", "writer")
	lookup := &countingTool{}
	_, err := team(model, lookup, aigentic.Budget{MaxLLMCalls: 9}).Execute("write")
	le := limitErr(t, err)
	if le.Calls != 3 || le.ToolCalls != 2 || len(le.Pending) != 1 || le.Pending[0].Name != "researcher" {
		t.Fatalf("coordinator: %d calls, %d tools, pending %+v", le.Calls, le.ToolCalls, le.Pending)
	}
	if lookup.Count() != 4 { // 2 per sub-agent run: its 3rd response's call stays pending
		t.Fatalf("lookup ran %d times", lookup.Count())
	}
	if le.Usage != (ai.Usage{InputTokens: 63, OutputTokens: 27}) {
		t.Fatalf("Usage = %+v, want the 9 calls of the tree", le.Usage)
	}
}

// Token budgets: usage is known after a response, so a response that
// takes the tree past the limit ends the run at once; reaching it exactly
// refuses the next call.
func TestBudgetTokensAcrossASubAgentTree(t *testing.T) {
	// Calls: coordinator 1, researcher 2-4 (its own MaxLLMCalls is 3),
	// coordinator 5 (10 tokens each). Taken past the limit, the run ends
	// at once: the coordinator's delegation to the writer stays pending.
	// Reaching it exactly, the delegation runs and is refused its first
	// model call.
	for _, tc := range []struct {
		budget           aigentic.Budget
		limit            string
		calls            int
		max, used        float64
		unitInError      string
		toolCalls, pendg int
	}{
		{aigentic.Budget{MaxTotalTokens: 50}, aigentic.LimitBudgetTotalTokens, 5, 50, 50, "50 of 50 total tokens", 2, 0},
		{aigentic.Budget{MaxTotalTokens: 45}, aigentic.LimitBudgetTotalTokens, 5, 45, 50, "50 of 45 total tokens", 1, 1},
		{aigentic.Budget{MaxInputTokens: 30}, aigentic.LimitBudgetInputTokens, 5, 30, 35, "35 of 30 input tokens", 1, 1},
		{aigentic.Budget{MaxOutputTokens: 9, MaxTotalTokens: 1000}, aigentic.LimitBudgetOutputTokens, 3, 9, 9, "9 of 9 output tokens", 1, 0},
	} {
		t.Run(tc.limit+fmt.Sprint(tc.max), func(t *testing.T) {
			model := toolLooper("researcher", "writer")
			run, err := team(model, &countingTool{}, tc.budget).Start("write")
			if err != nil {
				t.Fatal(err)
			}
			drain(t, run)
			_, err = run.Wait(0)
			le := limitErr(t, err)
			if model.Calls() != tc.calls || le.Exceeded != tc.limit || le.Max != tc.max || le.Used != tc.used {
				t.Fatalf("model calls %d; LimitError %s max %v used %v", model.Calls(), le.Exceeded, le.Max, le.Used)
			}
			if le.ToolCalls != tc.toolCalls || len(le.Pending) != tc.pendg {
				t.Fatalf("coordinator: %d tool calls, %d pending; want %d, %d", le.ToolCalls, len(le.Pending), tc.toolCalls, tc.pendg)
			}
			if !strings.Contains(err.Error(), tc.unitInError) {
				t.Fatalf("error %q lacks %q", err, tc.unitInError)
			}
			if st := run.Stats(); st.InputTokens != 7*tc.calls || st.OutputTokens != 3*tc.calls {
				t.Fatalf("stats = %+v", st)
			}
		})
	}
}

// A cost budget prices every run of the tree (sub-agents inherit the
// coordinator's Pricing) and Stats.CostUSD adds them up.
func TestBudgetCostAcrossASubAgentTree(t *testing.T) {
	model := toolLooper("researcher", "writer")
	a := team(model, &countingTool{}, aigentic.Budget{MaxCostUSD: 0.05})
	a.Pricing = &aigentic.Pricing{InputPerMTok: 1000, OutputPerMTok: 2000} // 0.013 USD per call
	run, err := a.Start("write")
	if err != nil {
		t.Fatal(err)
	}
	drain(t, run)
	_, err = run.Wait(0)
	le := limitErr(t, err)
	const perCall = 0.013
	if model.Calls() != 4 || le.Exceeded != aigentic.LimitBudgetCostUSD || le.Max != 0.05 || math.Abs(le.Used-4*perCall) > 1e-9 {
		t.Fatalf("model calls %d; LimitError %s max %v used %v", model.Calls(), le.Exceeded, le.Max, le.Used)
	}
	if st := run.Stats(); math.Abs(st.CostUSD-4*perCall) > 1e-9 || math.Abs(le.CostUSD-4*perCall) > 1e-9 {
		t.Fatalf("Stats.CostUSD %v, LimitError.CostUSD %v, want %v", st.CostUSD, le.CostUSD, 4*perCall)
	}
	if !strings.Contains(err.Error(), "$0.052 of $0.05") {
		t.Fatalf("error %q", err)
	}
}

// A tool-call budget counts the tree's tool calls, delegations included,
// and leaves the refused call and the rest of its turn pending.
func TestBudgetToolCallsAcrossASubAgentTree(t *testing.T) {
	model := toolLooper("researcher", "writer")
	lookup := &countingTool{}
	_, err := team(model, lookup, aigentic.Budget{MaxToolCalls: 3}).Execute("write")
	le := limitErr(t, err)
	// coordinator → researcher (1); researcher: lookup (2), lookup (3),
	// then its 3rd response hits its own MaxLLMCalls; coordinator →
	// writer is refused: the 4th tool call.
	if le.Exceeded != aigentic.LimitBudgetToolCalls || le.Used != 3 || le.Max != 3 || lookup.Count() != 2 {
		t.Fatalf("LimitError %s used %v; lookup ran %d", le.Exceeded, le.Used, lookup.Count())
	}
	if len(le.Pending) != 1 || le.Pending[0].Name != "writer" {
		t.Fatalf("pending = %+v", le.Pending)
	}
}

// A sub-agent's own budget stops only its subtree: the coordinator gets
// the failure as a tool error result and goes on.
func TestSubAgentOwnBudgetStopsOnlyItsSubtree(t *testing.T) {
	lookup := &countingTool{}
	var coordinatorCalls int
	model := &funcModel{Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		last := req.Messages[len(req.Messages)-1]
		if req.Tools[0].Name == "researcher" {
			coordinatorCalls++
			if last.Role == ai.RoleTool {
				return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "done: " + last.Content}}, nil
			}
			return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c1", Name: "researcher", Arguments: `{"input":"x"}`}}}}, nil
		}
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "s", Name: "lookup", Arguments: `{}`}}}}, nil
	}}
	researcher := aigentic.Agent{Name: "researcher", Budget: aigentic.Budget{MaxLLMCalls: 2}, AgentTools: []aigentic.AgentTool{lookup.Tool("lookup", nil)}}
	got, err := aigentic.Agent{Name: "coordinator", Model: model, Logger: discardLogger(), Budget: aigentic.Budget{MaxLLMCalls: 10},
		Agents: []aigentic.Agent{researcher}}.Execute("go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `Budget.MaxLLMCalls of agent "researcher": 2 of 2 model calls`) || coordinatorCalls != 2 || model.Calls() != 4 {
		t.Fatalf("answer %q; coordinator calls %d, all %d", got, coordinatorCalls, model.Calls())
	}
}

// Bad budgets fail at Start, anywhere in the tree, before any model call.
func TestInvalidBudgetsFailAtStart(t *testing.T) {
	for _, tc := range []struct {
		name  string
		agent func(a *aigentic.Agent)
		want  string
	}{
		{"negative calls", func(a *aigentic.Agent) { a.Budget.MaxLLMCalls = -1 }, "Budget.MaxLLMCalls is -1"},
		{"negative tools", func(a *aigentic.Agent) { a.Budget.MaxToolCalls = -2 }, "Budget.MaxToolCalls is -2"},
		{"negative tokens", func(a *aigentic.Agent) { a.Budget.MaxOutputTokens = -3 }, "Budget.MaxOutputTokens is -3"},
		{"NaN cost", func(a *aigentic.Agent) { a.Budget.MaxCostUSD = math.NaN() }, "Budget.MaxCostUSD is NaN"},
		{"negative cost", func(a *aigentic.Agent) { a.Budget.MaxCostUSD = -1 }, "Budget.MaxCostUSD is -1"},
		{"cost without pricing", func(a *aigentic.Agent) { a.Budget.MaxCostUSD = 1 }, "no Pricing"},
		{"negative price", func(a *aigentic.Agent) {
			a.Budget.MaxCostUSD = 1
			a.Pricing = &aigentic.Pricing{InputPerMTok: -1}
		}, "prices must be finite"},
		{"input over total", func(a *aigentic.Agent) { a.Budget = aigentic.Budget{MaxInputTokens: 5000, MaxTotalTokens: 1000} },
			"MaxInputTokens (5000) is larger than Budget.MaxTotalTokens (1000)"},
		{"output over total", func(a *aigentic.Agent) { a.Budget = aigentic.Budget{MaxOutputTokens: 5000, MaxTotalTokens: 1000} },
			"MaxOutputTokens (5000) is larger"},
		{"sub-agent", func(a *aigentic.Agent) { a.Agents[0].Budget.MaxCostUSD = 2 }, `agent "researcher": aigentic: invalid agent: Budget.MaxCostUSD is set but the agent has no Pricing`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			model := toolLooper("researcher", "writer")
			a := team(model, &countingTool{}, aigentic.Budget{})
			a.Agents = append([]aigentic.Agent(nil), a.Agents...)
			tc.agent(&a)
			_, err := a.Start("go")
			if !errors.Is(err, aigentic.ErrInvalidAgent) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Start: %v, want ErrInvalidAgent with %q", err, tc.want)
			}
			if _, err := a.Execute("go"); !errors.Is(err, aigentic.ErrInvalidAgent) || model.Calls() != 0 {
				t.Fatalf("Execute: %v, model calls %d", err, model.Calls())
			}
		})
	}
	// A part equal to the whole is reachable, so not contradictory.
	for _, b := range []aigentic.Budget{{MaxInputTokens: 1000, MaxTotalTokens: 1000}, {MaxOutputTokens: 1000, MaxTotalTokens: 1000}} {
		a := team(toolLooper("researcher", "writer"), &countingTool{}, b)
		run, err := a.Start("go")
		if err != nil {
			t.Fatalf("Budget %+v refused at Start: %v", b, err)
		}
		run.Cancel()
		_, _ = run.Wait(0)
	}
	// A sub-agent inheriting its parent's Pricing may have a cost budget.
	a := team(toolLooper("researcher", "writer"), &countingTool{}, aigentic.Budget{MaxLLMCalls: 1})
	a.Pricing = &aigentic.Pricing{InputPerMTok: 1}
	a.Agents = append([]aigentic.Agent(nil), a.Agents...)
	a.Agents[0].Budget.MaxCostUSD = 2
	if _, err := a.Execute("go"); !errors.Is(err, aigentic.ErrBudgetExceeded) {
		t.Fatalf("inherited pricing: %v", err)
	}
}

// One Agent value run many times at once: every run has a budget of its
// own, and each stops at exactly its limit.
func TestBudgetConcurrentRunsAreIndependent(t *testing.T) {
	model := toolLooper("researcher", "writer")
	a := team(model, &countingTool{}, aigentic.Budget{MaxLLMCalls: 5, MaxTotalTokens: 1000})
	const runs = 16
	var wg sync.WaitGroup
	errs := make([]error, runs)
	stats := make([]aigentic.Stats, runs)
	for i := 0; i < runs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, err := a.Start("write")
			if err != nil {
				errs[i] = err
				return
			}
			for range run.Next() {
			}
			_, errs[i] = run.Wait(0)
			stats[i] = run.Stats()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		le := limitErr(t, err)
		if le.Exceeded != aigentic.LimitBudgetLLMCalls || le.Used != 5 || stats[i].LLMCalls != 5 {
			t.Fatalf("run %d: %v, stats %+v", i, err, stats[i])
		}
	}
	if model.Calls() != runs*5 {
		t.Fatalf("model calls %d, want %d", model.Calls(), runs*5)
	}
}

// A budget a sub-agent exhausts stops its parent before the parent's next
// tool call: a side effect asked for in the same turn does not happen.
func TestBudgetExhaustedBySubAgentStopsParentBeforeNextTool(t *testing.T) {
	notify := &countingTool{}
	lookup := &countingTool{}
	model := &funcModel{Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
		if len(req.Tools) == 2 { // the coordinator: notify and researcher
			return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{
				{ID: "c1", Name: "researcher", Arguments: `{"input":"x"}`}, {ID: "c2", Name: "notify", Arguments: `{}`}}}}, nil
		}
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "s", Name: "lookup", Arguments: `{}`}}}}, nil
	}}
	researcher := aigentic.Agent{Name: "researcher", AgentTools: []aigentic.AgentTool{lookup.Tool("lookup", nil)}}
	_, err := aigentic.Agent{Name: "coordinator", Model: model, Logger: discardLogger(), Budget: aigentic.Budget{MaxLLMCalls: 3},
		Agents: []aigentic.Agent{researcher}, AgentTools: []aigentic.AgentTool{notify.Tool("notify", nil)}}.Execute("go")
	le := limitErr(t, err)
	if notify.Count() != 0 || lookup.Count() != 1 || model.Calls() != 3 {
		t.Fatalf("notify ran %d, lookup %d, model calls %d", notify.Count(), lookup.Count(), model.Calls())
	}
	if le.Exceeded != aigentic.LimitBudgetLLMCalls || len(le.Pending) != 1 || le.Pending[0].Name != "notify" {
		t.Fatalf("LimitError %s, pending %+v", le.Exceeded, le.Pending)
	}
}
