package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

func TestSubAgentResultReturnsToCoordinator(t *testing.T) {
	sub := aitest.NewScripted(aitest.Reply("X is 42"))
	coord := aitest.NewScripted(
		aitest.CallTools(aitest.Call("researcher", `{"input":"find X"}`)),
		aitest.Reply("According to research, X is 42."),
	)
	run, err := aigentic.Agent{
		Model: coord, Name: "coordinator", Logger: discardLogger(),
		Agents: []aigentic.Agent{{Name: "Researcher", Description: "Finds facts.", Model: sub, Instructions: "research"}},
	}.Start("what is X?")
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Wait(0)
	if err != nil || got != "According to research, X is 42." {
		t.Fatalf("run = %q, %v", got, err)
	}
	// The sub-agent is offered as a tool named after it, lowercased.
	tools := coord.Requests()[0].Tools
	if len(tools) != 1 || tools[0].Name != "researcher" || tools[0].Description != "Finds facts." {
		t.Fatalf("tools offered = %+v", tools)
	}
	props, _ := tools[0].InputSchema["properties"].(map[string]any)
	if _, ok := props["input"]; !ok {
		t.Fatalf("sub-agent tool schema = %v", tools[0].InputSchema)
	}
	// The sub-agent ran with its own model, on the input.
	sreqs := sub.Requests()
	if len(sreqs) != 1 || sreqs[0].Messages[0].Content != "research" || sreqs[0].Messages[1].Content != "find X" {
		t.Fatalf("sub-agent requests = %+v", sreqs)
	}
	tm := toolMessages(coord.Requests()[1].Messages)
	if len(tm) != 1 || tm[0].Name != "researcher" || tm[0].Content != "X is 42" || tm[0].IsError {
		t.Fatalf("coordinator got %+v", tm)
	}
	// The sub-agent's calls and tokens count in the parent's stats.
	if st := run.Stats(); st.LLMCalls != 3 || st.InputTokens != 30 || st.OutputTokens != 15 || st.ToolCalls != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestSubAgentFailureIsAnErrorResult(t *testing.T) {
	sub := aitest.NewScripted(aitest.Fail(aitest.StatusError(401, 0)))
	coord := aitest.NewScripted(
		aitest.CallTools(aitest.Call("web_search", `{"input":"news"}`)),
		aitest.Reply("The search agent is unavailable."),
	)
	run, err := aigentic.Agent{
		Model: coord, Logger: discardLogger(), Retries: 3, RetryPolicy: (&sleeper{}).Policy(),
		Agents: []aigentic.Agent{{Name: "Web Search", Model: sub}},
	}.Start("news?")
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Wait(0)
	if err != nil || got != "The search agent is unavailable." {
		t.Fatalf("run = %q, %v", got, err)
	}
	if sub.Calls() != 1 {
		t.Fatalf("permanent failure retried: %d sub-agent calls", sub.Calls())
	}
	tm := toolMessages(coord.Requests()[1].Messages)
	if len(tm) != 1 || !tm[0].IsError || !strings.Contains(tm[0].Content, `sub-agent "Web Search" failed`) || !strings.Contains(tm[0].Content, "401") {
		t.Fatalf("coordinator got %+v", tm)
	}
	if st := run.Stats(); st.LLMCalls != 3 || st.ToolErrors != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestCancellingParentStopsSubAgent(t *testing.T) {
	started := make(chan struct{}, 1)
	sub := blockingModel(started)
	coord := aitest.NewScripted(aitest.CallTools(aitest.Call("worker", `{"input":"work"}`)), aitest.Reply("never"))
	session := aigentic.NewSession(context.Background())
	run, err := aigentic.Agent{
		Model: coord, Logger: discardLogger(), Session: session,
		Agents: []aigentic.Agent{{Name: "Worker", Model: sub}},
	}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	awaitStart(t, started)
	within(t, 5*time.Second, func() {
		session.Cancel()
		_, err = run.Wait(0)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	var se *aigentic.StoppedError
	if !errors.As(err, &se) {
		t.Fatalf("err %T", err)
	}
	if coord.Calls() != 1 || sub.Calls() != 1 {
		t.Fatalf("coordinator calls %d, sub calls %d", coord.Calls(), sub.Calls())
	}
}

// A sub-agent uses its own tools and limits; its tool call is its own.
func TestSubAgentWithTools(t *testing.T) {
	tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.Text("21"), nil }}
	sub := aitest.NewScripted(aitest.CallTools(aitest.Call("half", `{}`)), aitest.Reply("half is 21"))
	coord := aitest.NewScripted(aitest.CallTools(aitest.Call("math", `{"input":"half of 42"}`)), aitest.Reply("21"))
	got, err := aigentic.Agent{
		Model: coord, Logger: discardLogger(),
		Agents: []aigentic.Agent{{Name: "Math", Model: sub, AgentTools: []aigentic.AgentTool{tool.Tool("half", nil)}}},
	}.Execute("half of 42?")
	if err != nil || got != "21" || tool.Count() != 1 {
		t.Fatalf("run = %q, %v, tool %d", got, err, tool.Count())
	}
	if tm := toolMessages(coord.Requests()[1].Messages); tm[0].Content != "half is 21" {
		t.Fatalf("coordinator got %+v", tm)
	}
	// The coordinator is not offered the sub-agent's tools.
	if n := len(coord.Requests()[0].Tools); n != 1 {
		t.Fatalf("coordinator offered %d tools", n)
	}
}

// A sub-agent's approval request arrives on the coordinator's Next(), with
// the sub-agent's run ID, and is answered with the coordinator's Approve.
func TestSubAgentApprovalOnCoordinatorEvents(t *testing.T) {
	for _, approve := range []bool{true, false} {
		t.Run(fmt.Sprintf("approve=%t", approve), func(t *testing.T) {
			guarded := &countingTool{}
			tool := guarded.Tool("delete_all", nil)
			tool.RequireApproval = true
			sub := aitest.NewScripted(aitest.CallTools(aitest.Call("delete_all", `{}`)), aitest.Reply("janitor done"))
			coord := aitest.NewScripted(aitest.CallTools(aitest.Call("janitor", `{"input":"clean up"}`)), aitest.Reply("coordinator done"))
			run, err := aigentic.Agent{
				Model: coord, Logger: discardLogger(),
				Agents: []aigentic.Agent{{Name: "Janitor", Model: sub, AgentTools: []aigentic.AgentTool{tool}}},
			}.Start("clean")
			if err != nil {
				t.Fatal(err)
			}
			var asked *aigentic.ApprovalEvent
			var got string
			within(t, 5*time.Second, func() {
				for ev := range run.Next() {
					if ae, ok := ev.(*aigentic.ApprovalEvent); ok {
						asked = ae
						if err := run.Approve(ae.ApprovalID, approve); err != nil {
							t.Errorf("Approve: %v", err)
						}
					}
				}
				got, err = run.Wait(0)
			})
			if err != nil || got != "coordinator done" {
				t.Fatalf("run = %q, %v", got, err)
			}
			if asked == nil || asked.ToolName != "delete_all" || asked.RunID == run.ID() || !strings.HasPrefix(asked.ApprovalID, asked.RunID+"/") {
				t.Fatalf("approval event = %+v, want the sub-agent's, with its run ID", asked)
			}
			want := 0
			if approve {
				want = 1
			}
			if guarded.Count() != want {
				t.Fatalf("tool ran %d times, want %d", guarded.Count(), want)
			}
			tm := toolMessages(sub.Requests()[1].Messages)
			if tm[0].IsError == approve {
				t.Fatalf("sub-agent saw %+v", tm)
			}
		})
	}
}

// In a run without events (Execute), nobody can answer: a sub-agent's
// approval is denied at once instead of waiting out the timeout.
func TestSubAgentApprovalDeniedAtOnceWithoutEvents(t *testing.T) {
	guarded := &countingTool{}
	tool := guarded.Tool("delete_all", nil)
	tool.RequireApproval = true
	sub := aitest.NewScripted(aitest.CallTools(aitest.Call("delete_all", `{}`)), aitest.Reply("I was not allowed to delete"))
	coord := aitest.NewScripted(aitest.CallTools(aitest.Call("janitor", `{"input":"clean up"}`)), aitest.Reply("nothing deleted"))
	var got string
	var err error
	within(t, 5*time.Second, func() {
		got, err = aigentic.Agent{
			Model: coord, Logger: discardLogger(),
			Agents: []aigentic.Agent{{Name: "Janitor", Model: sub, AgentTools: []aigentic.AgentTool{tool}}},
		}.Execute("clean")
	})
	if err != nil || got != "nothing deleted" || guarded.Count() != 0 {
		t.Fatalf("run = %q, %v; tool ran %d", got, err, guarded.Count())
	}
	if tm := toolMessages(sub.Requests()[1].Messages); !tm[0].IsError || !strings.Contains(tm[0].Content, "not run") {
		t.Fatalf("sub-agent saw %+v", tm)
	}
}

// A sub-agent's settings are checked when the top-level run starts, at
// every depth, not when the model first calls it; one without a Model
// uses its parent's.
func TestSubAgentSettingsCheckedAtStart(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("ok"))
	deep := aigentic.Agent{Name: "leaf", Retries: -1}
	for _, c := range []struct {
		agents []aigentic.Agent
		want   string
	}{
		{[]aigentic.Agent{{Name: "helper", Retries: -1}}, `sub-agent "helper"`},
		{[]aigentic.Agent{{Name: "mid", Agents: []aigentic.Agent{deep}}}, `sub-agent "mid": sub-agent "leaf"`},
	} {
		_, err := (aigentic.Agent{Model: model, Logger: discardLogger(), Agents: c.agents}).Start("hi")
		if !errors.Is(err, aigentic.ErrInvalidAgent) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want ErrInvalidAgent naming %s", err, c.want)
		}
	}
	if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), Agents: []aigentic.Agent{{Name: "helper"}}}).Execute("hi"); err != nil {
		t.Errorf("a sub-agent without a Model: %v", err)
	}
}
