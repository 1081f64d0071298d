package aigentic_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// levelRun runs, at level, an agent whose run produces records of every
// level but Info: start, model requests and tool calls (Debug), a retry and a
// tool error result (Warn), a tool panic and the failure (Error).
func levelRun(t *testing.T, level slog.Level) (map[string]int, []map[string]any, *aigentic.AgentRun) {
	t.Helper()
	logger, buf := newJSONLogger()
	s := &sleeper{}
	okTool := &countingTool{}
	broken := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.ErrorText("nothing found"), nil }}
	panicky := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { panic("tool bug") }}
	inner := aitest.NewScripted(
		aitest.CallTools(aitest.Call("ok", `{}`), aitest.Call("broken", `{}`)),
		aitest.CallTools(aitest.Call("panicky", `{}`)),
	)
	model := aitest.Inject(inner).FailNext(aitest.StatusError(503, 0))
	run, err := aigentic.Agent{
		Model: model, Name: "leveller", Logger: logger, LogLevel: level,
		Session: aigentic.NewSession(context.Background()),
		Retries: 1, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{okTool.Tool("ok", nil), broken.Tool("broken", nil), panicky.Tool("panicky", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); !errors.Is(err, aigentic.ErrToolPanic) {
		t.Fatalf("run err = %v", err)
	}
	recs := records(t, buf)
	counts := map[string]int{}
	for _, r := range recs {
		counts[r["level"].(string)]++
		// Every record says which agent, session and run it is about.
		if r["agent"] != "leveller" || r["session"] != run.Session().ID || r["run"] != run.ID() {
			t.Fatalf("record without agent/session/run ids: %v", r)
		}
	}
	return counts, recs, run
}

func TestLogLevels(t *testing.T) {
	const D, I, W, E = "DEBUG", "INFO", "WARN", "ERROR"
	debug, recs, _ := levelRun(t, slog.LevelDebug)
	// A failed run has no Info record (its one Info record, at the end,
	// is at Error): TestLogOneRecordPerRunAtInfo covers Info.
	if debug[D] == 0 || debug[W] == 0 || debug[E] == 0 {
		t.Fatalf("at Debug, counts = %v: want records of every level", debug)
	}
	// Debug: each model request/response and tool call.
	msgs := map[string]int{}
	for _, r := range recs {
		msgs[r["level"].(string)+" "+r["msg"].(string)]++
	}
	for want, n := range map[string]int{
		D + " model request":                    3, // 2 attempts of call 1, then call 2
		D + " model response":                   2,
		D + " tool call":                        3,
		D + " tool result":                      1,
		D + " run started":                      1,
		W + " retrying after transient failure": 1,
		W + " tool returned an error result":    1,
		E + " tool panicked":                    1,
		E + " run failed":                       1,
	} {
		if msgs[want] != n {
			t.Errorf("%d records %q, want %d (all: %v)", msgs[want], want, n, msgs)
		}
	}
	retry := findRecord(recs, "retrying after transient failure")
	if retry["attempt"] != float64(1) || retry["step"] != "model call 1" || !strings.Contains(retry["error"].(string), "503") {
		t.Errorf("retry record = %v", retry)
	}
	failed := findRecord(recs, "run failed")
	if failed["llm_calls"] != float64(2) || failed["tool_calls"] != float64(3) || failed["duration"] == nil ||
		!strings.Contains(failed["error"].(string), "tool bug") {
		t.Errorf("run failed record = %v", failed)
	}

	info, _, _ := levelRun(t, slog.LevelInfo)
	warn, _, _ := levelRun(t, slog.LevelWarn)
	errs, _, _ := levelRun(t, slog.LevelError)
	total := func(c map[string]int) int { return c[D] + c[I] + c[W] + c[E] }
	if !(total(debug) > total(info) && total(info) >= total(warn) && total(warn) > total(errs) && total(errs) > 0) {
		t.Fatalf("totals not decreasing: debug %v info %v warn %v error %v", debug, info, warn, errs)
	}
	// Nothing below the level; everything at or above it, unchanged.
	if info[D] != 0 || info[I] != debug[I] || info[W] != debug[W] || info[E] != debug[E] {
		t.Errorf("at Info: %v (debug %v)", info, debug)
	}
	if warn[D]+warn[I] != 0 || warn[W] != debug[W] || warn[E] != debug[E] {
		t.Errorf("at Warn: %v (debug %v)", warn, debug)
	}
	if errs[D]+errs[I]+errs[W] != 0 || errs[E] != debug[E] {
		t.Errorf("at Error: %v (debug %v)", errs, debug)
	}
}

func TestLogOneRecordPerRunAtInfo(t *testing.T) {
	logger, buf := newJSONLogger()
	tool := &countingTool{}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("t", `{}`)), aitest.Reply("done"))
	run, err := aigentic.Agent{Model: model, Logger: logger, AgentTools: []aigentic.AgentTool{tool.Tool("t", nil)}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	recs := records(t, buf)
	// One record per run at Info: its end, with the model and the counts.
	if start := findRecord(recs, "run started"); start != nil {
		t.Fatalf("a start record at Info: %v", start)
	}
	end := findRecord(recs, "run finished")
	if end == nil || end["level"] != "INFO" || end["model"] != "scripted" || end["llm_calls"] != float64(2) || end["tool_calls"] != float64(1) ||
		end["duration"] == nil || end["tokens_in"] != float64(20) {
		t.Fatalf("end record = %v", end)
	}
	for _, r := range recs {
		if r["level"] == "DEBUG" {
			t.Fatalf("Debug record at the default (Info) level: %v", r)
		}
	}
}

// A run stopped by cancellation is a Warn, not an Error.
func TestLogStoppedRunAtWarn(t *testing.T) {
	logger, buf := newJSONLogger()
	session := aigentic.NewSession(context.Background())
	session.Cancel()
	_, err := aigentic.Agent{Model: aitest.NewScripted(), Logger: logger, Session: session}.Execute("hi")
	if !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	rec := findRecord(records(t, buf), "run stopped")
	if rec == nil || rec["level"] != "WARN" || !strings.Contains(rec["error"].(string), "canceled") {
		t.Fatalf("stop record = %v\n%s", rec, buf.String())
	}
}

// Stats are complete after a failure too.
func TestStatsAfterFailure(t *testing.T) {
	s := &sleeper{}
	okTool := &countingTool{}
	broken := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.ErrorText("no"), nil }}
	inner := aitest.NewScripted(
		aitest.CallTools(aitest.Call("ok", `{}`), aitest.Call("broken", `{}`), aitest.Call("ok", `{}`)),
		aitest.Fail(aitest.StatusError(401, 0)),
	)
	model := aitest.Inject(inner).FailNext(aitest.StatusError(429, 0), aitest.StatusError(503, 0))
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), Retries: 2, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{okTool.Tool("ok", nil), broken.Tool("broken", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); !errors.Is(err, ai.ErrPermanent) {
		t.Fatalf("err = %v", err)
	}
	st := run.Stats()
	if st.LLMCalls != 2 || st.Retries != 2 || st.ToolCalls != 3 || st.ToolErrors != 1 ||
		st.InputTokens != 10 || st.OutputTokens != 5 || st.Duration <= 0 || st.Started.IsZero() {
		t.Fatalf("stats = %+v", st)
	}
	// Final: reading again gives the same Duration.
	if run.Stats().Duration != st.Duration {
		t.Fatal("Duration still moving after the run ended")
	}
	// The partial work is kept.
	if msgs := run.Messages(); len(msgs) != 5 {
		t.Fatalf("messages = %+v", msgs)
	}
}

// A session id is the caller's to choose, so it is redacted like any other
// value it might leak into a record: a tenant that put a key in it does not
// find the key in the log. The run's own ids are made clean.
func TestLogRedactsTheCallersSessionID(t *testing.T) {
	logger, buf := newJSONLogger()
	session := aigentic.NewSession(context.Background())
	session.ID = "tenant-sk-proj-AbC_dEf-1234567890"
	if _, err := (aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("done")), Logger: logger, Session: session}).Execute("hi"); err != nil {
		t.Fatal(err)
	}
	end := findRecord(records(t, buf), "run finished")
	if end == nil {
		t.Fatal("no run finished record")
	}
	if s, _ := end["session"].(string); s == "" || strings.Contains(s, "AbC_dEf-1234567890") {
		t.Fatalf("session attr %q: want it present and the key in it redacted", s)
	}
}
