package eval_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/eval"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type cityIn struct {
	City string `json:"city" jsonschema:"description=the city\\, e.g. Paris"`
}

type mailIn struct {
	To string `json:"to"`
}

// agentOn is the agent under evaluation on model: a weather tool and an
// e-mail tool that needs approval.
func agentOn(model ai.Model, sent *[]string) aigentic.Agent {
	return aigentic.Agent{
		Model:        model,
		Name:         "assistant",
		Instructions: "Use the weather tool for the weather; send e-mails with send_email.",
		MaxLLMCalls:  4,
		Logger:       slog.New(slog.DiscardHandler),
		AgentTools: []aigentic.AgentTool{
			aigentic.NewTool("weather", "The weather in a city.", func(_ *aigentic.AgentRun, in cityIn) (string, error) {
				return in.City + ": sunny, 21 °C", nil
			}),
			func() aigentic.AgentTool {
				t := aigentic.NewTool("send_email", "Sends an e-mail.", func(_ *aigentic.AgentRun, in mailIn) (string, error) {
					if sent != nil {
						*sent = append(*sent, in.To)
					}
					return "sent to " + in.To, nil
				})
				t.RequireApproval = true
				return t
			}(),
		},
	}
}

var cases = []eval.Case{
	{
		Name:   "weather in Paris",
		Input:  "What is the weather in Paris?",
		Tools:  []eval.ToolCheck{eval.Called("weather", eval.ArgContains("city", "paris"))},
		Forbid: []string{"send_email"},
		Answer: []eval.Check{eval.Contains("sunny")},
	},
	{
		Name:   "no tool for a greeting",
		Input:  "Hello!",
		Forbid: []string{"weather", "send_email"},
		Answer: []eval.Check{eval.NotContains("error")},
	},
}

// TestNaiveModelScores: the naive model (first tool, "x", then "Done.")
// fails both cases, each for the reason a reviewer would give.
func TestNaiveModelScores(t *testing.T) {
	rep := eval.Evaluate(eval.Suite{Name: "naive", Agent: func() aigentic.Agent { return agentOn(aitest.NewNaive(aitest.NaiveOptions{}), nil) }, Cases: cases})
	if rep.Passed() != 0 || rep.Failed() != 2 {
		t.Fatalf("report:\n%s", rep)
	}
	r0, r1 := rep.Results[0], rep.Results[1]
	want0 := []string{
		`tool weather: called once, never with the expected arguments: {"city":"x"}: city is "x", want it to contain "paris"`,
		`the answer "Done." does not contain "sunny"`,
	}
	if strings.Join(r0.Failures, "\n") != strings.Join(want0, "\n") || r0.Checks != 4 {
		t.Errorf("case 1: %d checks, failures:\n%s", r0.Checks, strings.Join(r0.Failures, "\n"))
	}
	if len(r1.Failures) != 1 || r1.Failures[0] != "tool weather: called once; it must not be called" || r1.Checks != 4 {
		t.Errorf("case 2: %d checks, failures %q", r1.Checks, r1.Failures)
	}
	passed, total := rep.Checks()
	in, out := rep.Tokens()
	if passed != 5 || total != 8 || in != 40 || out != 20 {
		t.Errorf("checks %d/%d tokens %d/%d", passed, total, in, out)
	}
	if got := rep.Summary(); got != "eval naive: 0 passed, 2 failed of 2 cases; checks 5/8; 4 model calls; tokens 40 in, 20 out; cost unknown (no Agent.Pricing)" {
		t.Errorf("summary %q", got)
	}
}

// TestRunAsGoTest: a suite the model passes, run as subtests, with the
// summary; and the offline model through the same runner (its choices are
// its own: reported, not required).
func TestRunAsGoTest(t *testing.T) {
	good := func() aigentic.Agent {
		return agentOn(aitest.NewScripted(
			aitest.CallTools(aitest.Call("weather", `{"city":"Paris"}`)),
			aitest.Reply("It is sunny in Paris, 21 °C."),
		), nil)
	}
	rep := eval.Run(t, eval.Suite{Name: "scripted", Agent: good, Cases: cases[:1]})
	if rep.Passed() != 1 || rep.Failed() != 0 {
		t.Fatalf("report:\n%s", rep)
	}
	off := eval.Run(t, eval.Suite{Name: "offline", Agent: func() aigentic.Agent { return agentOn(offline.NewModel(), nil) }, Cases: cases, ReportOnly: true})
	if len(off.Results) != 2 {
		t.Fatalf("offline report:\n%s", off)
	}
	if in, _ := off.Tokens(); in == 0 {
		t.Errorf("the offline model reported no tokens:\n%s", off)
	}
	for _, r := range off.Results {
		if r.Observed == nil || r.Observed.Stats.LLMCalls == 0 {
			t.Errorf("case %q did not run", r.Case)
		}
	}
}

// TestApprovals: the suite's Approve answers approval requests; without
// it they are denied and the tool never runs.
func TestApprovals(t *testing.T) {
	c := []eval.Case{{
		Input: "Mail bob@example.com",
		Tools: []eval.ToolCheck{eval.Called("send_email", eval.Arg("to", "bob@example.com"))},
	}}
	for _, approve := range []bool{true, false} {
		var sent []string
		s := eval.Suite{
			Agent: func() aigentic.Agent {
				return agentOn(aitest.NewScripted(aitest.CallTools(aitest.Call("send_email", `{"to":"bob@example.com"}`)), aitest.Reply("ok")), &sent)
			},
			Cases: c,
		}
		if approve {
			s.Approve = func(e *aigentic.ApprovalEvent) bool { return e.ToolName == "send_email" }
		}
		rep := eval.Evaluate(s)
		if rep.Passed() != 1 || (len(sent) == 1) != approve {
			t.Errorf("approve=%v: sent %v\n%s", approve, sent, rep)
		}
		msgs := rep.Results[0].Observed.Messages
		if res := msgs[len(msgs)-2]; res.IsError == approve {
			t.Errorf("approve=%v: the tool result is %+v", approve, res)
		}
	}
}

// TestWantErrorAndTimeout: a case expecting an error passes on a limit;
// an answering run fails it; the timeout bounds a run.
func TestWantErrorAndTimeout(t *testing.T) {
	loop := func() aigentic.Agent {
		a := agentOn(aitest.NewScripted(
			aitest.CallTools(aitest.Call("weather", `{"city":"Paris"}`)),
			aitest.CallTools(aitest.Call("weather", `{"city":"Paris"}`)),
		), nil)
		a.MaxLLMCalls = 2
		return a
	}
	rep := eval.Evaluate(eval.Suite{Agent: loop, Cases: []eval.Case{{Input: "loop", WantError: true}, {Input: "answer please"}}})
	if !rep.Results[0].Passed() || rep.Results[1].Passed() || !strings.HasPrefix(rep.Results[1].Failures[0], "the run failed: ") {
		t.Fatalf("report:\n%s", rep)
	}
	// A case expecting an error fails when the run answers.
	answers := func() aigentic.Agent { return agentOn(aitest.NewScripted(aitest.Reply("fine")), nil) }
	rep = eval.Evaluate(eval.Suite{Agent: answers, Cases: []eval.Case{{Input: "refuse this", WantError: true}}})
	if rep.Passed() != 0 || rep.Results[0].Failures[0] != `the run answered "fine"; an error was expected` {
		t.Fatalf("WantError on an answer:\n%s", rep)
	}
	// The scripted model answers after 1 h; the case's timeout is 50 ms
	// of the model's injected sleep (the context ends, not the clock).
	slow := func() aigentic.Agent {
		return agentOn(aitest.NewScripted(aitest.Reply("late").After(3600e9)), nil)
	}
	// The runner sees the case's context: its deadline is Suite.Timeout
	// after the case started, not DefaultTimeout (2 min). Compared as
	// times, not measured: only a start delayed by a minute could fail it.
	var deadline time.Time
	runner := func(ctx context.Context, a aigentic.Agent, in string, ap func(*aigentic.ApprovalEvent) bool) *eval.Observed {
		deadline, _ = ctx.Deadline()
		return eval.StartRunner(ctx, a, in, ap)
	}
	start := time.Now()
	rep = eval.Evaluate(eval.Suite{Agent: slow, Timeout: 50e6, Runner: runner, Cases: []eval.Case{{Input: "hi"}}})
	var se *aigentic.StoppedError
	if rep.Passed() != 0 || !errors.As(rep.Results[0].Observed.Err, &se) {
		t.Fatalf("timeout: %v\n%s", rep.Results[0].Observed.Err, rep)
	}
	if d := deadline.Sub(start); d < 50*time.Millisecond || d >= time.Minute {
		t.Fatalf("the case's deadline was %v after it started; want Suite.Timeout (50ms), not DefaultTimeout (%v)", d, eval.DefaultTimeout)
	}
}

// TestTypedValueExtension: a Runner that fills Observed.Value is checked
// by Value[T]; the default runner has none and says so.
func TestTypedValueExtension(t *testing.T) {
	type forecast struct {
		City  string
		TempC int
	}
	check := eval.Value(func(f forecast) error {
		if f.TempC != 21 {
			return fmt.Errorf("temperature %d, want 21", f.TempC)
		}
		return nil
	})
	good := func() aigentic.Agent {
		return agentOn(aitest.NewScripted(aitest.Reply(`{"City":"Paris","TempC":21}`)), nil)
	}
	typed := func(ctx context.Context, a aigentic.Agent, in string, ap func(*aigentic.ApprovalEvent) bool) *eval.Observed {
		o := eval.StartRunner(ctx, a, in, ap)
		var f forecast
		if _, err := fmt.Sscanf(strings.NewReplacer(`{"City":"`, "", `","TempC":`, " ", "}", "").Replace(o.Answer), "%s %d", &f.City, &f.TempC); err == nil {
			o.Value = f
		}
		return o
	}
	c := []eval.Case{{Input: "Forecast for Paris as JSON", Answer: []eval.Check{check}}}
	if rep := eval.Evaluate(eval.Suite{Agent: good, Runner: typed, Cases: c}); rep.Passed() != 1 {
		t.Fatalf("typed runner:\n%s", rep)
	}
	rep := eval.Evaluate(eval.Suite{Agent: good, Cases: c})
	if rep.Passed() != 0 || !strings.Contains(rep.Results[0].Failures[0], "no typed value") {
		t.Fatalf("default runner:\n%s", rep)
	}
	wrong := func(ctx context.Context, a aigentic.Agent, in string, ap func(*aigentic.ApprovalEvent) bool) *eval.Observed {
		o := eval.StartRunner(ctx, a, in, ap)
		o.Value = "text"
		return o
	}
	rep = eval.Evaluate(eval.Suite{Agent: good, Runner: wrong, Cases: c})
	if !strings.Contains(rep.Results[0].Failures[0], "the typed value is a string, want a eval_test.forecast") {
		t.Fatalf("wrong type:\n%s", rep)
	}
}

// TestCostAndCompare: priced agents give a cost; two suites compare case
// by case.
func TestCostAndCompare(t *testing.T) {
	priced := func(m ai.Model) func() aigentic.Agent {
		return func() aigentic.Agent {
			a := agentOn(m, nil)
			a.Pricing = &aigentic.Pricing{InputPerMTok: 1000, OutputPerMTok: 2000}
			return a
		}
	}
	naive := eval.Evaluate(eval.Suite{Name: "naive", Agent: priced(aitest.NewNaive(aitest.NaiveOptions{})), Cases: cases})
	usd, ok := naive.Cost()
	if !ok || usd < 0.0799999 || usd > 0.0800001 { // 4 calls × (10 in × $1000 + 5 out × $2000) / 1e6
		t.Fatalf("cost %v %v", usd, ok)
	}
	if !strings.HasSuffix(naive.Summary(), "cost $0.080000") {
		t.Errorf("summary %q", naive.Summary())
	}
	scripted := eval.Evaluate(eval.Suite{Name: "scripted", Agent: func() aigentic.Agent {
		return agentOn(aitest.NewScripted(aitest.CallTools(aitest.Call("weather", `{"city":"Paris"}`)), aitest.Reply("Sunny.")), nil)
	}, Cases: cases})
	got := eval.Compare(scripted, naive)
	for _, want := range []string{
		"case                    scripted      naive\n",
		"weather in Paris        PASS 4/4      FAIL 2/4\n",
		"eval scripted: ", "eval naive: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Compare lacks %q:\n%s", want, got)
		}
	}
	if !regexp.MustCompile(`no tool for a greeting\s+FAIL \d/4\s+FAIL 3/4`).MatchString(got) {
		t.Errorf("Compare:\n%s", got)
	}
}

// TestFailuresAreRedacted: an answer holding a secret is quoted redacted.
func TestFailuresAreRedacted(t *testing.T) {
	const s = "eval-canary-Rt59Kw"
	secret.Register(s)
	rep := eval.Evaluate(eval.Suite{Agent: func() aigentic.Agent { return agentOn(aitest.NewScripted(aitest.Reply("the key is "+s)), nil) },
		Cases: []eval.Case{{Input: "key?", Answer: []eval.Check{eval.Contains("no key")}}}})
	if f := rep.Results[0].Failures[0]; strings.Contains(f, s) || !strings.Contains(f, secret.Placeholder) {
		t.Fatalf("failure %q", f)
	}
}

// TestNilPieces: a suite without an agent, a nil check and a nil runner
// result fail with a message, not a panic.
func TestNilPieces(t *testing.T) {
	rep := eval.Evaluate(eval.Suite{Cases: cases[:1]})
	if rep.Passed() != 0 || !strings.Contains(rep.Results[0].Failures[0], "Suite.Agent is nil") {
		t.Fatalf("%s", rep)
	}
	nothing := func(context.Context, aigentic.Agent, string, func(*aigentic.ApprovalEvent) bool) *eval.Observed {
		return nil
	}
	rep = eval.Evaluate(eval.Suite{Agent: func() aigentic.Agent { return agentOn(aitest.NewNaive(aitest.NaiveOptions{}), nil) }, Runner: nothing,
		Cases: []eval.Case{{Input: "x", Answer: []eval.Check{nil}}}})
	if f := strings.Join(rep.Results[0].Failures, "\n"); !strings.Contains(f, "the Runner returned nothing") || !strings.Contains(f, "answer check 1 is nil") {
		t.Fatalf("%s", rep)
	}
}
