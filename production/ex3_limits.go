package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoMaxLLMCalls is demo 3: a runaway loop stopped by MaxLLMCalls.
//
// Forced: aitest.Faulty.EndlessToolCalls turns every answer of any model
// into another call of check_export_status, which always says "still
// processing", so the loop happens whatever the model was asked.
func demoMaxLLMCalls(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	const limit = 3
	faulty := aitest.Inject(e.model).EndlessToolCalls("check_export_status", `{"export_id":7}`)
	agent := e.agent("export-agent", session, checkExportStatusTool())
	agent.Model = faulty
	agent.MaxLLMCalls = limit
	p.Say("check_export_status always answers \"still processing, check again\"; MaxLLMCalls: %d.", limit)
	run, err := agent.Start("Check whether data export 7 has finished and let me know when it is ready.")
	if err != nil {
		return err
	}
	_, err = e.follow(run)
	var le *aigentic.LimitError
	if !errors.As(err, &le) || !errors.Is(err, aigentic.ErrMaxLLMCalls) {
		return fmt.Errorf("want a *aigentic.LimitError matching ErrMaxLLMCalls, got: %v", err)
	}
	p.Say("Run stopped: %s", cli.Redacted(err))
	p.Say("Partial work kept in the *aigentic.LimitError: %d tool calls executed, %d messages in the transcript, tokens in=%d out=%d.",
		le.ToolCalls, len(le.Transcript), le.Usage.InputTokens, le.Usage.OutputTokens)
	for _, pc := range le.Pending {
		p.Say("Not executed (no model call left to read it): %s %s", pc.Name, pc.Arguments)
	}
	for i := len(le.Transcript) - 1; i >= 0; i-- {
		if m := le.Transcript[i]; m.Role == ai.RoleTool {
			p.Say("Last tool result: %q", cli.Clip(m.Content, 100))
			break
		}
	}
	if le.Calls != limit || le.Limit != limit || faulty.Calls() != limit || run.Stats().LLMCalls != limit {
		return fmt.Errorf("the limit should stop the run at exactly %d calls: LimitError %d/%d, model got %d", limit, le.Calls, le.Limit, faulty.Calls())
	}
	if le.ToolCalls != limit-1 || len(le.Pending) != 1 {
		return fmt.Errorf("want %d tool calls executed and 1 pending, got %d and %d", limit-1, le.ToolCalls, len(le.Pending))
	}
	p.Good("Stopped at exactly %d of %d model calls (the model got %d requests); errors.Is(err, aigentic.ErrMaxLLMCalls) holds.", le.Calls, le.Limit, faulty.Calls())
	return nil
}
