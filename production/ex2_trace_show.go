package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoTrace shows demo 2 (ex2_trace.go) and checks the trace file against
// the run's own stats.
//
// Forced: every run writes its trace, whatever the model does; the
// summary read back must match the run's stats.
func demoTrace(ctx context.Context, e *demoEnv) error {
	p := e.p
	r, err := runTraced(ctx, e.agent("support-agent", lookupOrderTool()), "Where is my order 1042? It hasn't arrived yet.", e.cfg.TraceDir)
	e.flush()
	if r.Err != nil {
		return fmt.Errorf("the traced run failed: %w", r.Err)
	}
	if err != nil {
		return err
	}
	p.Say("Answer:")
	p.Answer(r.Answer)
	p.Say("Trace file: %s", r.TraceFile)
	sum, st := r.Summary, r.Stats
	p.Say("Read back with aigentic.ReadTraceSummary: run %s, outcome %s, %d LLM calls (%d attempts), %d tool calls, %s.",
		sum.Run, sum.Outcome, sum.LLMCalls, sum.Attempts, sum.ToolCalls, sum.Duration)
	if err := checkTrace(r); err != nil {
		return err
	}
	steps, err := traceSteps(r.TraceFile)
	if err != nil {
		return err
	}
	p.Say("Each step and its duration, as recorded in the file:")
	for _, s := range steps {
		p.Say("  %s", cli.Clip(s, 110))
	}
	p.Good("The trace file's run ID, outcome, LLM calls and tool calls match the run's ID and Stats.")
	if st.ToolCalls == 0 {
		p.Say("(The model called no tool, so the trace holds model calls only.)")
	}
	return nil
}

// checkTrace is demo 2's verdict: nil when the summary read back from the
// trace file names the run and its outcome and counts its model and tool
// calls as the run's Stats do.
func checkTrace(r tracedRun) error {
	sum, st := r.Summary, r.Stats
	if sum.Run != r.RunID || sum.Outcome != "success" || sum.LLMCalls != st.LLMCalls || sum.ToolCalls != st.ToolCalls {
		return fmt.Errorf("the trace does not match the run: trace %+v, run %s stats %+v", sum, r.RunID, st)
	}
	return nil
}

// traceSteps returns the lines of a trace file that time each step.
func traceSteps(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read trace: %w", err)
	}
	var steps []string
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "response of LLM call"), strings.HasPrefix(l, "--- tool call"),
			strings.HasPrefix(l, "result ("), strings.HasPrefix(l, "LLM call "):
			steps = append(steps, strings.TrimSuffix(l, ":"))
		}
	}
	return steps, nil
}
