package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoMaxLLMCalls shows demo 3 (ex3_limits.go) and checks where the run
// stopped.
//
// Forced: aitest.Faulty.EndlessToolCalls turns every answer of any model
// into another call of check_export_status, which always says "still
// processing", so the loop happens whatever the model was asked.
func demoMaxLLMCalls(ctx context.Context, e *demoEnv) error {
	p := e.p
	const limit = 3
	faulty := aitest.Inject(e.model).EndlessToolCalls("check_export_status", `{"export_id":7}`)
	agent := e.agent("export-agent", checkExportStatusTool())
	agent.Model = faulty
	p.Say("check_export_status always answers \"still processing, check again\"; MaxLLMCalls: %d.", limit)
	r := runBounded(ctx, agent, "Check whether data export 7 has finished and let me know when it is ready.", limit)
	e.flush()
	le := r.Limit
	if le == nil || !errors.Is(r.Err, aigentic.ErrMaxLLMCalls) {
		return checkLimit(r, limit, faulty.Calls()) // no limit stop: no partial work to print
	}
	p.Say("Run stopped: %s", cli.Redacted(r.Err))
	p.Say("Partial work kept in the *aigentic.LimitError: %d tool calls executed, %d messages in the transcript, tokens in=%d out=%d.",
		le.ToolCalls, len(le.Transcript), le.Usage.InputTokens, le.Usage.OutputTokens)
	for _, pc := range le.Pending {
		p.Say("Not executed (no model call left to read it): %s %s", pc.Name, pc.Arguments)
	}
	p.Say("Last tool result: %q", cli.Clip(r.LastResult, 100))
	if err := checkLimit(r, limit, faulty.Calls()); err != nil {
		return err
	}
	p.Good("Stopped at exactly %d of %d model calls (the model got %d requests); errors.Is(err, aigentic.ErrMaxLLMCalls) holds.", le.Calls, le.Limit, faulty.Calls())
	return nil
}

// checkLimit is demo 3's verdict: nil when the run was stopped by a
// *aigentic.LimitError matching ErrMaxLLMCalls at exactly limit model
// calls (the model got requests of them: one per call, no retries), with
// limit-1 tool calls executed and the last one pending.
func checkLimit(r boundedRun, limit, requests int) error {
	le := r.Limit
	if le == nil || !errors.Is(r.Err, aigentic.ErrMaxLLMCalls) {
		return fmt.Errorf("want a *aigentic.LimitError matching ErrMaxLLMCalls, got: %v", r.Err)
	}
	if le.Calls != limit || le.Limit != limit || requests != limit || r.Stats.LLMCalls != limit {
		return fmt.Errorf("the limit should stop the run at exactly %d calls: LimitError %d/%d, model got %d", limit, le.Calls, le.Limit, requests)
	}
	if le.ToolCalls != limit-1 || len(le.Pending) != 1 {
		return fmt.Errorf("want %d tool calls executed and 1 pending, got %d and %d", limit-1, le.ToolCalls, len(le.Pending))
	}
	return nil
}
