package golden

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type cityIn struct {
	City string `json:"city"`
}

// weatherAgent is an agent on model with one tool that fails for "Atlantis".
func weatherAgent(model ai.Model) aigentic.Agent {
	return aigentic.Agent{
		Model:        model,
		Name:         "weather",
		Instructions: "Use the weather tool.",
		MaxLLMCalls:  5,
		Logger:       slog.New(slog.DiscardHandler),
		AgentTools: []aigentic.AgentTool{aigentic.NewTool("weather", "The weather in a city.", func(_ *aigentic.AgentRun, in cityIn) (string, error) {
			if in.City == "Atlantis" {
				return "", aigentic.Recoverable(fmt.Errorf("no such city: %s", in.City))
			}
			return in.City + ": sunny\n  (updated hourly)", nil
		})},
	}
}

func script() *aitest.Scripted {
	return aitest.NewScripted(
		aitest.CallTools(aitest.Call("weather", `{"city":"Atlantis"}`), aitest.Call("weather", `{ "city" : "Paris" }`)),
		aitest.CallTools(aitest.Call("weather", `{"city":`)),
		aitest.Reply("Paris is sunny; Atlantis is not a city."),
	)
}

func run(t *testing.T, a aigentic.Agent, q string) string {
	t.Helper()
	r, err := a.Start(q)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := r.Wait(0)
	return RenderRun(r, answer, err)
}

// TestRenderGolden: the transcript of a run with two calls in one turn, an
// error result, malformed arguments and an answer, against its golden
// file (the format itself is under test: a change to Render shows here).
func TestRenderGolden(t *testing.T) {
	got := run(t, weatherAgent(script()), "Weather in Paris and Atlantis?")
	Assert(t, "testdata/weather.golden", got)
	// Nothing run-specific, whatever the file says.
	for _, never := range []string{"run_", "ses_", "call_"} {
		if strings.Contains(got, never) {
			t.Errorf("the transcript holds %q:\n%s", never, got)
		}
	}
}

// TestRenderIsStable: two runs of the same agent render the same text.
func TestRenderIsStable(t *testing.T) {
	a := run(t, weatherAgent(script()), "Weather?")
	b := run(t, weatherAgent(script()), "Weather?")
	if a != b {
		t.Fatalf("two runs differ:\n%s", Diff(a, b))
	}
}

// TestRenderOutcomes: each way a run ends has its own words, and the
// error text loses ids and durations.
func TestRenderOutcomes(t *testing.T) {
	loop := aitest.NewScripted(aitest.CallTools(aitest.Call("weather", `{"city":"Paris"}`)), aitest.CallTools(aitest.Call("weather", `{"city":"Paris"}`)))
	a := weatherAgent(loop)
	a.MaxLLMCalls = 1
	got := run(t, a, "Weather?")
	if !strings.Contains(got, "outcome: stopped by a limit\nerror:\n") {
		t.Errorf("limit:\n%s", got)
	}

	failing := aitest.NewScripted(aitest.Fail(&ai.ModelError{Provider: "test", Message: "bad request for run_0123456789ab after 1.5s", StatusCode: 400}))
	got = run(t, weatherAgent(failing), "Weather?")
	if !strings.Contains(got, "outcome: model call failed") || !strings.Contains(got, "run_…") || !strings.Contains(got, "<duration>") || strings.Contains(got, "1.5s") {
		t.Errorf("model failure:\n%s", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a = weatherAgent(aitest.NewScripted(aitest.Reply("never")))
	a.Session = aigentic.NewSession(ctx)
	got = run(t, a, "Weather?")
	if !strings.Contains(got, "outcome: stopped (cancelled or timed out)") {
		t.Errorf("cancelled:\n%s", got)
	}

	msgs := []ai.Message{{Role: ai.RoleUser, Content: "q"}, {Role: ai.RoleAssistant, Content: "a"}}
	if got := Render(msgs, Outcome{Answer: "a", Retries: 2}); got != "user:\n  q\nmodel call 1:\n  a\nretries: 2\noutcome: answered\n" {
		t.Errorf("answered:\n%q", got)
	}
	if got := Render(msgs, Outcome{Answer: "other"}); !strings.HasSuffix(got, "outcome: answered\nanswer:\n  other\n") {
		t.Errorf("answer not the last text:\n%s", got)
	}
	if got := Render(msgs, Outcome{Err: errors.New("boom")}); !strings.HasSuffix(got, "outcome: failed\nerror:\n  boom\n") {
		t.Errorf("failed:\n%s", got)
	}
}

// TestRenderOptions: the system prompt on demand, replacements applied.
func TestRenderOptions(t *testing.T) {
	msgs := []ai.Message{{Role: ai.RoleSystem, Content: "Be brief."}, {Role: ai.RoleUser, Content: "Time?"}, {Role: ai.RoleAssistant, Content: "It is 10:04:05."}}
	if got := Render(msgs, Outcome{Answer: "It is 10:04:05."}); strings.Contains(got, "Be brief.") {
		t.Errorf("system prompt shown by default:\n%s", got)
	}
	got := Render(msgs, Outcome{Answer: "It is 10:04:05."}, WithSystem(), Replace(regexp.MustCompile(`\d\d:\d\d:\d\d`), "<time>"))
	if !strings.HasPrefix(got, "system:\n  Be brief.\n") || !strings.Contains(got, "It is <time>.") {
		t.Errorf("options:\n%s", got)
	}
}

// TestRenderRedacts: a secret in a message or a tool argument never
// reaches the (committed) golden text.
func TestRenderRedacts(t *testing.T) {
	const s = "golden-canary-Vb61Nq"
	secret.Register(s)
	msgs := []ai.Message{
		{Role: ai.RoleUser, Content: "my password is " + s},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "call_abcdef", Name: "login", Arguments: `{"password":"` + s + `"}`}}},
		{Role: ai.RoleTool, Name: "login", ToolCallID: "call_abcdef", Content: "ok " + s},
	}
	got := Render(msgs, Outcome{Err: errors.New("denied for " + s)})
	if strings.Contains(got, s) || strings.Count(got, secret.Placeholder) != 4 {
		t.Fatalf("%s", got)
	}
}

// captureTB keeps failures instead of reporting them.
type captureTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (c *captureTB) Helper()             {}
func (c *captureTB) Logf(string, ...any) {}
func (c *captureTB) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// TestAssert: missing and differing files fail with the way to accept the
// change and a diff; equal ones pass; -update writes.
func TestAssert(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sub", "x.golden")
	c := &captureTB{TB: t}
	Assert(c, file, "user:\n  hi\n")
	if len(c.errs) != 1 || !strings.Contains(c.errs[0], "does not exist") || !strings.Contains(c.errs[0], "-update") {
		t.Fatalf("missing file: %q", c.errs)
	}

	*update = true
	Assert(c, file, "user:\n  hi\noutcome: answered\n")
	*update = false
	data, err := os.ReadFile(file)
	if err != nil || string(data) != "user:\n  hi\noutcome: answered\n" {
		t.Fatalf("-update wrote %q, %v", data, err)
	}

	c = &captureTB{TB: t}
	Assert(c, file, "user:\n  hi\noutcome: answered\n")
	if len(c.errs) != 0 {
		t.Fatalf("equal: %q", c.errs)
	}
	if err := os.WriteFile(file, []byte("user:\r\n  hi\r\noutcome: answered\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	Assert(c, file, "user:\n  hi\noutcome: answered\n")
	if len(c.errs) != 0 {
		t.Fatalf("CRLF file: %q", c.errs)
	}

	Assert(c, file, "user:\n  hi\noutcome: failed\n")
	if len(c.errs) != 1 {
		t.Fatalf("differing: %q", c.errs)
	}
	for _, want := range []string{"differs from " + file, "-outcome: answered", "+outcome: failed", "go test -run '^TestAssert$' -update"} {
		if !strings.Contains(c.errs[0], want) {
			t.Errorf("failure lacks %q:\n%s", want, c.errs[0])
		}
	}
}

// TestRenderCallIDsInText: a tool call id quoted in a result or an answer
// (ids change from run to run) is rendered as call#N, N its call's order.
func TestRenderCallIDsInText(t *testing.T) {
	msgs := []ai.Message{
		{Role: ai.RoleUser, Content: "Weather?"},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "call_Xy12Ab34", Name: "weather", Arguments: `{"city":"Paris"}`}, {ID: "call_Qr56St78", Name: "weather", Arguments: `{"city":"Rome"}`}}},
		{Role: ai.RoleTool, Name: "weather", ToolCallID: "call_Xy12Ab34", Content: "sunny (answer to call_Xy12Ab34)"},
		{Role: ai.RoleTool, Name: "weather", ToolCallID: "call_Qr56St78", IsError: true, Content: "call_Qr56St78 timed out"},
		{Role: ai.RoleAssistant, Content: "Paris is sunny."},
	}
	got := Render(msgs, Outcome{Answer: "Paris is sunny."})
	if strings.Contains(got, "call_") || !strings.Contains(got, "sunny (answer to call#1)") || !strings.Contains(got, "  call#2 timed out") {
		t.Fatalf("%s", got)
	}
}
