package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// DefaultTimeout bounds one case's run when the agent has no Session of
// its own and [Suite.Timeout] is 0.
const DefaultTimeout = 2 * time.Minute

// Case is one input for the agent and what a good run does with it.
type Case struct {
	// Name names the case's subtest; "" uses Input.
	Name string
	// Input is the user's message.
	Input string
	// Tools are the tools the agent must call, each at least once with
	// arguments that pass its checks, in any order.
	Tools []ToolCheck
	// Forbid names tools the agent must not call.
	Forbid []string
	// Answer are checks on the outcome (the answer text, or anything in
	// [Observed]).
	Answer []Check
	// WantError expects the run to fail (a limit, a refused input); a
	// run that answers is then a failed check. False expects an answer.
	WantError bool
}

// name is the case's name for reports.
func (c Case) name() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Input
}

// Observed is what a case's run did.
type Observed struct {
	// Input is the case's input.
	Input string
	// Answer is the final answer ("" when the run failed).
	Answer string
	// Err is the run's error, nil when it answered.
	Err error
	// Messages is the run's transcript (AgentRun.Messages).
	Messages []ai.Message
	// ToolCalls are the tool calls the model asked for, in order.
	ToolCalls []ai.ToolCall
	// Stats are the run's counters: calls, tokens, cost.
	Stats aigentic.Stats
	// Value is the run's typed value, nil unless the [Runner] gives one
	// (see the package documentation: typed runs, issue 21).
	Value any
}

// Runner runs input on agent within ctx and reports what happened;
// approve answers approval requests (nil denies them). [StartRunner] is
// the default; a Runner of your own can give typed values (Observed.Value)
// or drive a run differently.
type Runner func(ctx context.Context, agent aigentic.Agent, input string, approve func(*aigentic.ApprovalEvent) bool) *Observed

// StartRunner runs the agent with StartContext, reading its events to the
// end and answering each approval request with approve (nil: denied), then
// waits for the result.
func StartRunner(ctx context.Context, agent aigentic.Agent, input string, approve func(*aigentic.ApprovalEvent) bool) *Observed {
	o := &Observed{Input: input}
	run, err := agent.StartContext(ctx, input)
	if err != nil {
		o.Err = err
		return o
	}
	for ev := range run.Next() {
		if a, ok := ev.(*aigentic.ApprovalEvent); ok {
			_ = run.Approve(a.ApprovalID, approve != nil && approve(a)) // an error: the request already timed out
		}
	}
	o.Answer, o.Err = run.Wait(0)
	o.Messages = run.Messages()
	o.Stats = run.Stats()
	for _, m := range o.Messages {
		if m.Role == ai.RoleAssistant {
			o.ToolCalls = append(o.ToolCalls, m.ToolCalls...)
		}
	}
	return o
}

// Suite is a table of cases and the agent to run them on.
type Suite struct {
	// Name names the suite in the summary, e.g. the model or prompt under
	// test.
	Name string
	// Agent returns the agent to run a case on: called once per case, so
	// each case starts fresh. Required.
	Agent func() aigentic.Agent
	// Cases are run in order.
	Cases []Case
	// Approve answers the agent's approval requests; nil denies them all.
	Approve func(*aigentic.ApprovalEvent) bool
	// Runner runs a case; nil is [StartRunner].
	Runner Runner
	// Timeout bounds each case's run when the agent has no Session; 0 is
	// [DefaultTimeout].
	Timeout time.Duration
	// ReportOnly logs failed checks instead of failing the test: for
	// comparing models whose failures are expected.
	ReportOnly bool
}

// Result is one case's score.
type Result struct {
	// Case is the case's name.
	Case string
	// Checks is the number of checks; Failures says what failed, one line
	// each.
	Checks   int
	Failures []string
	// Observed is what the run did.
	Observed *Observed
	// Priced is whether the agent had Pricing (so Stats.CostUSD means
	// something).
	Priced bool
}

// Passed reports whether every check passed.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

// ErrNoAgent: a Suite without an Agent function.
var ErrNoAgent = errors.New("eval: Suite.Agent is nil")

// runCase runs one case and scores it.
func (s Suite) runCase(c Case) Result {
	res := Result{Case: c.name()}
	if s.Agent == nil {
		res.Checks, res.Failures = 1, []string{ErrNoAgent.Error()}
		return res
	}
	agent := s.Agent()
	res.Priced = agent.Pricing != nil
	ctx := context.Background()
	if agent.Session == nil {
		timeout := s.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	runner := s.Runner
	if runner == nil {
		runner = StartRunner
	}
	o := runner(ctx, agent, c.Input, s.Approve)
	if o == nil {
		o = &Observed{Input: c.Input, Err: errors.New("eval: the Runner returned nothing")}
	}
	res.Observed = o
	check := func(err error) {
		res.Checks++
		if err != nil {
			res.Failures = append(res.Failures, aigentic.Redact(err.Error())) // test output: no secret
		}
	}
	switch {
	case c.WantError && o.Err == nil:
		check(fmt.Errorf("the run answered %q; an error was expected", cut(o.Answer, 120)))
	case !c.WantError && o.Err != nil:
		check(fmt.Errorf("the run failed: %s", cut(o.Err.Error(), 300)))
	default:
		check(nil)
	}
	for _, tc := range c.Tools {
		check(tc.check(o.ToolCalls))
	}
	for _, name := range c.Forbid {
		n := 0
		for _, call := range o.ToolCalls {
			if call.Name == name {
				n++
			}
		}
		if n > 0 {
			check(fmt.Errorf("tool %s: called %s; it must not be called", name, times(n)))
		} else {
			check(nil)
		}
	}
	for i, ch := range c.Answer {
		if ch == nil {
			check(fmt.Errorf("answer check %d is nil", i+1))
			continue
		}
		check(ch(o))
	}
	return res
}

// ToolCheck expects a tool to be called with arguments that pass Args.
type ToolCheck struct {
	// Name is the tool's name.
	Name string
	// Args check a call's decoded arguments; a call passes when all do.
	Args []ArgCheck
}

// Called expects a call of the tool name whose arguments pass every
// check.
func Called(name string, args ...ArgCheck) ToolCheck { return ToolCheck{Name: name, Args: args} }

// check finds a passing call among calls.
func (tc ToolCheck) check(calls []ai.ToolCall) error {
	var seen, why []string
	for _, call := range calls {
		if call.Name != tc.Name {
			seen = append(seen, call.Name)
			continue
		}
		var args map[string]any
		dec := json.NewDecoder(strings.NewReader(call.Arguments))
		dec.UseNumber()
		if err := dec.Decode(&args); err != nil {
			why = append(why, fmt.Sprintf("arguments %s are not a JSON object", cut(call.Arguments, 80)))
			continue
		}
		var fails []string
		for _, a := range tc.Args {
			if a == nil {
				continue
			}
			if err := a(args); err != nil {
				fails = append(fails, err.Error())
			}
		}
		if len(fails) == 0 {
			return nil
		}
		why = append(why, fmt.Sprintf("%s: %s", cut(call.Arguments, 80), strings.Join(fails, "; ")))
	}
	if len(why) == 0 {
		others := "no tool"
		if len(seen) > 0 {
			others = strings.Join(dedupe(seen), ", ")
		}
		return fmt.Errorf("tool %s: not called (called: %s)", tc.Name, others)
	}
	return fmt.Errorf("tool %s: called %s, never with the expected arguments: %s", tc.Name, times(len(why)), strings.Join(why, " | "))
}

// times is "once" or "N times".
func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// cut cuts s to n bytes, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
