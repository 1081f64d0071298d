package aigentic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A tool that returns after the run was stopped, within StopGrace: the
// stop names the tool that was running (not the model call the run would
// have made next), the tool's result is kept in the transcript — work done
// is not lost — and no further model call is made. One call at a time and
// in a parallel turn alike.
func TestStopDuringAToolThatReturnsWithinTheGrace(t *testing.T) {
	for _, tc := range []struct {
		name     string
		parallel int
		calls    []ai.ToolCall
		during   string
	}{
		{"one at a time", 0, []ai.ToolCall{aitest.Call("slow", `{}`)}, `tool "slow"`},
		{"parallel", 2, []ai.ToolCall{aitest.Call("slow", `{}`), aitest.Call("quick", `{}`)}, `tools "slow", "quick"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stuck := newStuckTool()
			quick := aigentic.AgentTool{Name: "quick", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
				return ai.Text("quick result"), nil
			}}
			model := aitest.NewScripted(aitest.CallTools(tc.calls...), aitest.Reply("never"))
			agent := aigentic.Agent{Model: model, Logger: discardLogger(), StopGrace: time.Hour, ParallelToolCalls: tc.parallel,
				AgentTools: []aigentic.AgentTool{stuck.tool("slow"), quick}}
			run, err := agent.Start("go")
			if err != nil {
				t.Fatal(err)
			}
			within(t, 5*time.Second, func() {
				<-stuck.started
				run.Cancel()
				close(stuck.release) // the tool returns after the stop, well within the grace
				_, err = run.Wait(0)
			})
			<-stuck.returned
			var se *aigentic.StoppedError
			if !errors.As(err, &se) || se.During != tc.during || len(se.Abandoned) != 0 || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want stopped during %s, nothing abandoned", err, tc.during)
			}
			if n := len(model.Requests()); n != 1 {
				t.Fatalf("%d model calls; want 1: the run went on after the stop", n)
			}
			var kept []string
			for _, m := range run.Messages() {
				if m.Role == ai.RoleTool {
					kept = append(kept, m.Content)
				}
			}
			if len(kept) != len(tc.calls) || kept[0] != "late result" {
				t.Fatalf("tool results in the transcript: %q; want every result kept", kept)
			}
		})
	}
}
