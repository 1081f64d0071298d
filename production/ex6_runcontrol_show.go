package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// releaseWait bounds how long demo 6c waits, once done, for the hung
// export to return after it is released.
const releaseWait = 5 * time.Second

// demoStuckTool shows 6c (ex6_runcontrol.go): the user cancels while a
// tool that ignores its context hangs, and the run returns without it.
//
// Forced: export_to_erp hangs for every input and never looks at its
// context; the cancel comes as it starts. Whether the run waited for it is
// read from the tool itself: still hanging when the run returned, or not.
// Not forced: whether the model calls export_to_erp. The tool is released
// when the demo ends, so its goroutine does not outlive the demo.
func demoStuckTool(ctx context.Context, e *demoEnv) error {
	p := e.p
	p.Line("")
	p.Say("6c. A tool that ignores its context: export_to_erp hangs on the legacy ERP and never looks at run.Context();")
	p.Say("the user presses Stop as it starts. StopGrace: %s.", e.sys.stopGrace)
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	var cancelledAt time.Time
	export := newHungExport(func() {
		p.Say("  cancel()")
		cancelledAt = time.Now()
		stop()
	})
	defer export.finish(releaseWait) // also when a check below fails
	r := runControlled(cctx, e.agent("export-agent", export.tool()), "Export order batch 77 to the legacy ERP.", runControl{StopGrace: e.sys.stopGrace})
	hanging := export.running() // read before anything releases it
	var took time.Duration
	if !cancelledAt.IsZero() {
		took = time.Since(cancelledAt)
	}
	e.flush()
	if why, err := check6c(r, !cancelledAt.IsZero(), hanging); err != nil {
		return err
	} else if why != "" {
		e.notShown("6c", why)
		return nil
	}
	p.Say("Stopped %s after cancel(), the export still hanging: %s", roundDuration(took), cli.Redacted(r.Err))
	if export.finish(releaseWait) {
		p.Say("Released at the demo's end, the export returned; the run had ended without it (Stats.ToolsAbandoned: %d).", r.Stats.ToolsAbandoned)
	} else {
		p.Say("Released at the demo's end, the export has not returned within %s: its goroutine lives on until it does.", releaseWait)
	}
	p.Good("6c: the run returned while export_to_erp still hung: stopped during %s, the call in StoppedError.Abandoned; errors.Is(err, context.Canceled) holds.", r.Stopped.During)
	return nil
}

// demoToolTimeout shows 6d: a slow tool past its AgentTool.Timeout
// becomes an error result the model sees, and the run goes on.
//
// Forced: generate_report is slow for every period, and honours its
// context. Not forced: whether the model calls it.
func demoToolTimeout(ctx context.Context, e *demoEnv) error {
	p := e.p
	p.Line("")
	p.Say("6d. Tool timeout: generate_report (%s, honours its context) gets AgentTool.Timeout: %s; the run goes on.", reportTakes, e.sys.toolTimeout)
	report := generateReportTool(reportTakes, nil)
	report.Timeout = e.sys.toolTimeout
	r := runControlled(ctx, e.agent("report-agent", report), "Generate the weekly sales report.", runControl{})
	e.flush()
	told := slices.ContainsFunc(r.Results, func(res *ai.ToolResult) bool {
		return res != nil && res.Error && strings.Contains(res.String(), "timed out after "+e.sys.toolTimeout.String())
	})
	switch st := r.Stats; {
	case r.Err != nil:
		return fmt.Errorf("6d: the run should have gone on after the tool timed out, but failed: %w", r.Err)
	case st.ToolCalls == 0:
		e.notShown("6d", "the model answered without calling generate_report, so no tool ran past its timeout")
		return nil
	case st.ToolTimeouts == 0 || !told:
		return fmt.Errorf("6d: generate_report has a Timeout of %s, but %d tool timeouts were counted and the model was told: %v", e.sys.toolTimeout, st.ToolTimeouts, told)
	}
	p.Say("The model was told, and answered:")
	p.Answer(r.Answer)
	p.Good("6d: %s (Stats.ToolTimeouts); the model got the \"timed out after %s\" error result, and the run went on to answer.",
		plural(r.Stats.ToolTimeouts, "tool timeout"), e.sys.toolTimeout)
	return nil
}

// parallelCalls is demo 6e's Agent.ParallelToolCalls.
const parallelCalls = 4

// demoParallelTools shows 6e: the lookups one model response asks for run
// at the same time.
//
// Forced: each lookup waits on a slow order system (lookupTakes; tests meet
// the turn's other calls there instead, so the calls overlap by
// construction, and fail if they run one at a time). Not forced: whether
// the model asks for both orders in one response — the offline model
// does; a model that asks one at a time leaves nothing to run at once.
func demoParallelTools(ctx context.Context, e *demoEnv) error {
	p := e.p
	p.Line("")
	p.Say("6e. Parallel tool calls: two orders asked about at once; each lookup waits on a slow order system; ParallelToolCalls: %d.", parallelCalls)
	agent := e.agent("support-agent", slowLookupOrderTool(e.sys.lookup))
	r := runControlled(ctx, agent, "Where are order 1042 and order 1043?", runControl{ParallelToolCalls: parallelCalls})
	e.flush()
	shown, why, err := check6e(r)
	if err != nil {
		return err
	}
	if why != "" {
		e.notShown("6e", why)
		return nil
	}
	p.Say("Answer:")
	p.Answer(r.Answer)
	p.Say("The lookups took %s from the first one's start to the last one's end; their durations add up to %s.", roundDuration(r.Span), roundDuration(r.Busy))
	p.Good("6e: %s", shown)
	return nil
}

// check6c is 6c's verdict, from the run and the export itself: called
// (the cancel came as it started) and still hanging when the run
// returned. Shown ("", nil) only when the run returned a
// *aigentic.StoppedError matching context.Canceled that names the export
// as the step and abandoned it; not shown (why) when the model did not
// call it; else the error.
func check6c(r controlledRun, called, hanging bool) (notShown string, err error) {
	switch {
	case !called && r.Err == nil:
		return "the model answered without calling export_to_erp, so no tool was stuck", nil
	case !errors.Is(r.Err, context.Canceled) || r.Stopped == nil:
		return "", fmt.Errorf("6c: want a *aigentic.StoppedError matching context.Canceled, got: %v", r.Err)
	case r.Stopped.During != `tool "export_to_erp"`:
		return "", fmt.Errorf("6c: the StoppedError should name the hung tool as the step, but says %q", r.Stopped.During)
	case !hanging:
		return "", fmt.Errorf("6c: the run returned only after export_to_erp did: it waited on a tool that ignores its context (%v)", r.Err)
	case !slices.ContainsFunc(r.Stopped.Abandoned, func(c ai.ToolCall) bool { return c.Name == "export_to_erp" }) || r.Stats.ToolsAbandoned != 1:
		return "", fmt.Errorf("6c: the run returned while export_to_erp hung, but did not report it abandoned: Abandoned %v, Stats.ToolsAbandoned %d", r.Stopped.Abandoned, r.Stats.ToolsAbandoned)
	}
	return "", nil
}

// check6e is 6e's verdict, from what an observer on the run's steps saw.
// Shown — the claim returned — only when a response asked for two tool
// calls or more and at least two ran at once; not shown (why) when no
// response asked for more than one; else the error. Any other case fails:
// nothing falls through to the claim.
func check6e(r controlledRun) (shown, notShown string, err error) {
	widest := 0
	if len(r.CallsPerTurn) > 0 {
		widest = slices.Max(r.CallsPerTurn)
	}
	switch {
	case r.Err != nil:
		return "", "", fmt.Errorf("6e: the run failed: %w", r.Err)
	case widest == 0:
		return "", "the model answered without calling lookup_order", nil
	case widest < 2:
		return "", fmt.Sprintf("the model asked for one tool call per response (%s), so nothing could run at once", plural(len(r.CallsPerTurn), "response")), nil
	case r.MostAtOnce >= 2:
		return fmt.Sprintf("the %d lookups of one response ran at the same time: an observer on the run's steps saw %d running at once.", widest, r.MostAtOnce), "", nil
	}
	return "", "", fmt.Errorf("6e: a response asked for %d tool calls, but they ran one at a time: an observer on the run's steps saw at most %d running at once", widest, r.MostAtOnce)
}
