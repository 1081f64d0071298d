package tracefile_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// runTraced runs agent (its Trace set by the caller) to the end and
// returns the run and its trace file's text.
func runTraced(t *testing.T, agent aigentic.Agent, prompt string) (*aigentic.AgentRun, string) {
	t.Helper()
	if agent.Logger == nil {
		agent.Logger = discardLogger()
	}
	run, err := agent.Start(prompt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(run.TraceFilepath())
	if err != nil {
		t.Fatal(err)
	}
	return run, string(b)
}

// A big tool argument is written once, however many requests carry it
// afterwards: the requests refer to the response that held it, and the
// tool call section refers to it too (issue 10: one 10 MiB argument made
// a 31 MB trace).
func TestTraceWritesBigArgumentOnce(t *testing.T) {
	trace := newTestTrace(t)
	trace.MaxToolArgumentBytes = -1 // no cap: only writing once keeps it small
	trace.MaxFileBytes = -1
	payload := strings.Repeat("0123456789abcdef", 64<<10) // 1 MiB
	arg := `{"blob":"` + payload + `"}`
	store := &countingTool{}
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("store", arg)),
		aitest.CallTools(aitest.Call("store", `{"blob":"small"}`)),
		aitest.CallTools(aitest.Call("store", `{"blob":"smaller"}`)),
		aitest.Reply("stored"),
	)
	_, text := runTraced(t, aigentic.Agent{Model: model, Trace: trace, AgentTools: []aigentic.AgentTool{store.Tool("store", nil)}}, "store it")
	if n := strings.Count(text, payload); n != 1 {
		t.Fatalf("the argument appears %d times, want 1 (file %d bytes)", n, len(text))
	}
	if len(text) > len(payload)+8<<10 {
		t.Fatalf("file is %d bytes for a %d-byte argument", len(text), len(payload))
	}
	for _, want := range []string{
		"messages sent (3): 1 as above, new 2-3",
		"#2 [assistant] response of LLM call 1 above; tool calls: call_0_0 store",
		"#3 [tool store call_0_0] result above",
		"arguments: as in the response of LLM call 1 above",
		"messages sent (7): 1-5 as above, new 6-7",
		`arguments: {"blob":"small"}`, // short arguments are repeated
	} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks %q", want)
		}
	}
}

// Each tool argument, tool result and model response is cut at its cap
// with a marker naming the field and the sizes; the cut keeps UTF-8 valid.
func TestTraceCapsMarkTheCut(t *testing.T) {
	trace := newTestTrace(t)
	trace.MaxToolArgumentBytes = 100
	trace.MaxToolResultBytes = 200
	trace.MaxResponseBytes = 300
	arg := `{"text":"` + strings.Repeat("é", 500) + `"}` // 1011 bytes
	result := strings.Repeat("r", 5000)
	answer := strings.Repeat("a", 7000)
	echo := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.Text(result), nil }}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", arg)), aitest.Reply(answer))
	_, text := runTraced(t, aigentic.Agent{Model: model, Trace: trace, AgentTools: []aigentic.AgentTool{echo.Tool("echo", nil)}}, "go")
	if !utf8.ValidString(text) {
		t.Fatal("trace is not valid UTF-8 after the cuts")
	}
	for _, c := range []struct{ field, whole string }{
		{"MaxToolArgumentBytes: 99 of 1011 bytes shown]", arg[:99]}, // 100 would split an é
		{"MaxToolResultBytes: 200 of 5000 bytes shown]", result[:200]},
		{"MaxResponseBytes: 300 of 7000 bytes shown]", answer[:300]},
	} {
		marker := " …[cut by Trace." + c.field
		if !strings.Contains(text, c.whole+marker) {
			t.Errorf("trace lacks %q right after the kept text", marker)
		}
	}
	if strings.Contains(text, arg[:101]) || strings.Contains(text, result[:201]) || strings.Contains(text, answer[:301]) {
		t.Error("text past a cap reached the file")
	}
	if len(text) > 6000 {
		t.Errorf("file is %d bytes: caps not applied everywhere", len(text))
	}
}

// A secret that straddles a cap is redacted whole before the cut: no
// first part of it is left in the file, where no rule could recognise it.
func TestTraceCapNeverSplitsASecret(t *testing.T) {
	const opaque = "opaqueTokenValue1234567890" // no known pattern: only its value is known
	t.Setenv("AIGENTIC_API_KEY", opaque)
	trace := newTestTrace(t)
	trace.MaxToolArgumentBytes = 100
	trace.MaxToolResultBytes = 100
	pad := `{"x":"` + strings.Repeat("p", 90) // the secret starts at byte 96
	arg := pad + opaque + `"}`
	echo := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		return ai.Text(pad + opaque + strings.Repeat("q", 500)), nil
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", arg)), aitest.Reply("ok"))
	_, text := runTraced(t, aigentic.Agent{Model: model, Trace: trace, AgentTools: []aigentic.AgentTool{echo.Tool("echo", nil)}}, "go")
	if strings.Contains(text, pad+opaque[:4]) {
		t.Fatalf("the start of the secret was kept at the cut:\n%s", text)
	}
	// The placeholder itself may be cut: "[RED …[cut by …]".
	if strings.Count(text, pad+"[RED") != 3 { // the response, the tool call, the result
		t.Fatalf("want the argument and the result redacted before the cut:\n%s", text)
	}
}

// The default caps bound a 10 MiB tool argument: the file stays small.
func TestTraceDefaultCapsBoundHugeArgument(t *testing.T) {
	trace := newTestTrace(t)
	arg := `{"blob":"` + strings.Repeat("x", 10<<20) + `"}`
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("store", arg)), aitest.Reply("ok"))
	_, text := runTraced(t, aigentic.Agent{Model: model, Trace: trace, AgentTools: []aigentic.AgentTool{(&countingTool{}).Tool("store", nil)}}, "go")
	if len(text) > 2*aigentic.DefaultTraceMaxToolArgumentBytes+8<<10 {
		t.Fatalf("file is %d bytes for a 10 MiB argument", len(text))
	}
	if !strings.Contains(text, " …[cut by Trace.MaxToolArgumentBytes: 16384 of "+strconv.Itoa(len(arg))+" bytes shown]") {
		t.Fatalf("no cut marker:\n%.2000s", text)
	}
}

// A file stops at MaxFileBytes with a final line saying so; the run is
// unaffected and ReadTraceSummary reports the cut.
func TestTraceFileSizeCap(t *testing.T) {
	trace := newTestTrace(t)
	trace.MaxFileBytes = 4096
	steps := []aitest.Step{}
	for i := 0; i < 20; i++ {
		steps = append(steps, aitest.CallTools(aitest.Call("step", `{"n":`+strconv.Itoa(i)+`,"pad":"`+strings.Repeat("p", 200)+`"}`)))
	}
	steps = append(steps, aitest.Reply("finished"))
	model := aitest.NewScripted(steps...)
	agent := aigentic.Agent{Model: model, Trace: trace, MaxLLMCalls: 30, AgentTools: []aigentic.AgentTool{(&countingTool{}).Tool("step", nil)}}
	run, text := runTraced(t, agent, "go")
	if len(text) > 4096 {
		t.Fatalf("file is %d bytes, cap 4096", len(text))
	}
	const last = "=== trace cut: the file reached Trace.MaxFileBytes (4096 bytes); later records were dropped ===\n"
	if !strings.HasSuffix(text, last) || strings.Count(text, "=== trace cut") != 1 {
		t.Fatalf("file does not end with the cut marker:\n%s", text)
	}
	sum, err := aigentic.ReadTraceSummary(run.TraceFilepath())
	if err != nil || !sum.Cut || sum.Outcome != "" || sum.Run != run.ID() {
		t.Fatalf("summary = %+v, %v", sum, err)
	}
	if st := run.Stats(); st.LLMCalls != 21 {
		t.Fatalf("run stats %+v: the cap must not change the run", st)
	}
}

// Writes are buffered and reach the file when a step starts (before each
// model call, the last write being over a millisecond old): while the second step's tool runs, the file holds the first
// step whole and the second step's request, but not the second response
// (a crash now would lose only the step in progress).
func TestTraceFlushesAtStepBoundaries(t *testing.T) {
	trace := newTestTrace(t)
	var seen []string
	peek := aigentic.AgentTool{Name: "peek", Execute: func(run *aigentic.AgentRun, _ map[string]any) (*ai.ToolResult, error) {
		b, err := os.ReadFile(run.TraceFilepath())
		if err != nil {
			return nil, err
		}
		seen = append(seen, string(b))
		return ai.Text("peeked " + strconv.Itoa(len(seen))), nil
	}}
	// Each model call takes 2ms: long enough that a write at the step
	// boundary is due (steps under 1ms are written together).
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("peek", `{}`)).After(2*time.Millisecond),
		aitest.CallTools(aitest.Call("peek", `{}`)).After(2*time.Millisecond),
		aitest.Reply("done"),
	)
	runTraced(t, aigentic.Agent{Model: model, Trace: trace, AgentTools: []aigentic.AgentTool{peek}}, "go")
	if len(seen) != 2 {
		t.Fatalf("tool ran %d times", len(seen))
	}
	second := seen[1]
	for _, want := range []string{"=== aigentic trace ===", "response of LLM call 1", "peeked 1", "--- LLM call 2, attempt 1 ---"} {
		if !strings.Contains(second, want) {
			t.Errorf("during step 2 the file lacks %q (not flushed at the step boundary):\n%s", want, second)
		}
	}
	if strings.Contains(second, "response of LLM call 2") || strings.Count(second, "--- tool call peek") != 1 {
		t.Errorf("the step in progress reached the file before its end (a write per section?):\n%s", second)
	}
}

// A multi-line secret (a PEM key in a credential variable) is redacted
// before its lines are indented, which would otherwise hide it from
// redaction of the section.
func TestTraceMultilineSecretRedacted(t *testing.T) {
	const pem = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END KEY-----"
	t.Setenv("AIGENTIC_API_KEY", pem)
	trace := newTestTrace(t)
	echo := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.Text("the key is\n" + pem + "\nuse it"), nil }}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("echo", `{}`)), aitest.Reply("here:\n"+pem))
	_, text := runTraced(t, aigentic.Agent{Model: model, Trace: trace, AgentTools: []aigentic.AgentTool{echo.Tool("echo", nil)}}, "go")
	for _, line := range strings.Split(pem, "\n")[1:3] {
		if strings.Contains(text, line) {
			t.Fatalf("trace holds a line of the secret %q:\n%s", line, text)
		}
	}
	if strings.Count(text, "[REDACTED]") < 2 {
		t.Fatalf("secret not redacted where echoed:\n%s", text)
	}
}
