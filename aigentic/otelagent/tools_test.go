package otelagent_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A tool's error result and a tool's failure mark its span as failed.
func TestOTelToolErrorSpans(t *testing.T) {
	tp, sr := spanRecorder(t)
	broken := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.ErrorText("no such city"), nil }}
	crash := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return nil, errors.New("disk on fire") }}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("weather", `{}`), aitest.Call("crash", `{}`)))
	_, err := aigentic.Agent{Model: model, Logger: discardLogger(), TracerProvider: tp,
		AgentTools: []aigentic.AgentTool{broken.Tool("weather", nil), crash.Tool("crash", nil)}}.Execute("go")
	var te *aigentic.ToolError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v", err)
	}
	st := spanTree(sr.Ended())
	w := st.one(t, "execute_tool weather")
	if w.Status().Code != codes.Error {
		t.Errorf("error result: status %+v", w.Status())
	}
	wantAttr(t, w, "error.type", "error_result")
	c := st.one(t, "execute_tool crash")
	if c.Status().Code != codes.Error || !strings.Contains(c.Status().Description, "disk on fire") {
		t.Errorf("failed tool: status %+v", c.Status())
	}
	wantAttr(t, c, "error.type", "*errors.errorString")
	root := st.one(t, "invoke_agent agent")
	if root.Status().Code != codes.Error {
		t.Errorf("run status %+v", root.Status())
	}
	wantAttr(t, root, "error.type", "tool_error")
}

// A tool past its timeout (AgentTool.Timeout) is an error result the model
// sees; its span says it was the timeout.
func TestOTelToolTimeoutSpan(t *testing.T) {
	tp, sr := spanRecorder(t)
	slow := aigentic.AgentTool{Name: "slow", Timeout: time.Millisecond,
		Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
			<-run.Context().Done()
			return nil, run.Context().Err()
		}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("slow", `{}`)), aitest.Reply("it timed out"))
	if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), TracerProvider: tp,
		AgentTools: []aigentic.AgentTool{slow}}).Execute("go"); err != nil {
		t.Fatal(err)
	}
	s := spanTree(sr.Ended()).one(t, "execute_tool slow")
	if s.Status().Code != codes.Error || !strings.Contains(s.Status().Description, "timeout") {
		t.Errorf("status %+v", s.Status())
	}
	wantAttr(t, s, "error.type", "timeout")
}

// An approval shows on the tool call's span: asked, then answered.
func TestOTelApprovalEvents(t *testing.T) {
	tp, sr := spanRecorder(t)
	var sent []emailInput
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("send_email", `{"to":"a@example.com","subject":"hi"}`)), aitest.Reply("sent"))
	agent := approvalAgent(model, &sent, time.Minute)
	agent.TracerProvider = tp
	run, err := agent.Start("mail a")
	if err != nil {
		t.Fatal(err)
	}
	answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) {
		if err := run.Approve(ev.ApprovalID, true); err != nil {
			t.Error(err)
		}
	})
	if _, err := run.Wait(0); err != nil || len(sent) != 1 {
		t.Fatalf("run: %v, sent %d", err, len(sent))
	}
	span := spanTree(sr.Ended()).one(t, "execute_tool send_email")
	var names []string
	for _, ev := range span.Events() {
		names = append(names, ev.Name)
	}
	if strings.Join(names, ",") != "aigentic.approval.requested,aigentic.approval.answered" {
		t.Fatalf("tool span events = %v", names)
	}
	if a := attrs(span.Events()[1].Attributes); !a["aigentic.approval.approved"].AsBool() || a["aigentic.approval.how"].AsString() != "answered" {
		t.Fatalf("answer event = %v", a)
	}
}

// A tool's Meta in OpenTelemetry's namespaces reaches its span; other keys
// do not, and values are redacted.
func TestOTelToolMetaOnSpan(t *testing.T) {
	tp, sr := spanRecorder(t)
	tool := (&countingTool{}).Tool("orders_lookup", nil)
	tool.Meta = map[string]string{"mcp.method.name": "tools/call", "aigentic.mcp.server": "orders", "network.transport": "pipe",
		"internal.note": "not a span attribute"}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("orders_lookup", `{}`)), aitest.Reply("done"))
	if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), TracerProvider: tp, AgentTools: []aigentic.AgentTool{tool}}).Execute("go"); err != nil {
		t.Fatal(err)
	}
	ts := spanTree(sr.Ended()).one(t, "execute_tool orders_lookup")
	wantAttr(t, ts, "mcp.method.name", "tools/call")
	wantAttr(t, ts, "aigentic.mcp.server", "orders")
	wantAttr(t, ts, "network.transport", "pipe")
	for _, kv := range ts.Attributes() {
		if kv.Key == "internal.note" {
			t.Fatal("a Meta key outside the allowed namespaces reached the span")
		}
	}
}
