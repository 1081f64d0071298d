package aigentic_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A model that never stops calling tools is stopped at MaxLLMCalls, and the
// *LimitError keeps the work done so far.
func TestMaxLLMCallsStopsEndlessToolLoop(t *testing.T) {
	tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.Text("more"), nil }}
	model := aitest.Inject(chattyModel()).EndlessToolCalls("lookup", `{"q":"again"}`)
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), MaxLLMCalls: 3,
		AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)},
	}.Start("loop forever")
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Wait(0)
	if model.Calls() != 3 {
		t.Fatalf("model calls %d, want exactly 3", model.Calls())
	}
	if !errors.Is(err, aigentic.ErrMaxLLMCalls) {
		t.Fatalf("err = %v, want ErrMaxLLMCalls", err)
	}
	var le *aigentic.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err %T is not a *LimitError", err)
	}
	if le.Calls != 3 || le.Limit != 3 || le.ToolCalls != 2 {
		t.Fatalf("LimitError = %+v", le)
	}
	if tool.Count() != 2 {
		t.Fatalf("tool ran %d times, want 2: the last response's calls stay pending", tool.Count())
	}
	if len(le.Pending) != 1 || le.Pending[0].Name != "lookup" || le.Pending[0].ID != "endless_3" || le.Pending[0].Arguments != `{"q":"again"}` {
		t.Fatalf("Pending = %+v", le.Pending)
	}
	if le.Usage != (ai.Usage{InputTokens: 21, OutputTokens: 9}) {
		t.Fatalf("Usage = %+v, want the 3 calls summed", le.Usage)
	}
	// Transcript: user, then 3 assistant turns and 2 tool results.
	tr := le.Transcript
	if len(tr) != 6 || tr[0].Role != ai.RoleUser || tr[0].Content != "loop forever" {
		t.Fatalf("transcript = %+v", tr)
	}
	var asst, tools int
	for _, m := range tr {
		switch m.Role {
		case ai.RoleAssistant:
			asst++
		case ai.RoleTool:
			tools++
			if m.Content != "more" || m.Name != "lookup" {
				t.Fatalf("tool message = %+v", m)
			}
		}
	}
	if asst != 3 || tools != 2 {
		t.Fatalf("transcript has %d assistant and %d tool messages", asst, tools)
	}
	if last := tr[len(tr)-1]; last.Role != ai.RoleAssistant || len(last.ToolCalls) != 1 || last.ToolCalls[0].ID != "endless_3" {
		t.Fatalf("last transcript message = %+v", last)
	}
	if !strings.Contains(err.Error(), "3 of 3 model calls") || !strings.Contains(err.Error(), "1 tool call pending") {
		t.Fatalf("error text %q", err)
	}
	if st := run.Stats(); st.LLMCalls != 3 || st.ToolCalls != 2 || st.InputTokens != 21 || st.Duration <= 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestMaxLLMCallsScriptedLoop(t *testing.T) {
	steps := make([]aitest.Step, 10)
	for i := range steps {
		steps[i] = replyWith("step", aitest.Call("lookup", `{}`))
	}
	model := aitest.NewScripted(steps...)
	tool := &countingTool{}
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), MaxLLMCalls: 3, AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)}}.Execute("go")
	var le *aigentic.LimitError
	if !errors.As(err, &le) || model.Calls() != 3 || model.Remaining() != 7 || tool.Count() != 2 {
		t.Fatalf("err %v, calls %d, tool %d", err, model.Calls(), tool.Count())
	}
	if le.Partial != "step" {
		t.Fatalf("Partial = %q, want the last text", le.Partial)
	}
}

// Zero means DefaultMaxLLMCalls, not unlimited.
func TestMaxLLMCallsZeroMeansDefault(t *testing.T) {
	// 100 tool-calling steps, then the script runs out: an unlimited run
	// would fail fast with ErrScriptExhausted instead of looping forever.
	steps := make([]aitest.Step, 100)
	for i := range steps {
		steps[i] = aitest.CallTools(aitest.Call("lookup", `{}`))
	}
	model := aitest.NewScripted(steps...)
	tool := &countingTool{}
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)}}.Execute("go")
	var le *aigentic.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LimitError", err)
	}
	if aigentic.DefaultMaxLLMCalls != 20 || model.Calls() != 20 || le.Limit != 20 || le.Calls != 20 || tool.Count() != 19 {
		t.Fatalf("calls %d, limit %d, tool %d", model.Calls(), le.Limit, tool.Count())
	}
}

// Retries do not count against the limit: a call retried twice counts once.
func TestRetriesDoNotCountAgainstLimit(t *testing.T) {
	s := &sleeper{}
	model := aitest.Inject(chattyModel()).EndlessToolCalls("lookup", `{}`).
		FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
	tool := &countingTool{}
	run, err := aigentic.Agent{
		Model: model, Logger: discardLogger(), MaxLLMCalls: 3, Retries: 2, RetryPolicy: s.Policy(),
		AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Wait(0)
	var le *aigentic.LimitError
	if !errors.As(err, &le) || le.Calls != 3 {
		t.Fatalf("err = %v", err)
	}
	if model.Calls() != 5 {
		t.Fatalf("requests %d, want 5 (3 calls, the first one attempted 3 times)", model.Calls())
	}
	if st := run.Stats(); st.LLMCalls != 3 || st.Retries != 2 || st.ToolCalls != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

// The last allowed call may still answer: the limit only bites when the
// model wants more.
func TestMaxLLMCallsFinalAnswerOnLastCall(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("lookup", `{}`)), aitest.Reply("done"))
	tool := &countingTool{}
	got, err := aigentic.Agent{Model: model, Logger: discardLogger(), MaxLLMCalls: 2, AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)}}.Execute("go")
	if err != nil || got != "done" {
		t.Fatalf("run = %q, %v", got, err)
	}
}

func TestInvalidAgentConfiguration(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("never"))
	cases := map[string]aigentic.Agent{
		"negative MaxLLMCalls": {Model: model, MaxLLMCalls: -1},
		"negative Retries":     {Model: model, Retries: -2},
		"nil model":            {},
	}
	for name, a := range cases {
		a.Logger = discardLogger()
		if _, err := a.Execute("hi"); !errors.Is(err, aigentic.ErrInvalidAgent) {
			t.Errorf("%s: Execute err = %v", name, err)
		}
		run, err := a.Start("hi")
		if !errors.Is(err, aigentic.ErrInvalidAgent) || run != nil {
			t.Errorf("%s: Start = %v, %v", name, run, err)
		}
	}
	if model.Calls() != 0 {
		t.Fatalf("model called %d times", model.Calls())
	}
}
