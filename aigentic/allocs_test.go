package aigentic_test

import "testing"

// runAllocs is what one run of the benchmark's agent (BenchmarkAgentRun: 6
// model calls, 5 tool calls, its one Info record) allocates, counted by
// testing.AllocsPerRun; the race detector's build allocates raceAllocs
// more. The cap is 70; this is today's count, so that a change
// that costs an allocation per run says so here.
const runAllocs = 55

// TestRunAllocationBudget holds a run to its allocations: the reused step
// values, the shared zero retry policy and disabled event queue, the ids
// made together, the one-tool buffer — each of them, removed, costs one or
// more.
func TestRunAllocationBudget(t *testing.T) {
	agent := benchAgent(newLoopModel(0))
	n := testing.AllocsPerRun(100, func() {
		if out, err := agent.Execute("run the steps"); err != nil || out != "done" {
			t.Fatal(out, err)
		}
	})
	if limit := float64(runAllocs + raceAllocs); n > limit {
		t.Errorf("a run allocates %.0f times, more than its budget of %.0f", n, limit)
	}
}
