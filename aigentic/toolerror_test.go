package aigentic_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// ToolResult{Error: true} is for the model: it sees IsError and the run
// goes on.
func TestToolErrorResultReachesModelAndRunContinues(t *testing.T) {
	tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		return &ai.ToolResult{Content: []ai.ToolContent{{Type: "text", Content: "quota exceeded"}}, Error: true}, nil
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("quota", `{}`)), aitest.Reply("I could not check the quota"))
	logger, buf := newJSONLogger()
	run, err := aigentic.Agent{Model: model, Logger: logger, AgentTools: []aigentic.AgentTool{tool.Tool("quota", nil)}}.Start("check")
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Wait(0)
	if err != nil || got != "I could not check the quota" {
		t.Fatalf("run = %q, %v", got, err)
	}
	tm := toolMessages(model.Requests()[1].Messages)
	if len(tm) != 1 || !tm[0].IsError || tm[0].Content != "quota exceeded" {
		t.Fatalf("tool message = %+v", tm)
	}
	if s := run.Stats(); s.ToolCalls != 1 || s.ToolErrors != 1 {
		t.Fatalf("stats = %+v", s)
	}
	rec := findRecord(records(t, buf), "tool returned an error result")
	if rec == nil || rec["level"] != "WARN" || rec["tool"] != "quota" {
		t.Fatalf("warn record = %v", rec)
	}
}

// A Go error from Execute stops the run with a *ToolError wrapping it.
func TestToolGoErrorStopsRun(t *testing.T) {
	errDisk := errors.New("disk on fire")
	tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		return nil, fmt.Errorf("writing report: %w", errDisk)
	}}
	s := &sleeper{}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("write_report", `{}`)), aitest.Reply("never reached"))
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), Retries: 3, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{tool.Tool("write_report", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Wait(0)
	if !errors.Is(err, errDisk) {
		t.Fatalf("errors.Is(err, errDisk) false: %v", err)
	}
	var te *aigentic.ToolError
	if !errors.As(err, &te) || te.Tool != "write_report" || te.Attempts != 1 || te.CallID == "" {
		t.Fatalf("ToolError = %+v (err %v)", te, err)
	}
	if !strings.Contains(err.Error(), "write_report") || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error text %q does not name the tool and cause", err)
	}
	// Not transient: not retried, even with a retry budget.
	if tool.Count() != 1 || len(s.Delays()) != 0 || errors.Is(err, aigentic.ErrRetriesExhausted) {
		t.Fatalf("tool ran %d times, sleeps %v", tool.Count(), s.Delays())
	}
	if model.Calls() != 1 || model.Remaining() != 1 {
		t.Fatalf("model calls %d, want 1: the run must stop", model.Calls())
	}
	if st := run.Stats(); st.ToolCalls != 1 || st.LLMCalls != 1 || st.Duration <= 0 {
		t.Fatalf("stats = %+v", st)
	}
}

// A panic in a tool is recovered: the run stops with an error carrying the
// panic value and stack, the stack is logged at Error, the process lives.
func TestToolPanicRecovered(t *testing.T) {
	errInner := errors.New("nil map somewhere")
	for _, tc := range []struct {
		name  string
		value any
	}{
		{"string", "kaboom"},
		{"error", errInner},
		{"transient error", ai.Transient(errInner)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { panic(tc.value) }}
			s := &sleeper{}
			logger, buf := newJSONLogger()
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("panicky", `{}`)), aitest.Reply("never"))
			run, err := aigentic.Agent{
				Model: model, Logger: logger, Retries: 3, RetryPolicy: s.Policy(),
				AgentTools: []aigentic.AgentTool{tool.Tool("panicky", nil)},
			}.Start("go")
			if err != nil {
				t.Fatal(err)
			}
			_, err = run.Wait(0)
			if !errors.Is(err, aigentic.ErrToolPanic) {
				t.Fatalf("errors.Is(err, ErrToolPanic) false: %v", err)
			}
			var pe *aigentic.PanicError
			if !errors.As(err, &pe) || pe.Value != tc.value || len(pe.Stack) == 0 {
				t.Fatalf("PanicError = %+v", pe)
			}
			if !strings.Contains(string(pe.Stack), "panic") {
				t.Fatalf("stack does not show the panic:\n%s", pe.Stack)
			}
			var te *aigentic.ToolError
			if !errors.As(err, &te) || te.Tool != "panicky" {
				t.Fatalf("ToolError = %+v", te)
			}
			if !strings.Contains(err.Error(), "panicky") || !strings.Contains(err.Error(), fmt.Sprint(tc.value)) {
				t.Fatalf("error text %q", err)
			}
			if _, isErr := tc.value.(error); isErr && !errors.Is(err, errInner) {
				t.Fatalf("a panic with an error value must wrap it: %v", err)
			}
			// A panic is never retried, even a transient-looking one.
			if tool.Count() != 1 || len(s.Delays()) != 0 || model.Calls() != 1 {
				t.Fatalf("tool ran %d times, sleeps %v, model calls %d", tool.Count(), s.Delays(), model.Calls())
			}
			rec := findRecord(records(t, buf), "tool panicked")
			if rec == nil || rec["level"] != slog.LevelError.String() {
				t.Fatalf("no Error record for the panic: %v", rec)
			}
			if st, _ := rec["stack"].(string); !strings.Contains(st, "goroutine") {
				t.Fatalf("logged stack = %q", st)
			}
		})
	}
}

// Unknown tools and bad arguments are the model's mistakes: error results
// it sees, never a crash or a failed run.
func TestUnknownToolAndBadArgumentsAreErrorResults(t *testing.T) {
	tool := &countingTool{}
	model := aitest.NewScripted(
		aitest.CallTools(
			aitest.Call("does_not_exist", `{}`),
			aitest.Call("lookup", `{"q":`),
			aitest.Call("lookup", `{"q":42}`),
			aitest.Call("lookup", `"just a string"`),
			aitest.Call("lookup", `{"q":"fine"}`),
		),
		aitest.Reply("recovered"),
	)
	schema := objectSchema(map[string]any{"q": map[string]any{"type": "string"}}, "q")
	agent := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool.Tool("lookup", schema)}}
	run, err := agent.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Wait(0)
	if err != nil || got != "recovered" {
		t.Fatalf("run = %q, %v", got, err)
	}
	tm := toolMessages(model.Requests()[1].Messages)
	if len(tm) != 5 {
		t.Fatalf("%d tool messages, want 5", len(tm))
	}
	wants := []string{`unknown tool "does_not_exist"; available tools: lookup`, "not a JSON object", "/q", "not a JSON object", ""}
	for i, w := range wants {
		if wantErr := i < 4; tm[i].IsError != wantErr || !strings.Contains(tm[i].Content, w) {
			t.Errorf("tool message %d = %+v, want error=%t containing %q", i, tm[i], wantErr, w)
		}
	}
	if tool.Count() != 1 {
		t.Fatalf("tool ran %d times, want only the valid call", tool.Count())
	}
	if s := run.Stats(); s.ToolCalls != 5 || s.ToolErrors != 4 {
		t.Fatalf("stats = %+v", s)
	}
}

// With no tools at all, a tool call still gets an answer, not a crash.
func TestToolCallWithoutTools(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("anything", `{}`)), aitest.Reply("ok"))
	if _, err := (aigentic.Agent{Model: model, Logger: discardLogger()}).Execute("go"); err != nil {
		t.Fatal(err)
	}
	tm := toolMessages(model.Requests()[1].Messages)
	if !tm[0].IsError || !strings.Contains(tm[0].Content, "available tools: none") {
		t.Fatalf("tool message = %+v", tm[0])
	}
}

// A call with an empty or unusable tool name becomes an error result, and
// the transcript stays one a provider accepts: the name is replaced.
func TestInvalidToolNameKeepsTranscriptSendable(t *testing.T) {
	for _, name := range []string{"", "no spaces allowed", "naïve"} {
		m := aitest.NewScripted(aitest.CallTools(aitest.Call(name, `{}`)), aitest.Reply("recovered"))
		tool := &countingTool{}
		out, err := aigentic.Agent{Model: m, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)}}.Execute("go")
		if err != nil || out != "recovered" || tool.Count() != 0 {
			t.Fatalf("name %q: %q, %v, tool ran %d", name, out, err, tool.Count())
		}
		msgs := m.Requests()[1].Messages
		call := msgs[len(msgs)-2].ToolCalls[0]
		res := msgs[len(msgs)-1]
		if call.Name != "invalid_tool_name" || res.Name != "invalid_tool_name" || !res.IsError || !strings.Contains(res.Content, "lookup") {
			t.Fatalf("name %q: call %+v, result %+v", name, call, res)
		}
	}
}
