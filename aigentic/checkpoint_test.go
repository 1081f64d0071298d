package aigentic_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// keyedTool records each execution's idempotency key.
type keyedTool struct {
	mu   sync.Mutex
	keys []string
}

func (k *keyedTool) tool(name string) aigentic.AgentTool {
	return aigentic.AgentTool{
		Name: name, Description: "records " + name,
		Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
			k.mu.Lock()
			k.keys = append(k.keys, run.IdempotencyKey())
			k.mu.Unlock()
			return ai.Text(name + " done"), nil
		},
	}
}

func (k *keyedTool) Keys() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.keys...)
}

// recorder keeps every checkpoint, as JSON, the way a store would.
type recorder struct {
	mu  sync.Mutex
	cps [][]byte
}

func (r *recorder) Save(_ context.Context, cp *aigentic.Checkpoint) error {
	b, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.cps = append(r.cps, b)
	r.mu.Unlock()
	return nil
}

func (r *recorder) At(t *testing.T, i int) *aigentic.Checkpoint {
	t.Helper()
	var cp aigentic.Checkpoint
	if err := json.Unmarshal(r.cps[i], &cp); err != nil {
		t.Fatal(err)
	}
	return &cp
}

// threeSteps: a tool, another tool, then the answer.
func threeSteps() []aitest.Step {
	return []aitest.Step{
		aitest.CallTools(ai.ToolCall{ID: "call_a", Name: "first", Arguments: `{}`}),
		aitest.CallTools(ai.ToolCall{ID: "call_b", Name: "second", Arguments: `{}`}),
		aitest.Reply("all done"),
	}
}

// A durable run saves after every model response and every tool result,
// in order, each checkpoint holding the transcript so far.
func TestDurableRunSavesAfterEveryStep(t *testing.T) {
	var rec recorder
	tools := &keyedTool{}
	model := aitest.NewScripted(threeSteps()...)
	agent := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tools.tool("first"), tools.tool("second")}}
	got, err := agent.ExecuteDurable("go", aigentic.Durable{Key: "job-7", Save: rec.Save})
	if err != nil || got != "all done" {
		t.Fatalf("ExecuteDurable = %q, %v", got, err)
	}
	want := []aigentic.CheckpointStep{aigentic.StepModelResponse, aigentic.StepToolResult, aigentic.StepModelResponse, aigentic.StepToolResult, aigentic.StepModelResponse}
	if len(rec.cps) != len(want) {
		t.Fatalf("%d checkpoints, want %d", len(rec.cps), len(want))
	}
	for i, step := range want {
		cp := rec.At(t, i)
		if cp.Step != step || cp.Key != "job-7" || len(cp.Messages) != i+2 {
			t.Fatalf("checkpoint %d: step %s key %q %d messages; want %s, job-7, %d", i, cp.Step, cp.Key, len(cp.Messages), step, i+2)
		}
	}
	if last := rec.At(t, 4); last.Calls != 3 || last.Stats.LLMCalls != 3 || last.Stats.ToolCalls != 2 || last.Stats.InputTokens != 30 {
		t.Fatalf("last checkpoint counters: calls %d, stats %+v", last.Calls, last.Stats)
	}
	if keys := tools.Keys(); !reflect.DeepEqual(keys, []string{"job-7/call_a", "job-7/call_b"}) {
		t.Fatalf("idempotency keys %q", keys)
	}
}

// Resuming from each checkpoint: no saved model response is requested
// again, no tool with a saved result runs again, a tool call in flight
// (saved response, no saved result) runs again with the same key, and the
// run ends with the same answer and counters.
func TestResumeFromEveryCheckpoint(t *testing.T) {
	var rec recorder
	orig := &keyedTool{}
	agent := aigentic.Agent{Logger: discardLogger(), AgentTools: []aigentic.AgentTool{orig.tool("first"), orig.tool("second")}}
	agent.Model = aitest.NewScripted(threeSteps()...)
	if _, err := agent.ExecuteDurable("go", aigentic.Durable{Key: "job-7", Save: rec.Save}); err != nil {
		t.Fatal(err)
	}
	origKeys := orig.Keys()
	// After checkpoint i, the steps still to do: model responses and tools.
	cases := []struct {
		modelLeft int
		toolsRun  []string
	}{
		{2, origKeys},     // response 1 saved, tool "first" in flight
		{2, origKeys[1:]}, // first's result saved
		{1, origKeys[1:]}, // response 2 saved, tool "second" in flight
		{1, nil},          // second's result saved
		{0, nil},          // the answer saved
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("after_checkpoint_%d", i), func(t *testing.T) {
			steps := threeSteps()
			model := aitest.NewScripted(steps[len(steps)-c.modelLeft:]...)
			again := &keyedTool{}
			var rec2 recorder
			a := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{again.tool("first"), again.tool("second")}}
			got, err := a.ExecuteDurable("ignored", aigentic.Durable{Key: "job-7", From: rec.At(t, i), Save: rec2.Save})
			if err != nil || got != "all done" {
				t.Fatalf("resumed run = %q, %v", got, err)
			}
			if model.Calls() != c.modelLeft || model.Remaining() != 0 {
				t.Fatalf("model got %d requests, want %d", model.Calls(), c.modelLeft)
			}
			if keys := again.Keys(); !reflect.DeepEqual(keys, c.toolsRun) {
				t.Fatalf("tools ran with keys %q, want %q", keys, c.toolsRun)
			}
			final := rec.At(t, 4)
			if len(rec2.cps) > 0 {
				final = rec2.At(t, len(rec2.cps)-1)
			}
			if final.Calls != 3 || final.Stats.LLMCalls != 3 || final.Stats.ToolCalls != 2 || !reflect.DeepEqual(final.Messages, rec.At(t, 4).Messages) {
				t.Fatalf("resumed run ended with calls %d stats %+v, %d messages", final.Calls, final.Stats, len(final.Messages))
			}
			// The first request after resuming carries the whole saved transcript.
			if c.modelLeft > 0 {
				if n, want := len(model.Requests()[0].Messages), len(rec.At(t, 4).Messages)-2*c.modelLeft+1; n != want {
					t.Fatalf("first request after resume has %d messages, want %d", n, want)
				}
			}
		})
	}
}

// MaxLLMCalls counts the calls made before the resume.
func TestResumeCountsEarlierCallsAgainstLimit(t *testing.T) {
	var rec recorder
	tools := &keyedTool{}
	agent := aigentic.Agent{Model: aitest.NewScripted(threeSteps()...), Logger: discardLogger(), MaxLLMCalls: 2,
		AgentTools: []aigentic.AgentTool{tools.tool("first"), tools.tool("second")}}
	_, err := agent.ExecuteDurable("go", aigentic.Durable{Key: "k", Save: rec.Save})
	if !errors.Is(err, aigentic.ErrMaxLLMCalls) {
		t.Fatalf("err = %v, want the limit", err)
	}
	// Resume from the second response: its call stays pending, no model call.
	model := aitest.NewScripted()
	agent.Model = model
	_, err = agent.ExecuteDurable("", aigentic.Durable{Key: "k", From: rec.At(t, 2)})
	var le *aigentic.LimitError
	if !errors.As(err, &le) || len(le.Pending) != 1 || le.Pending[0].Name != "second" || model.Calls() != 0 {
		t.Fatalf("resumed at the limit: err %v, model calls %d", err, model.Calls())
	}
	// Resume from the first tool result with one call left: the model is asked
	// once, then the limit holds.
	model = aitest.NewScripted(threeSteps()[1:]...)
	agent.Model = model
	_, err = agent.ExecuteDurable("", aigentic.Durable{Key: "k", From: rec.At(t, 1)})
	if !errors.As(err, &le) || le.Calls != 2 || model.Calls() != 1 {
		t.Fatalf("err %v, model calls %d; want the limit after 1 more call", err, model.Calls())
	}
}

// A failed save stops the run before the next step: the tool whose call
// could not be saved never runs.
func TestCheckpointSaveFailureStopsRun(t *testing.T) {
	tools := &keyedTool{}
	boom := errors.New("disk full")
	agent := aigentic.Agent{Model: aitest.NewScripted(threeSteps()...), Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tools.tool("first"), tools.tool("second")}}
	_, err := agent.ExecuteDurable("go", aigentic.Durable{Save: func(context.Context, *aigentic.Checkpoint) error { return boom }})
	var ce *aigentic.CheckpointError
	if !errors.Is(err, aigentic.ErrCheckpoint) || !errors.Is(err, boom) || !errors.As(err, &ce) || ce.Step != aigentic.StepModelResponse {
		t.Fatalf("err = %v", err)
	}
	if len(tools.Keys()) != 0 {
		t.Fatal("a tool ran after its checkpoint failed")
	}
}

// The save sees the step even when the run is being cancelled: its context
// is not cancelled with the run.
func TestCheckpointSavedWhileStopping(t *testing.T) {
	session := aigentic.NewSession(context.Background())
	var saveCtxErr error
	agent := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("done")), Session: session, Logger: discardLogger()}
	_, _ = agent.ExecuteDurable("go", aigentic.Durable{Save: func(ctx context.Context, _ *aigentic.Checkpoint) error {
		session.Cancel()
		saveCtxErr = ctx.Err()
		return nil
	}})
	if saveCtxErr != nil {
		t.Fatalf("save context ended with the run: %v", saveCtxErr)
	}
}

func TestResumeRejectsEmptyCheckpoint(t *testing.T) {
	_, err := aigentic.Agent{Model: aitest.NewScripted()}.StartDurable("x", aigentic.Durable{From: &aigentic.Checkpoint{}})
	if !errors.Is(err, aigentic.ErrInvalidCheckpoint) {
		t.Fatalf("err = %v", err)
	}
}

// Without Durable, the key is the run's ID and the call's; outside a tool
// call it is empty.
func TestIdempotencyKeyOfPlainRun(t *testing.T) {
	tools := &keyedTool{}
	run, err := aigentic.Agent{Model: aitest.NewScripted(threeSteps()...), Logger: discardLogger(),
		AgentTools: []aigentic.AgentTool{tools.tool("first"), tools.tool("second")}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	for range run.Next() {
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if keys := tools.Keys(); keys[0] != run.ID()+"/call_a" || keys[1] != run.ID()+"/call_b" {
		t.Fatalf("keys %q", keys)
	}
	if k := run.IdempotencyKey(); k != "" {
		t.Fatalf("key outside a tool call = %q", k)
	}
}

// A sub-agent's tool call is keyed under the parent's key for the
// delegation.
func TestIdempotencyKeyInSubAgent(t *testing.T) {
	tools := &keyedTool{}
	sub := aigentic.Agent{Name: "helper", Model: aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "sub_1", Name: "first", Arguments: `{}`}), aitest.Reply("helped")),
		AgentTools: []aigentic.AgentTool{tools.tool("first")}}
	parent := aigentic.Agent{Model: aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "del_1", Name: "helper", Arguments: `{"input":"help"}`}), aitest.Reply("done")),
		Logger: discardLogger(), Agents: []aigentic.Agent{sub}}
	if _, err := parent.ExecuteDurable("go", aigentic.Durable{Key: "job-9"}); err != nil {
		t.Fatal(err)
	}
	if keys := tools.Keys(); len(keys) != 1 || keys[0] != "job-9/del_1/sub_1" {
		t.Fatalf("keys %q", keys)
	}
}

// A resumed run's Budget counts the work done before the resume: with one
// tool call allowed and one already made, the next one is refused.
func TestResumeCountsEarlierWorkAgainstBudget(t *testing.T) {
	var rec recorder
	tools := &keyedTool{}
	agent := aigentic.Agent{Model: aitest.NewScripted(threeSteps()...), Logger: discardLogger(),
		AgentTools: []aigentic.AgentTool{tools.tool("first"), tools.tool("second")}}
	if _, err := agent.ExecuteDurable("go", aigentic.Durable{Key: "k", Save: rec.Save}); err != nil {
		t.Fatal(err)
	}
	again := &keyedTool{}
	agent.AgentTools = []aigentic.AgentTool{again.tool("first"), again.tool("second")}
	agent.Model = aitest.NewScripted(threeSteps()[1:]...)
	agent.Budget = aigentic.Budget{MaxToolCalls: 1}
	_, err := agent.ExecuteDurable("", aigentic.Durable{Key: "k", From: rec.At(t, 1)})
	var le *aigentic.LimitError
	if !errors.As(err, &le) || le.Exceeded != aigentic.LimitBudgetToolCalls || len(again.Keys()) != 0 {
		t.Fatalf("err %v, tools run %q; want the tool-call budget to hold", err, again.Keys())
	}
	// Resumed with the second call pending: the budget refuses it too.
	agent.Model = aitest.NewScripted(threeSteps()[2:]...)
	_, err = agent.ExecuteDurable("", aigentic.Durable{Key: "k", From: rec.At(t, 2)})
	if !errors.As(err, &le) || le.Exceeded != aigentic.LimitBudgetToolCalls || len(again.Keys()) != 0 {
		t.Fatalf("pending call: err %v, tools run %q", err, again.Keys())
	}
}

// A checkpoint of a run that had made no model call yet (only the user's
// message, Calls 0: one built by hand, or saved before the first call) is
// a valid place to resume from: the run makes its first call.
func TestResumeBeforeTheFirstModelCall(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("done"))
	cp := &aigentic.Checkpoint{Key: "job-0", Messages: []ai.Message{{Role: ai.RoleUser, Content: "start"}}, Calls: 0}
	got, err := aigentic.Agent{Model: model, Logger: discardLogger()}.ExecuteDurable("", aigentic.Durable{Key: "job-0", From: cp})
	if err != nil || got != "done" || model.Calls() != 1 {
		t.Fatalf("resumed: %q, %v after %d model calls; want the first call's answer", got, err, model.Calls())
	}
}
