package otelagent_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// spanRecorder returns a tracer provider whose ended spans the recorder
// keeps (synchronously: no batching, nothing to flush).
// spanTree indexes recorded spans by name and parent.
type spanTree []sdktrace.ReadOnlySpan

func (st spanTree) named(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range st {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func (st spanTree) one(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	got := st.named(name)
	if len(got) != 1 {
		t.Fatalf("%d spans %q, want 1; all: %v", len(got), name, st.names())
	}
	return got[0]
}

func (st spanTree) names() []string {
	var out []string
	for _, s := range st {
		out = append(out, s.Name())
	}
	return out
}

func childOf(child, parent sdktrace.ReadOnlySpan) bool {
	return child.Parent().SpanID() == parent.SpanContext().SpanID() && child.SpanContext().TraceID() == parent.SpanContext().TraceID()
}

// attrs returns a span's (or event's) attributes as a map.
func attrs(kvs []attribute.KeyValue) map[string]attribute.Value {
	m := map[string]attribute.Value{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

func wantAttr(t *testing.T, s sdktrace.ReadOnlySpan, key string, want any) {
	t.Helper()
	v, ok := attrs(s.Attributes())[key]
	if !ok {
		t.Errorf("span %q has no %s; attributes %v", s.Name(), key, s.Attributes())
		return
	}
	if got := v.AsInterface(); !equalAttr(got, want) {
		t.Errorf("span %q: %s = %v (%T), want %v", s.Name(), key, got, got, want)
	}
}

func equalAttr(got, want any) bool {
	switch w := want.(type) {
	case int:
		g, ok := got.(int64)
		return ok && g == int64(w)
	case []string:
		g, ok := got.([]string)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range g {
			if g[i] != w[i] {
				return false
			}
		}
		return true
	}
	return got == want
}

// A retried model call shows each attempt as a chat span: the failed one
// with status Error, error.type and the backoff as an event; the tool call
// is an execute_tool span; all under the run's invoke_agent span.
func TestOTelSpansRetryAndTool(t *testing.T) {
	tp, sr := spanRecorder(t)
	s := &sleeper{}
	inner := aitest.NewScripted(
		aitest.Step{Response: &ai.Response{
			Message:      ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "call_a", Name: "lookup", Arguments: `{}`}}},
			Usage:        ai.Usage{InputTokens: 11, OutputTokens: 4},
			FinishReason: "tool_calls", ID: "resp-1", Model: "scripted-2026",
		}},
		aitest.Reply("done"),
	)
	model := aitest.Inject(inner).FailNext(aitest.StatusError(503, 0))
	tool := &countingTool{}
	session := aigentic.NewSession(context.Background())
	run, err := aigentic.Agent{
		Model: model, Name: "planner", Logger: discardLogger(), Session: session, TracerProvider: tp,
		Retries: 1, RetryPolicy: s.Policy(), AgentTools: []aigentic.AgentTool{tool.Tool("lookup", nil)},
	}.Start("plan")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	st := spanTree(sr.Ended())
	root := st.one(t, "invoke_agent planner")
	if root.SpanKind() != trace.SpanKindInternal || root.Parent().IsValid() {
		t.Errorf("run span kind %v, parent %v", root.SpanKind(), root.Parent())
	}
	wantAttr(t, root, "gen_ai.operation.name", "invoke_agent")
	wantAttr(t, root, "gen_ai.agent.name", "planner")
	wantAttr(t, root, "gen_ai.agent.id", run.ID())
	wantAttr(t, root, "gen_ai.conversation.id", session.ID)
	wantAttr(t, root, "gen_ai.provider.name", "aitest")
	wantAttr(t, root, "gen_ai.request.model", "scripted")
	wantAttr(t, root, "gen_ai.usage.input_tokens", 21)
	if root.Status().Code == codes.Error {
		t.Errorf("successful run has status %v", root.Status())
	}

	chats := st.named("chat scripted")
	if len(chats) != 3 {
		t.Fatalf("%d chat spans, want 3 (two attempts of call 1, call 2): %v", len(chats), st.names())
	}
	failed, retried, final := chats[0], chats[1], chats[2]
	for _, c := range chats {
		if c.SpanKind() != trace.SpanKindClient || !childOf(c, root) {
			t.Errorf("chat span kind %v, child of run %t", c.SpanKind(), childOf(c, root))
		}
		wantAttr(t, c, "gen_ai.operation.name", "chat")
		wantAttr(t, c, "gen_ai.request.model", "scripted")
	}
	if failed.Status().Code != codes.Error || !strings.Contains(failed.Status().Description, "503") {
		t.Errorf("failed attempt status = %+v", failed.Status())
	}
	wantAttr(t, failed, "error.type", "503")
	if len(failed.Events()) != 1 || failed.Events()[0].Name != "aigentic.retry" {
		t.Fatalf("failed attempt events = %+v", failed.Events())
	}
	ev := attrs(failed.Events()[0].Attributes)
	if d := s.Delays(); len(d) != 1 || ev["aigentic.retry.delay"].AsFloat64() != d[0].Seconds() || ev["aigentic.retry.next_attempt"].AsInt64() != 2 {
		t.Errorf("backoff event = %v", ev)
	}
	if retried.Status().Code == codes.Error {
		t.Errorf("second attempt status = %+v", retried.Status())
	}
	wantAttr(t, retried, "gen_ai.response.id", "resp-1")
	wantAttr(t, retried, "gen_ai.response.model", "scripted-2026")
	wantAttr(t, retried, "gen_ai.response.finish_reasons", []string{"tool_calls"})
	wantAttr(t, retried, "gen_ai.usage.input_tokens", 11)
	wantAttr(t, retried, "gen_ai.usage.output_tokens", 4)
	wantAttr(t, final, "gen_ai.usage.input_tokens", 10)

	ts := st.one(t, "execute_tool lookup")
	if !childOf(ts, root) || ts.SpanKind() != trace.SpanKindInternal {
		t.Errorf("tool span kind %v, child of run %t", ts.SpanKind(), childOf(ts, root))
	}
	wantAttr(t, ts, "gen_ai.operation.name", "execute_tool")
	wantAttr(t, ts, "gen_ai.tool.name", "lookup")
	wantAttr(t, ts, "gen_ai.tool.call.id", "call_a")
	wantAttr(t, ts, "gen_ai.tool.type", "function")
	// In time order: the tool runs between the second attempt and call 2.
	if ts.StartTime().Before(retried.EndTime()) || final.StartTime().Before(ts.EndTime()) {
		t.Error("spans out of order")
	}
}

// The context Model.Generate gets carries the attempt's chat span, so an
// instrumented HTTP client nests under it — with or without an attempt
// timeout.
func TestOTelChatSpanInGenerateContext(t *testing.T) {
	for _, timeout := range []time.Duration{0, 5 * time.Second} {
		tp, sr := spanRecorder(t)
		var seen []trace.SpanContext
		model := &funcModel{Name: "m", Fn: func(ctx context.Context, req ai.Request) (*ai.Response, error) {
			seen = append(seen, trace.SpanFromContext(ctx).SpanContext())
			return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "hi"}}, nil
		}}
		if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), TracerProvider: tp,
			RetryPolicy: &aigentic.RetryPolicy{AttemptTimeout: timeout}}).Execute("hello"); err != nil {
			t.Fatal(err)
		}
		chat := spanTree(sr.Ended()).one(t, "chat m")
		if len(seen) != 1 || !seen[0].Equal(chat.SpanContext()) {
			t.Fatalf("attempt timeout %s: Generate's context span = %v, chat span = %v", timeout, seen, chat.SpanContext())
		}
	}
}

// A sub-agent's run span nests under its parent's execute_tool span, and
// the sub-agent inherits its parent's TracerProvider.
func TestOTelSubAgentNestsUnderToolSpan(t *testing.T) {
	tp, sr := spanRecorder(t)
	sub := aitest.NewScripted(aitest.Reply("X is 42"))
	coord := aitest.NewScripted(aitest.CallTools(aitest.Call("researcher", `{"input":"find X"}`)), aitest.Reply("42"))
	if _, err := (aigentic.Agent{Model: coord, Name: "coordinator", Logger: discardLogger(), TracerProvider: tp,
		Agents: []aigentic.Agent{{Name: "researcher", Model: sub}}}).Execute("X?"); err != nil {
		t.Fatal(err)
	}
	st := spanTree(sr.Ended())
	parent := st.one(t, "invoke_agent coordinator")
	tool := st.one(t, "execute_tool researcher")
	child := st.one(t, "invoke_agent researcher")
	if !childOf(tool, parent) || !childOf(child, tool) {
		t.Fatalf("tree: tool under run %t, sub-agent run under tool %t", childOf(tool, parent), childOf(child, tool))
	}
	if chats := st.named("chat scripted"); len(chats) != 3 {
		t.Fatalf("%d chat spans, want 3", len(chats))
	}
	for _, c := range st.named("chat scripted") {
		if !childOf(c, parent) && !childOf(c, child) {
			t.Errorf("chat span outside the runs: parent %v", c.Parent())
		}
	}
}

// A cancelled run ends its spans with status Error and error.type.
func TestOTelCanceledRun(t *testing.T) {
	tp, sr := spanRecorder(t)
	started := make(chan struct{}, 1)
	session := aigentic.NewSession(context.Background())
	run, err := aigentic.Agent{Model: blockingModel(started), Logger: discardLogger(), Session: session, TracerProvider: tp}.Start("wait")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	session.Cancel()
	if _, err := run.Wait(0); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	st := spanTree(sr.Ended())
	root := st.one(t, "invoke_agent agent")
	if root.Status().Code != codes.Error {
		t.Errorf("run status %+v", root.Status())
	}
	wantAttr(t, root, "error.type", "canceled")
	chat := st.one(t, "chat blocking")
	if chat.Status().Code != codes.Error {
		t.Errorf("chat status %+v", chat.Status())
	}
	wantAttr(t, chat, "error.type", "canceled")
}

// Message content stays off the spans unless the environment asks for
// it, and then it is redacted.
func TestOTelMessageContent(t *testing.T) {
	const secret = "sk-proj-abcdefghijklmnop1234"
	runOnce := func() spanTree {
		tp, sr := spanRecorder(t)
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{"key":"`+secret+`"}`)), aitest.Reply("used "+secret))
		tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.Text("echo " + secret), nil }}
		if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), TracerProvider: tp, Instructions: "be brief",
			AgentTools: []aigentic.AgentTool{tool.Tool("echo", nil)}}).Execute("my key is " + secret); err != nil {
			t.Fatal(err)
		}
		return spanTree(sr.Ended())
	}
	contentKeys := []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result"}

	t.Setenv(aigentic.CaptureContentEnv, "")
	for _, s := range runOnce() {
		for _, k := range contentKeys {
			if _, ok := attrs(s.Attributes())[k]; ok {
				t.Errorf("content off, but span %q has %s", s.Name(), k)
			}
		}
	}

	t.Setenv(aigentic.CaptureContentEnv, "true")
	st := runOnce()
	found := map[string]string{}
	for _, s := range st {
		for k, v := range attrs(s.Attributes()) {
			if strings.Contains(v.String(), "sk-proj") {
				t.Errorf("span %q: %s holds the secret: %s", s.Name(), k, v.String())
			}
			for _, ck := range contentKeys {
				if k == ck {
					found[k] = v.String()
				}
			}
		}
	}
	for _, k := range contentKeys {
		if found[k] == "" {
			t.Errorf("content on, no %s; spans %v", k, st.names())
		}
	}
	first := st.named("chat scripted")[0]
	in := attrs(first.Attributes())["gen_ai.input.messages"].AsString()
	if !strings.Contains(in, `"role":"user"`) || !strings.Contains(in, `"type":"text"`) || !strings.Contains(in, "my key is [REDACTED]") {
		t.Errorf("input messages = %s", in)
	}
	if !strings.Contains(found["gen_ai.system_instructions"], "be brief") {
		t.Errorf("system instructions = %s", found["gen_ai.system_instructions"])
	}
}

// With no providers on the agent, runs use the global ones — the ones the
// program set with otel.SetTracerProvider and otel.SetMeterProvider.
func TestOTelGlobalProviders(t *testing.T) {
	tp, sr := spanRecorder(t)
	mp, reader := meterReader(t)
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	t.Cleanup(func() {
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
		otel.SetMeterProvider(metricnoop.NewMeterProvider())
	})
	if _, err := (aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("hi")), Name: "global", Logger: discardLogger()}).Execute("hi"); err != nil {
		t.Fatal(err)
	}
	spanTree(sr.Ended()).one(t, "invoke_agent global")
	if n := collect(t, reader).count(t, "aigentic.runs", map[string]string{"outcome": "ok"}); n != 1 {
		t.Fatalf("aigentic.runs = %v", n)
	}
}

// ExecuteContext's run span is a child of the caller's span: an HTTP
// handler's trace continues into the agent.
func TestExecuteContextContinuesTheCallersTrace(t *testing.T) {
	tp, sr := spanRecorder(t)
	ctx, request := tp.Tracer("test").Start(context.Background(), "POST /ask")
	model := aitest.NewScripted(aitest.Reply("hi"))
	if _, err := (aigentic.Agent{Model: model, Name: "helper", Logger: discardLogger(), TracerProvider: tp}).ExecuteContext(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	request.End()
	st := spanTree(sr.Ended())
	if run, req := st.one(t, "invoke_agent helper"), st.one(t, "POST /ask"); !childOf(run, req) {
		t.Fatalf("run span parent %v, want the caller's span %v", run.Parent().SpanID(), req.SpanContext().SpanID())
	}
}
