package aigentic_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// keyForms is a key and the forms it takes in JSON and URLs.
func keyForms(key string) []string {
	j, _ := json.Marshal(key)
	return []string{key, string(j[1 : len(j)-1]), url.QueryEscape(key), url.PathEscape(key)}
}

// assertNoKey fails when text holds any form of key, or its first 8 bytes
// (a key cut by a truncation).
func assertNoKey(t *testing.T, where, text, key string) {
	t.Helper()
	for _, f := range append(keyForms(key), key[:8]) {
		if strings.Contains(text, f) {
			i := strings.Index(text, f)
			t.Errorf("%s holds %q: …%s…", where, f, text[max(0, i-60):min(len(text), i+len(f)+20)])
		}
	}
}

// eventText is everything an event says, as text.
func eventText(ev aigentic.Event) string {
	switch e := ev.(type) {
	case *aigentic.ToolResponseEvent:
		return fmt.Sprintf("%+v %s", *e, e.Result.String())
	case *aigentic.ErrorEvent:
		return e.Err.Error()
	case *aigentic.RetryEvent:
		return fmt.Sprintf("%+v %v", *e, e.Err)
	}
	return fmt.Sprintf("%+v", ev)
}

// A key in no known format, passed in code to openai.NewModel (which
// registers it), carried by a tool's arguments and result in its raw,
// JSON-escaped and URL-encoded forms and by a failing tool's error, never
// reaches the trace file, the Debug log, the returned error, the events or
// the spans (content capture on) —
// while the tools and the model still get the real data.
func TestCodeKeyNeverReachesTraceLogsErrorsOrEvents(t *testing.T) {
	key := `cOde<kEy>+9f/3Qm=&"zz-` + fmt.Sprint(time.Now().UnixNano()%1e6)
	_ = openai.NewModel("gpt-test", key) // the registration under test

	nested, _ := json.Marshal(map[string]string{"k": key})
	args, _ := json.Marshal(map[string]string{
		"key": key, "url": "https://api.example.com/v1?token=" + url.QueryEscape(key), "nested": string(nested),
	})
	var toolSaw string
	echo := &countingTool{Res: func(a map[string]any) (*ai.ToolResult, error) {
		toolSaw = a["key"].(string)
		return ai.Text("echo " + key + " " + url.QueryEscape(key) + " " + string(nested)), nil
	}}
	failing := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		return nil, fmt.Errorf("upstream said: Authorization: Token %s rejected", key)
	}}
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("echo", string(args))),
		aitest.CallTools(aitest.Call("failing", `{}`)),
	)
	trace := newTestTrace(t)
	logger, buf := newJSONLogger()
	t.Setenv(aigentic.CaptureContentEnv, "true") // spans record messages and tool arguments too
	tp, spans := spanRecorder(t)
	run, err := aigentic.Agent{
		Model: model, Logger: logger, LogLevel: slog.LevelDebug, Trace: trace, TracerProvider: tp,
		AgentTools: []aigentic.AgentTool{echo.Tool("echo", nil), failing.Tool("failing", nil)},
	}.Start("use my key " + key)
	if err != nil {
		t.Fatal(err)
	}
	evs := drain(t, run)
	_, runErr := run.Wait(0)

	// The data path is untouched.
	if toolSaw != key {
		t.Fatalf("the tool got %q, want the real key", toolSaw)
	}
	reqs := model.Requests()
	if last := reqs[len(reqs)-1].Messages; !strings.Contains(last[len(last)-1].Content, key) {
		t.Fatal("the model did not get the real tool result: events must be redacted copies")
	}

	var te *aigentic.ToolError
	if !errors.As(runErr, &te) || te.Tool != "failing" || !strings.Contains(te.Err.Error(), key) {
		t.Fatalf("run error = %v, want a *ToolError from failing carrying the key", runErr)
	}
	assertNoKey(t, "the returned error", runErr.Error(), key)
	if !strings.Contains(runErr.Error(), "[REDACTED]") {
		t.Fatalf("returned error %q", runErr)
	}

	b, err := os.ReadFile(run.TraceFilepath())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "[REDACTED]") {
		t.Fatal("trace has no redaction: did the tools run?")
	}
	assertNoKey(t, "the trace", string(b), key)
	assertNoKey(t, "the Debug log", buf.String(), key)

	var spanText strings.Builder
	for _, sp := range spans.Ended() {
		fmt.Fprintf(&spanText, "%s %s %v\n", sp.Name(), sp.Status().Description, sp.Attributes())
		for _, ev := range sp.Events() {
			fmt.Fprintf(&spanText, "%s %v\n", ev.Name, ev.Attributes)
		}
	}
	if !strings.Contains(spanText.String(), "[REDACTED]") {
		t.Fatalf("spans hold no redacted text (content capture off?):\n%s", spanText.String())
	}
	assertNoKey(t, "the spans", spanText.String(), key)

	kinds := map[string]bool{}
	for _, ev := range evs {
		kinds[fmt.Sprintf("%T", ev)] = true
		assertNoKey(t, fmt.Sprintf("event %T", ev), eventText(ev), key)
	}
	for _, k := range []string{"*aigentic.LLMCallEvent", "*aigentic.ToolEvent", "*aigentic.ToolResponseEvent", "*aigentic.ErrorEvent"} {
		if !kinds[k] {
			t.Fatalf("no %s among the events %v", k, kinds)
		}
	}
}

// The returned error is redacted behind a wrapper that keeps the chain:
// errors.Is/As still find the context error, the typed errors and the
// sentinels.
func TestRedactedErrorKeepsTheChain(t *testing.T) {
	key := "chainKeyNoPrefix-" + fmt.Sprint(time.Now().UnixNano()%1e6)
	_ = openai.NewModel("gpt-test", key)

	t.Run("canceled with a cause", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		stopper := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
			cancel(errors.New("operator stopped the run holding " + key))
			return ai.Text("ok"), nil
		}}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("stop", `{}`)), aitest.Reply("unreachable"))
		_, err := aigentic.Agent{Model: model, Logger: discardLogger(), Session: aigentic.NewSession(ctx),
			AgentTools: []aigentic.AgentTool{stopper.Tool("stop", nil)}}.Execute("go")
		var se *aigentic.StoppedError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &se) {
			t.Fatalf("err = %v: want context.Canceled and *StoppedError through the redaction", err)
		}
		assertNoKey(t, "error", err.Error(), key)
	})
	t.Run("model error", func(t *testing.T) {
		errQuota := errors.New("quota")
		model := aitest.NewScripted(aitest.Fail(fmt.Errorf("%w: key %s is over quota", errQuota, key)))
		_, err := aigentic.Agent{Model: model, Logger: discardLogger()}.Execute("go")
		var mce *aigentic.ModelCallError
		if !errors.As(err, &mce) || !errors.Is(err, errQuota) {
			t.Fatalf("err = %v: want *ModelCallError and the model's sentinel", err)
		}
		assertNoKey(t, "error", err.Error(), key)
	})
	t.Run("tool panic", func(t *testing.T) {
		panicky := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { panic("bad key " + key) }}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("p", `{}`)))
		_, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{panicky.Tool("p", nil)}}.Execute("go")
		var pe *aigentic.PanicError
		if !errors.Is(err, aigentic.ErrToolPanic) || !errors.As(err, &pe) {
			t.Fatalf("err = %v: want ErrToolPanic and *PanicError", err)
		}
		assertNoKey(t, "error", err.Error(), key)
	})
}

// An approval shows redacted arguments; the approved tool gets the real
// ones.
func TestApprovalEventIsRedactedButToolGetsTheValue(t *testing.T) {
	key := "approvalKeyValue-" + fmt.Sprint(time.Now().UnixNano()%1e6)
	_ = openai.NewModel("gpt-test", key)
	var sent []emailInput
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("send_email", `{"to":"`+key+`","subject":"hi"}`)), aitest.Reply("done"))
	run, err := approvalAgent(model, &sent, time.Minute).Start("mail")
	if err != nil {
		t.Fatal(err)
	}
	seen := answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) {
		if err := run.Approve(ev.ApprovalID, true); err != nil {
			t.Error(err)
		}
	})
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || len(sent) != 1 || sent[0].To != key {
		t.Fatalf("approvals %d, sent %+v: the tool must get the real value", len(seen), sent)
	}
	assertNoKey(t, "approval event", fmt.Sprintf("%+v", *seen[0]), key)
	if seen[0].Args["to"] != "[REDACTED]" || seen[0].Args["subject"] != "hi" {
		t.Fatalf("approval args = %v", seen[0].Args)
	}
}

// Tool arguments logged at Debug are cut at a few hundred bytes: a key
// sitting on the cut is redacted first, so not even its start is logged.
func TestKeyOnTheLogTruncationBoundaryIsRedacted(t *testing.T) {
	key := "boundaryKeyValue-" + fmt.Sprint(time.Now().UnixNano()%1e6)
	_ = openai.NewModel("gpt-test", key)
	for pad := 280; pad <= 300; pad += 5 {
		args := `{"note":"` + strings.Repeat("x", pad) + key + `"}`
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("t", args)), aitest.Reply("done"))
		logger, buf := newJSONLogger()
		tool := &countingTool{}
		if _, err := (aigentic.Agent{Model: model, Logger: logger, LogLevel: slog.LevelDebug,
			AgentTools: []aigentic.AgentTool{tool.Tool("t", nil)}}).Execute("go"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `"msg":"tool call"`) {
			t.Fatal("no tool call record")
		}
		assertNoKey(t, fmt.Sprintf("log (pad %d)", pad), buf.String(), key)
	}
}

// Log records hold at most SetLogValueLimit bytes of any string, after
// redaction, with a visible marker; the default is 4 KiB; configurable.
func TestLogValuesAreCapped(t *testing.T) {
	key := "capKeyValueNoPrefix-" + fmt.Sprint(time.Now().UnixNano()%1e6)
	_ = openai.NewModel("gpt-test", key)
	// A Go error of 10 KiB whose key straddles the 4 KiB cut: the record's
	// text starts with the 27 bytes of `aigentic: tool "f" failed: `, so the
	// key starts at byte 4086.
	huge := strings.Repeat("é", 2029) + "x" + key + strings.Repeat("y", 10<<10)
	runWithError := func() string {
		logger, buf := newJSONLogger()
		failing := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return nil, errors.New(huge) }}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("f", `{}`)))
		_, _ = aigentic.Agent{Model: model, Logger: logger, AgentTools: []aigentic.AgentTool{failing.Tool("f", nil)}}.Execute("go")
		for _, r := range records(t, buf) {
			if r["msg"] == "run failed" {
				return r["error"].(string)
			}
		}
		t.Fatal("no run failed record")
		return ""
	}
	if prev := aigentic.SetLogValueLimit(aigentic.DefaultLogValueLimit); prev != aigentic.DefaultLogValueLimit {
		t.Fatalf("default limit %d, want %d", prev, aigentic.DefaultLogValueLimit)
	}
	t.Cleanup(func() { aigentic.SetLogValueLimit(aigentic.DefaultLogValueLimit) })

	got := runWithError()
	kept, marker, ok := strings.Cut(got, "…[truncated ")
	if !ok || len(kept) > 4096 || len(kept) < 4090 || !strings.HasSuffix(marker, " bytes]") {
		t.Fatalf("error attribute of %d bytes not capped at 4 KiB with a marker: …%s", len(got), got[max(0, len(got)-60):])
	}
	var cut int
	fmt.Sscanf(marker, "%d", &cut)
	redacted := strings.Replace(`aigentic: tool "f" failed: `+huge, key, "[REDACTED]", 1)
	if len(kept)+cut != len(redacted) {
		t.Fatalf("kept %d + cut %d != %d bytes of the redacted error", len(kept), cut, len(redacted))
	}
	assertNoKey(t, "capped error", got, key)

	aigentic.SetLogValueLimit(100)
	if kept, _, _ := strings.Cut(runWithError(), "…[truncated "); len(kept) > 100 {
		t.Fatalf("limit 100 kept %d bytes", len(kept))
	}
	aigentic.SetLogValueLimit(0)
	if got := runWithError(); strings.Contains(got, "truncated") || len(got) < 10<<10 {
		t.Fatalf("limit 0 must not cut (got %d bytes)", len(got))
	}
}

// A key the provider settings resolve — here from a getenv that is not
// the process environment — is known to redaction once the model is built.
func TestProviderResolvedKeyIsRedacted(t *testing.T) {
	key := "providerKeyNoPrefix-" + fmt.Sprint(time.Now().UnixNano()%1e6)
	env := map[string]string{"OPENAI_API_KEY": key, "OPENAI_MODEL": "gpt-test", "OPENAI_BASE_URL": "http://127.0.0.1:9"}
	s, err := provider.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := aigentic.Redact("k " + key); !strings.Contains(got, key) {
		t.Fatalf("redacted before any model was built (%q): the test would prove nothing", got)
	}
	if _, _, err := provider.New(s); err != nil {
		t.Fatal(err)
	}
	if got := aigentic.Redact("k " + key); got != "k [REDACTED]" {
		t.Fatalf("Redact = %q", got)
	}
}

// The validation errors an approver is shown are redacted too.
func TestApprovalEventValidationErrorsAreRedacted(t *testing.T) {
	key := "validationKeyValue-" + fmt.Sprint(time.Now().UnixNano()%1e6)
	_ = openai.NewModel("gpt-test", key)
	var sent []emailInput
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("send_email", `{"to":"`+key+`","subject":"hi"}`)), aitest.Reply("done"))
	agent := approvalAgent(model, &sent, time.Minute)
	agent.AgentTools[0].Validate = func(_ *aigentic.AgentRun, args map[string]any) (aigentic.ValidationResult, error) {
		return aigentic.ValidationResult{Message: "check the address", ValidationErrors: []error{fmt.Errorf("%v is not a known address", args["to"])}}, nil
	}
	run, err := agent.Start("mail")
	if err != nil {
		t.Fatal(err)
	}
	seen := answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) {
		if err := run.Approve(ev.ApprovalID, false); err != nil {
			t.Error(err)
		}
	})
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || len(seen[0].ValidationResult.ValidationErrors) != 1 {
		t.Fatalf("approvals %+v: want one, with its validation error", seen)
	}
	msg := seen[0].ValidationResult.ValidationErrors[0].Error()
	if !strings.Contains(msg, "is not a known address") {
		t.Fatalf("validation error %q lost its text", msg)
	}
	assertNoKey(t, "approval validation error", msg, key)
}
