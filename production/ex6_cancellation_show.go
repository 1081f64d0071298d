package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// reportTakes is how long generate_report takes, for every period.
const reportTakes = 30 * time.Second

// demoCancellation shows demo 6 (ex6_cancellation.go): a slow tool
// stopped by a timeout (6a) and by a cancel (6b); then, in
// ex6_runcontrol_show.go, a stop that does not wait on a tool ignoring its
// context (6c), a tool timeout (6d) and parallel tool calls (6e).
//
// Forced: generate_report is slow for every input, and 6a's timeout (1s)
// counts from when the tool starts (toolDeadline, deadline.go), so a slow
// model — say 1.5s per response — cannot use it up before the tool runs.
// Where the run really stopped, during a model call or the tool, is read
// from the *aigentic.StoppedError and printed as it is. Not forced:
// whether the model calls generate_report at all.
func demoCancellation(ctx context.Context, e *demoEnv) error {
	p := e.p

	p.Line("")
	p.Say("6a. Timeout: generate_report takes %s; the run times out %s after the tool starts.", reportTakes, e.sys.deadline)
	tctx, cancel := withToolDeadline(ctx, e.sys.deadline)
	defer cancel()
	var toolStart time.Time
	agent := e.agent("report-agent", generateReportTool(reportTakes, func() {
		toolStart = time.Now()
		tctx.start()
	}))
	r := runStoppable(tctx, agent, "Generate the quarterly sales report.")
	e.flush()
	switch {
	case r.Err == nil && r.Stats.ToolCalls == 0:
		e.notShown("6a", "the model answered without calling generate_report, so there was no slow tool to stop")
	case !errors.Is(r.Err, context.DeadlineExceeded) || r.Stopped == nil:
		return fmt.Errorf("6a: want a *aigentic.StoppedError matching context.DeadlineExceeded, got: %v", r.Err)
	case !strings.HasPrefix(r.Stopped.During, "tool"):
		p.Say("Stopped during %s: %s", r.Stopped.During, cli.Redacted(r.Err))
		e.notShown("6a", fmt.Sprintf("the run timed out during %s, before the slow tool ran", r.Stopped.During))
	default:
		p.Say("Stopped after the tool ran for %s: %s", roundDuration(time.Since(toolStart)), cli.Redacted(r.Err))
		p.Say("What the user is told: %s", userMessage(r.Err, r.RunID))
		p.Good("6a: stopped during %s; errors.Is(err, context.DeadlineExceeded) holds.", r.Stopped.During)
	}

	p.Line("")
	p.Say("6b. Cancel: the user presses Stop while the report is being generated: cancel().")
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	cancelled := false
	agent = e.agent("report-agent", generateReportTool(reportTakes, func() {
		p.Say("  cancel()")
		cancelled = true
		stop()
	}))
	r = runStoppable(cctx, agent, "Generate the monthly sales report.")
	e.flush()
	switch {
	case !cancelled && r.Err == nil:
		e.notShown("6b", "the model answered without calling generate_report, so there was nothing to cancel")
	case !errors.Is(r.Err, context.Canceled) || r.Stopped == nil:
		return fmt.Errorf("6b: want a *aigentic.StoppedError matching context.Canceled, got: %v", r.Err)
	default:
		p.Say("Stopped: %s", cli.Redacted(r.Err))
		p.Good("6b: stopped during %s; errors.Is(err, context.Canceled) holds. Ctrl-C or SIGTERM stops any demo the same way.", r.Stopped.During)
	}
	// 6c to 6e: ex6_runcontrol_show.go.
	for _, part := range []func(context.Context, *demoEnv) error{demoStuckTool, demoToolTimeout, demoParallelTools} {
		if err := part(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
