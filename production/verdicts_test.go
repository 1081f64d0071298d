package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Each demo's verdict function, fed the outcome that shows its pattern
// and then that outcome with one fact changed: the changed one must be a
// failure (an error) or, where the model chose, "not shown" — never the
// ✓. With the check that catches a fact removed, its case fails here.

// verdictCase is one outcome fed to a verdict: want is "" for the ✓,
// "not shown: …" for a part the model did not let happen, else the start
// of the error.
type verdictCase struct {
	name string
	want string
	got  func() (notShown string, err error)
}

func runVerdicts(t *testing.T, cases []verdictCase) {
	t.Helper()
	for _, tc := range cases {
		why, err := tc.got()
		switch {
		case tc.want == "":
			if err != nil || why != "" {
				t.Errorf("%s: want the ✓, got not shown %q, err %v", tc.name, why, err)
			}
		case strings.HasPrefix(tc.want, "not shown: "):
			if err != nil || why != strings.TrimPrefix(tc.want, "not shown: ") {
				t.Errorf("%s: want %q, got not shown %q, err %v", tc.name, tc.want, why, err)
			}
		default:
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("%s: want an error starting %q, got not shown %q, err %v", tc.name, tc.want, why, err)
			}
		}
	}
}

func errOnly(err error) (string, error) { return "", err }

func TestVerdict1a(t *testing.T) {
	t.Parallel()
	r := func(calls, errs int, err error) reply {
		return reply{outcome: outcome{Err: err, Stats: aigentic.Stats{ToolCalls: calls, ToolErrors: errs}}}
	}
	runVerdicts(t, []verdictCase{
		{"every check an error result, answered", "", func() (string, error) { return check1a(r(2, 2, nil)) }},
		{"no tool called", "not shown: the model answered without calling check_system_status, so no tool failed", func() (string, error) { return check1a(r(0, 0, nil)) }},
		{"a check that did not fail", "1a: every check should fail, but 1 of 2", func() (string, error) { return check1a(r(2, 1, nil)) }},
		{"no error result at all", "1a: every check should fail, but 0 of 1", func() (string, error) { return check1a(r(1, 0, nil)) }},
		{"the run failed", "1a: the run should have recovered", func() (string, error) { return check1a(r(1, 1, errors.New("boom"))) }},
	})
}

func TestVerdictTrace(t *testing.T) {
	t.Parallel()
	good := tracedRun{outcome: outcome{RunID: "run_1", Stats: aigentic.Stats{LLMCalls: 2, ToolCalls: 1}},
		Summary: aigentic.TraceSummary{Run: "run_1", Outcome: "success", LLMCalls: 2, ToolCalls: 1}}
	with := func(edit func(*tracedRun)) func() (string, error) {
		r := good
		edit(&r)
		return func() (string, error) { return errOnly(checkTrace(r)) }
	}
	const bad = "the trace does not match the run"
	runVerdicts(t, []verdictCase{
		{"the trace matches", "", with(func(*tracedRun) {})},
		{"another run's trace", bad, with(func(r *tracedRun) { r.Summary.Run = "run_2" })},
		{"outcome not success", bad, with(func(r *tracedRun) { r.Summary.Outcome = "error" })},
		{"a model call missing", bad, with(func(r *tracedRun) { r.Summary.LLMCalls = 1 })},
		{"a tool call missing", bad, with(func(r *tracedRun) { r.Summary.ToolCalls = 0 })},
	})
}

func TestVerdictLimit(t *testing.T) {
	t.Parallel()
	const limit = 3
	good := func() boundedRun {
		le := &aigentic.LimitError{Limit: limit, Calls: limit, ToolCalls: limit - 1, Pending: []ai.ToolCall{{Name: "check_export_status"}}}
		return boundedRun{outcome: outcome{Err: le, Stats: aigentic.Stats{LLMCalls: limit}}, Limit: le}
	}
	with := func(requests int, edit func(*boundedRun)) func() (string, error) {
		r := good()
		edit(&r)
		return func() (string, error) { return errOnly(checkLimit(r, limit, requests)) }
	}
	const atExactly = "the limit should stop the run at exactly 3 calls"
	runVerdicts(t, []verdictCase{
		{"stopped at 3 of 3", "", with(limit, func(*boundedRun) {})},
		{"no limit error", "want a *aigentic.LimitError", with(limit, func(r *boundedRun) { r.Err, r.Limit = nil, nil })},
		{"another error", "want a *aigentic.LimitError", with(limit, func(r *boundedRun) { r.Err = errors.New("boom") })},
		{"stopped at another count", atExactly, with(limit, func(r *boundedRun) { r.Limit.Calls = 4 })},
		{"another limit", atExactly, with(limit, func(r *boundedRun) { r.Limit.Limit = 20 })},
		{"the model got more requests", atExactly, with(limit+1, func(*boundedRun) {})},
		{"Stats disagree", atExactly, with(limit, func(r *boundedRun) { r.Stats.LLMCalls = 2 })},
		{"a tool call lost", "want 2 tool calls executed and 1 pending", with(limit, func(r *boundedRun) { r.Limit.ToolCalls = 1 })},
		{"nothing pending", "want 2 tool calls executed and 1 pending", with(limit, func(r *boundedRun) { r.Limit.Pending = nil })},
	})
}

func TestVerdictRetries(t *testing.T) {
	t.Parallel()
	const capped = 200 * time.Millisecond
	good4a := func() retriedRun {
		return retriedRun{outcome: outcome{Stats: aigentic.Stats{Retries: 2}},
			Retries: []retry{{Step: "model call 1", Wait: 25 * time.Millisecond}, {Step: "model call 1", Wait: capped}}}
	}
	a := func(edit func(*retriedRun)) func() (string, error) {
		r := good4a()
		edit(&r)
		return func() (string, error) { return errOnly(check4a(r, capped)) }
	}
	const want4a = "4a: want model call 1 retried twice"
	gaveUp := func(attempts int, exhausted bool) retriedRun {
		mce := &aigentic.ModelCallError{Call: 1, Attempts: attempts, Exhausted: exhausted, Err: errors.New("429")}
		return retriedRun{outcome: outcome{Err: mce}, GaveUp: mce}
	}
	b := func(r retriedRun, requests int) func() (string, error) {
		return func() (string, error) { return errOnly(check4b(r, requests)) }
	}
	runVerdicts(t, []verdictCase{
		{"4a: retried twice, the 429's wait capped", "", a(func(*retriedRun) {})},
		{"4a: the run failed", "4a: Retries: 3 should recover", a(func(r *retriedRun) { r.Err = errors.New("boom") })},
		{"4a: one retry", want4a, a(func(r *retriedRun) { r.Retries = r.Retries[:1] })},
		{"4a: another step retried", want4a, a(func(r *retriedRun) { r.Retries[0].Step = "model call 2" })},
		{"4a: Retry-After not capped", want4a, a(func(r *retriedRun) { r.Retries[1].Wait = 2 * time.Second })},
		{"4a: Stats.Retries disagree", want4a, a(func(r *retriedRun) { r.Stats.Retries = 1 })},
		{"4b: gave up after 2 attempts", "", b(gaveUp(2, true), 2)},
		{"4b: succeeded", "4b: want a *aigentic.ModelCallError", b(retriedRun{}, 3)},
		{"4b: not exhausted", "4b: want a *aigentic.ModelCallError", b(gaveUp(2, false), 2)},
		{"4b: 3 attempts", "4b: want 2 attempts, got 3", b(gaveUp(3, true), 3)},
		{"4b: the model got another count", "4b: want 2 attempts, got 2 (model requests 1)", b(gaveUp(2, true), 1)},
	})
}

func TestVerdict6c(t *testing.T) {
	t.Parallel()
	stopped := func(during string, abandoned ...string) controlledRun {
		se := &aigentic.StoppedError{During: during, Cause: context.Canceled, Err: context.Canceled}
		for _, name := range abandoned {
			se.Abandoned = append(se.Abandoned, ai.ToolCall{Name: name})
		}
		return controlledRun{stoppableRun: stoppableRun{outcome: outcome{Err: se, Stats: aigentic.Stats{ToolsAbandoned: len(abandoned)}}, Stopped: se}}
	}
	c := func(r controlledRun, called, hanging bool) func() (string, error) {
		return func() (string, error) { return check6c(r, called, hanging) }
	}
	const tool = `tool "export_to_erp"`
	runVerdicts(t, []verdictCase{
		{"returned while the export hung, abandoned", "", c(stopped(tool, "export_to_erp"), true, true)},
		{"not called", "not shown: the model answered without calling export_to_erp, so no tool was stuck", c(controlledRun{}, false, false)},
		{"waited for the export", "6c: the run returned only after export_to_erp did", c(stopped(tool, "export_to_erp"), true, false)},
		{"not stopped", "6c: want a *aigentic.StoppedError", c(controlledRun{}, true, true)},
		{"stopped elsewhere", "6c: the StoppedError should name the hung tool", c(stopped("model call 2", "export_to_erp"), true, true)},
		{"not abandoned", "6c: the run returned while export_to_erp hung, but did not report it abandoned", c(stopped(tool), true, true)},
	})
}

func TestVerdict6e(t *testing.T) {
	t.Parallel()
	e := func(err error, perTurn []int, most int) func() (string, error) {
		return func() (string, error) {
			shown, why, err := check6e(controlledRun{stoppableRun: stoppableRun{outcome: outcome{Err: err}}, CallsPerTurn: perTurn, MostAtOnce: most})
			if err == nil && why == "" && shown == "" {
				return "", errors.New("shown, but with no claim")
			}
			return why, err
		}
	}
	const oneAtATime = "6e: a response asked for 2 tool calls, but they ran one at a time"
	runVerdicts(t, []verdictCase{
		{"two ran at once", "", e(nil, []int{2}, 2)},
		{"one at a time", oneAtATime, e(nil, []int{2}, 1)},
		{"none seen running", oneAtATime, e(nil, []int{2}, 0)},
		{"one call per response", "not shown: the model asked for one tool call per response (2 responses), so nothing could run at once", e(nil, []int{1, 1}, 1)},
		{"no call", "not shown: the model answered without calling lookup_order", e(nil, nil, 0)},
		{"the run failed", "6e: the run failed", e(errors.New("boom"), []int{2}, 2)},
	})
}

// 6e's false ✓, end to end: the calls of one response run one at a time
// (no ParallelToolCalls; the lookups do not wait, so the run succeeds) and
// the verdict must fail, whatever else is checked before it.
func TestVerdict6eWhenCallsRanOneAtATime(t *testing.T) {
	t.Parallel()
	noWait := func(context.Context, int) error { return nil }
	r := runControlled(context.Background(), exampleAgent(slowLookupOrderTool(noWait)), "Where are order 1042 and order 1043?", runControl{})
	shown, why, err := check6e(r)
	if r.Err != nil || r.MostAtOnce != 1 || err == nil || shown != "" || why != "" {
		t.Fatalf("run err %v, %d at once; verdict: shown %q, not shown %q, err %v; want a failure", r.Err, r.MostAtOnce, shown, why, err)
	}
}
