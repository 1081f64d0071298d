package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// reportTakes is how long generate_report takes, for every period.
const reportTakes = 30 * time.Second

// demoCancellation is demo 6: a slow tool stopped by a session timeout
// (6a) and by session.Cancel() (6b).
//
// Forced: generate_report is slow for every input, and 6a's session
// timeout (1s) counts from when the tool starts (toolDeadline), so a slow
// model — say 1.5s per response — cannot use it up before the tool runs.
// Where the run really stopped, during a model call or the tool, is read
// from the *aigentic.StoppedError and printed as it is. Not forced:
// whether the model calls generate_report at all.
func demoCancellation(ctx context.Context, e *demoEnv) error {
	p := e.p

	// 6a. Timeout.
	p.Line("")
	p.Say("6a. Timeout: generate_report takes %s; the session times out %s after the tool starts.", reportTakes, e.sys.deadline)
	tctx, cancel := withToolDeadline(ctx, e.sys.deadline)
	defer cancel()
	session := aigentic.NewSession(tctx)
	defer session.Cancel()
	var toolStart time.Time
	agent := e.agent("report-agent", session, generateReportTool(reportTakes, func() {
		toolStart = time.Now()
		tctx.start()
	}))
	run, err := agent.Start("Generate the quarterly sales report.")
	if err != nil {
		return err
	}
	_, err = e.follow(run)
	var se *aigentic.StoppedError
	switch {
	case err == nil && run.Stats().ToolCalls == 0:
		e.notShown("6a", "the model answered without calling generate_report, so there was no slow tool to stop")
	case !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &se):
		return fmt.Errorf("6a: want a *aigentic.StoppedError matching context.DeadlineExceeded, got: %v", err)
	case !strings.HasPrefix(se.During, "tool"):
		p.Say("Stopped during %s: %s", se.During, cli.Redacted(err))
		e.notShown("6a", fmt.Sprintf("the session ended during %s, before the slow tool ran", se.During))
	default:
		p.Say("Stopped after the tool ran for %s: %s", roundDuration(time.Since(toolStart)), cli.Redacted(err))
		p.Say("What the user is told: %s", userMessage(err, session.ID))
		if !errors.Is(session.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("6a: the session's error is %v, want context.DeadlineExceeded", session.Err())
		}
		p.Good("6a: stopped during %s; errors.Is(err, context.DeadlineExceeded) holds, and session.Err() is %v.", se.During, session.Err())
	}

	// 6b. Manual cancellation.
	p.Line("")
	p.Say("6b. Cancel: the user presses Stop while the report is being generated: session.Cancel().")
	session2 := aigentic.NewSession(ctx)
	defer session2.Cancel()
	agent = e.agent("report-agent", session2, generateReportTool(reportTakes, nil))
	run, err = agent.Start("Generate the monthly sales report.")
	if err != nil {
		return err
	}
	cancelled := false
	_, err = p.Follow(run, func(ev aigentic.Event) bool {
		if _, ok := ev.(*aigentic.ToolEvent); ok && !cancelled {
			p.Event(ev)
			p.Say("  session.Cancel()")
			session2.Cancel()
			cancelled = true
			return true
		}
		return false
	})
	switch {
	case !cancelled && err == nil:
		e.notShown("6b", "the model answered without calling generate_report, so there was nothing to cancel")
	case !errors.Is(err, context.Canceled) || !errors.As(err, &se):
		return fmt.Errorf("6b: want a *aigentic.StoppedError matching context.Canceled, got: %v", err)
	default:
		p.Say("Stopped: %s", cli.Redacted(err))
		p.Good("6b: stopped during %s; errors.Is(err, context.Canceled) holds. Ctrl-C or SIGTERM stops any demo the same way.", se.During)
	}
	return nil
}
