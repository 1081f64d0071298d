package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoTrace is demo 2: a run recorded in a trace file, and the file read
// back and checked against the run's own stats.
//
// Forced: every run writes its trace, whatever the model does; the
// summary read back must match the run's stats.
func demoTrace(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	trace := aigentic.NewTrace()
	trace.Directory = e.cfg.TraceDir
	agent := e.agent("support-agent", session, lookupOrderTool())
	agent.Trace = trace
	run, err := agent.Start("Where is my order 1042? It hasn't arrived yet.")
	if err != nil {
		return err
	}
	answer, err := e.follow(run)
	if err != nil {
		return fmt.Errorf("the traced run failed: %w", err)
	}
	p.Say("Answer:")
	p.Answer(answer)
	path := run.TraceFilepath()
	if path == "" {
		return errors.New("the run wrote no trace file")
	}
	p.Say("Trace file: %s", path)

	sum, err := aigentic.ReadTraceSummary(path)
	if err != nil {
		return err
	}
	st := run.Stats()
	p.Say("Read back with aigentic.ReadTraceSummary: run %s, outcome %s, %d LLM calls (%d attempts), %d tool calls, %s.",
		sum.Run, sum.Outcome, sum.LLMCalls, sum.Attempts, sum.ToolCalls, sum.Duration)
	if sum.Run != run.ID() || sum.Outcome != "success" || sum.LLMCalls != st.LLMCalls || sum.ToolCalls != st.ToolCalls {
		return fmt.Errorf("the trace does not match the run: trace %+v, run %s stats %+v", sum, run.ID(), st)
	}
	steps, err := traceSteps(path)
	if err != nil {
		return err
	}
	p.Say("Each step and its duration, as recorded in the file:")
	for _, s := range steps {
		p.Say("  %s", cli.Clip(s, 110))
	}
	p.Good("The trace file's run ID, outcome, LLM calls and tool calls match run.ID() and run.Stats().")
	if st.ToolCalls == 0 {
		p.Say("(The model called no tool, so the trace holds model calls only.)")
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
