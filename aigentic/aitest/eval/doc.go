// Package eval runs a table of cases against an agent and scores what the
// agent did: which tools it called with which arguments, and what it
// answered. Run it as a Go test (a subtest per case, then a summary
// line: cases passed and failed, checks, tokens, cost) on any model — the
// offline one, aitest.NewNaive, a replayed recording (package replay), or
// a live model — so that a team compares two models or two prompts on
// the same cases:
//
//	var cases = []eval.Case{{
//		Input: "What is 15 multiplied by 23, plus 100?",
//		Tools: []eval.ToolCheck{eval.Called("calculator", eval.ArgContains("expression", "15"))},
//		Answer: []eval.Check{eval.Contains("445")},
//	}}
//
//	func TestEval(t *testing.T) {
//		eval.Run(t, eval.Suite{Name: "offline", Agent: func() aigentic.Agent { return newAgent(offline.NewModel()) }, Cases: cases})
//	}
//
// Evaluate does the same without a test, returning the [Report];
// [Compare] puts several reports side by side.
//
// # Scoring
//
// Every case has checks: the run ended with an answer (unless
// [Case.WantError]), each expected tool was called with arguments that
// pass its [ArgCheck]s, no forbidden tool was called, and each [Check] on
// the outcome passes. A case passes when all its checks pass; the report
// counts cases and checks. Tokens and cost are the runs' [aigentic.Stats]
// (cost needs Agent.Pricing; without it the report says the cost is
// unknown).
//
// # Typed values
//
// A [Check] sees the whole [Observed] run. Observed.Value is the run's
// typed value; the default [Runner] has none (the runtime returns text).
// When typed runs arrive (ExecuteAs[T], issue 21) a Runner that calls it
// fills Value, and [Value] checks it as a T — no change to cases or
// reports.
package eval
