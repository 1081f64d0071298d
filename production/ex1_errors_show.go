package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoErrors shows demo 1 (ex1_errors.go) and checks what it did.
//
// Forced: check_system_status fails for every component (1a),
// query_database for every query (1b), and the model's first attempt is
// an injected 503 in front of any model (1c). Not forced: whether the
// model calls a tool at all in 1a and 1b.
func demoErrors(ctx context.Context, e *demoEnv) error {
	p := e.p

	p.Line("")
	p.Say("1a. Tool error: check_system_status returns ToolResult{Error: true} for every component.")
	r := answer(ctx, e.agent("oncall-agent", checkSystemStatusTool()), "Is the payments service healthy? Check the status of the payments component.")
	e.flush()
	switch why, err := check1a(r); {
	case err != nil:
		return err
	case why != "":
		e.notShown("1a", why)
	default:
		p.Good("1a: the run went on after %s and answered:", plural(r.Stats.ToolErrors, "tool error result"))
		p.Answer(r.Answer)
	}

	p.Line("")
	p.Say("1b. Critical error: query_database returns the Go error %q for every query.", errDatabaseConnectionLost)
	r = answer(ctx, e.agent("reporting-agent", queryDatabaseTool()), `Run this query on the orders database: "SELECT count(*) FROM orders WHERE status = 'pending'"`)
	e.flush()
	switch {
	case r.Err == nil && r.Stats.ToolCalls == 0:
		e.notShown("1b", "the model answered without calling query_database, so nothing failed")
	case r.Err == nil:
		return errors.New("1b: query_database ran and the run succeeded; its Go error should have stopped it")
	case !errors.Is(r.Err, errDatabaseConnectionLost) || r.Tool == nil:
		return fmt.Errorf("1b: want a *aigentic.ToolError wrapping %q, got: %w", errDatabaseConnectionLost, r.Err)
	default:
		p.Say("Run failed: %s", cli.Redacted(r.Err))
		p.Say("What the user is told: %s", r.UserMessage)
		p.Good("1b: errors.Is(err, errDatabaseConnectionLost) and errors.As(err, *aigentic.ToolError{Tool: %q}) hold.", r.Tool.Tool)
	}

	p.Line("")
	p.Say("1c. Transient error: the model's first attempt fails with an injected HTTP 503; Retries: 2.")
	faulty := aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0))
	agent := e.agent("support-agent", lookupOrderTool())
	agent.Model, agent.Retries, agent.RetryPolicy = faulty, 2, e.retryPolicy(fastRetries())
	r = answer(ctx, agent, "Where is order 1042?")
	e.flush()
	if r.Err != nil {
		return fmt.Errorf("1c: the transient failure should have been retried away, but the run failed: %w", r.Err)
	}
	if r.Stats.Retries != 1 || len(faulty.Injected()) != 1 {
		return fmt.Errorf("1c: want 1 retry of 1 injected failure, got %d retries, %d injected", r.Stats.Retries, len(faulty.Injected()))
	}
	p.Good("1c: 1 injected 503, 1 retry (Stats.Retries), and the user got the answer:")
	p.Answer(r.Answer)
	return nil
}

// check1a is 1a's verdict: shown ("", nil) when the run answered after
// error results only — check_system_status fails for every component;
// not shown (why) when no tool was called; else the error.
func check1a(r reply) (notShown string, err error) {
	switch st := r.Stats; {
	case r.Err != nil:
		return "", fmt.Errorf("1a: the run should have recovered from the tool's error result, but failed: %w", r.Err)
	case st.ToolCalls == 0:
		return "the model answered without calling check_system_status, so no tool failed", nil
	case st.ToolErrors != st.ToolCalls:
		return "", fmt.Errorf("1a: every check should fail, but %d of %d tool calls were error results", st.ToolErrors, st.ToolCalls)
	}
	return "", nil
}
