package otelagent_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/otelagent"
)

// driver feeds an Observer the steps of one run by hand, in the order and
// with the contexts the runtime uses (hook.Observer's rules): a step the
// runtime never sends as such (an empty request, a wait of exactly one
// millisecond, a provider's malformed string) can be shown to it exactly.
type driver struct {
	o   *otelagent.Observer
	run *hook.RunInfo
	ctx context.Context // the run's, from RunStart
}

// runInfo is the run a driver reports: agent "bot" of provider "acme",
// asking for model "scripted".
func runInfo() *hook.RunInfo {
	return &hook.RunInfo{ID: "run_1", AgentName: "bot", SessionID: "session_1", Model: "scripted", Provider: "acme",
		Started: time.Unix(1_700_000_000, 0)}
}

// drive starts a run on a new Observer of tp and mp.
func drive(t *testing.T, tp trace.TracerProvider, mp metric.MeterProvider) *driver {
	t.Helper()
	d := &driver{o: otelagent.New(tp, mp), run: runInfo()}
	d.ctx = d.o.Observe(context.Background(), &hook.RunStart{Run: d.run, Message: "hi"})
	return d
}

// model reports one model attempt sending req and answered with resp.
func (d *driver) model(req *ai.Request, resp *ai.Response) {
	ctx := d.o.Observe(d.ctx, &hook.ModelStart{Run: d.run, Call: 1, Attempt: 1, Request: req})
	d.o.Observe(ctx, &hook.ModelEnd{Run: d.run, Call: 1, Attempt: 1, Response: resp, Duration: time.Millisecond})
}

// answer reports a model attempt answered with resp to a one-message request.
func (d *driver) answer(resp *ai.Response) {
	d.model(&ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}}}, resp)
}

// step reports a step that begins nothing, in the run's context.
func (d *driver) step(s hook.Step) { d.o.Observe(d.ctx, s) }

// end reports the run's successful end with stats.
func (d *driver) end(stats hook.Stats) {
	d.o.Observe(d.ctx, &hook.RunEnd{Run: d.run, Result: "done", Outcome: "ok", Stats: stats})
}

// reply is a final answer with usage u.
func reply(u ai.Usage) *ai.Response {
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "done"}, Usage: u, FinishReason: "stop"}
}

// hasAttr reports whether span s has attribute key.
func hasAttr(s sdktrace.ReadOnlySpan, key string) bool {
	_, ok := attrs(s.Attributes())[key]
	return ok
}
