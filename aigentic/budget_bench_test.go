package aigentic_test

import "testing"

// BenchmarkAgentRunWithBudget is BenchmarkAgentRun with every Budget limit
// set (none reached): the cost of the budget hooks per run.
func BenchmarkAgentRunWithBudget(b *testing.B) {
	agent := benchAgent(newLoopModel(0))
	agent.Budget.MaxLLMCalls, agent.Budget.MaxToolCalls = 1000, 1000
	agent.Budget.MaxInputTokens, agent.Budget.MaxOutputTokens, agent.Budget.MaxTotalTokens = 1e9, 1e9, 1e9
	b.ReportAllocs()
	for b.Loop() {
		out, err := agent.Execute("run the steps")
		if err != nil || out != "done" {
			b.Fatal(out, err)
		}
	}
}
