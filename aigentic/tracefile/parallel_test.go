package tracefile_test

import (
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// The trace of a parallel turn reads as the issue asks: each call's
// attempt, then the results in call order, each naming its call; a call
// that never ran (an unknown tool) keeps its "tool call" line though
// other calls of the turn ran. One at a time, a result follows its call
// and needs no name.
func TestTraceOfAParallelTurn(t *testing.T) {
	lookup := (&countingTool{}).Tool("lookup", nil)
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("lookup", `{"q":"a"}`), aitest.Call("nope", `{}`), aitest.Call("lookup", `{"q":"b"}`)),
		aitest.CallTools(aitest.Call("lookup", `{"q":"c"}`)),
		aitest.Reply("done"),
	)
	agent := aigentic.Agent{Model: model, Trace: newTestTrace(t), ParallelToolCalls: 3, AgentTools: []aigentic.AgentTool{lookup}}
	run, text := runTraced(t, agent, "go")
	msgs := run.Messages()
	var ids []string
	for _, m := range msgs {
		for _, tc := range m.ToolCalls {
			ids = append(ids, tc.ID)
		}
	}
	if len(ids) != 4 {
		t.Fatalf("tool call ids %v", ids)
	}
	for _, want := range []string{
		"--- tool call nope (" + ids[1] + "), attempt 1 ---",
		"result of lookup (" + ids[0] + ") (error=false",
		"result of nope (" + ids[1] + ") (error=true",
		"result of lookup (" + ids[2] + ") (error=false",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the trace lacks %q:\n%s", want, text)
		}
	}
	// Results in call order.
	if a, b, c := strings.Index(text, "result of lookup ("+ids[0]), strings.Index(text, "result of nope ("+ids[1]), strings.Index(text, "result of lookup ("+ids[2]); !(a < b && b < c) {
		t.Errorf("results out of call order: %d %d %d", a, b, c)
	}
	// The next turn, one call, is written as before.
	after := text[strings.Index(text, "--- tool call lookup ("+ids[3]):]
	if !strings.Contains(after, "\nresult (error=false") || strings.Contains(after, "result of") {
		t.Errorf("a one-call turn's result:\n%s", after)
	}
	sum, err := aigentic.ReadTraceSummary(run.TraceFilepath())
	if err != nil || sum.ToolCalls != 4 {
		t.Errorf("summary %+v, %v: want 4 tool calls", sum, err)
	}
}
