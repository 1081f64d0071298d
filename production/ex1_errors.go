package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoErrors is demo 1: the three kinds of failure and what each does to
// a run.
//
// Forced: check_system_status fails for every component (1a),
// query_database for every query (1b), and the model's first attempt is
// an injected 503 in front of any model (1c). Not forced: whether the
// model calls a tool at all in 1a and 1b.
func demoErrors(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	// 1a. Tool error result: graceful degradation.
	p.Line("")
	p.Say("1a. Tool error: check_system_status returns ToolResult{Error: true} for every component.")
	agent := e.agent("oncall-agent", session, checkSystemStatusTool())
	run, err := agent.Start("Is the payments service healthy? Check the status of the payments component.")
	if err != nil {
		return err
	}
	answer, err := e.follow(run)
	if err != nil {
		return fmt.Errorf("1a: the run should have recovered from the tool's error result, but failed: %w", err)
	}
	switch st := run.Stats(); {
	case st.ToolCalls == 0:
		e.notShown("1a", "the model answered without calling check_system_status, so no tool failed")
	case st.ToolErrors != st.ToolCalls:
		return fmt.Errorf("1a: every check should fail, but %d of %d tool calls were error results", st.ToolErrors, st.ToolCalls)
	default:
		p.Good("1a: the run went on after %s and answered:", plural(st.ToolErrors, "tool error result"))
		p.Answer(answer)
	}

	// 1b. Go error: critical failure, propagated.
	p.Line("")
	p.Say("1b. Critical error: query_database returns the Go error %q for every query.", errDatabaseConnectionLost)
	agent = e.agent("reporting-agent", session, queryDatabaseTool())
	run, err = agent.Start(`Run this query on the orders database: "SELECT count(*) FROM orders WHERE status = 'pending'"`)
	if err != nil {
		return err
	}
	_, err = e.follow(run)
	var te *aigentic.ToolError
	switch {
	case err == nil && run.Stats().ToolCalls == 0:
		e.notShown("1b", "the model answered without calling query_database, so nothing failed")
	case err == nil:
		return errors.New("1b: query_database ran and the run succeeded; its Go error should have stopped it")
	case !errors.Is(err, errDatabaseConnectionLost) || !errors.As(err, &te):
		return fmt.Errorf("1b: want a *aigentic.ToolError wrapping %q, got: %w", errDatabaseConnectionLost, err)
	default:
		p.Say("Run failed: %s", cli.Redacted(err))
		p.Say("What the user is told: %s", userMessage(err, session.ID))
		p.Good("1b: errors.Is(err, errDatabaseConnectionLost) and errors.As(err, *aigentic.ToolError{Tool: %q}) hold.", te.Tool)
	}

	// 1c. Transient model failure: retried and recovered.
	p.Line("")
	p.Say("1c. Transient error: the model's first attempt fails with an injected HTTP 503; Retries: 2.")
	faulty := aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0))
	agent = e.agent("support-agent", session, lookupOrderTool())
	agent.Model = faulty
	agent.Retries = 2
	agent.RetryPolicy = e.retryPolicy(fastRetries())
	run, err = agent.Start("Where is order 1042?")
	if err != nil {
		return err
	}
	answer, err = e.follow(run)
	if err != nil {
		return fmt.Errorf("1c: the transient failure should have been retried away, but the run failed: %w", err)
	}
	if st := run.Stats(); st.Retries != 1 || len(faulty.Injected()) != 1 {
		return fmt.Errorf("1c: want 1 retry of 1 injected failure, got %d retries, %d injected", st.Retries, len(faulty.Injected()))
	}
	p.Good("1c: 1 injected 503, 1 retry (run.Stats().Retries), and the user got the answer:")
	p.Answer(answer)
	return nil
}
