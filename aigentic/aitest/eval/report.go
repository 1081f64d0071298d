package eval

import (
	"fmt"
	"strings"
	"testing"
)

// Report is a suite's score.
type Report struct {
	// Suite is the suite's name.
	Suite string
	// Results are the cases' scores, in order.
	Results []Result
}

// Evaluate runs every case of s and returns the report. It needs no
// testing.T: for comparing models in a program.
func Evaluate(s Suite) Report {
	rep := Report{Suite: s.Name}
	for _, c := range s.Cases {
		rep.Results = append(rep.Results, s.runCase(c))
	}
	return rep
}

// Run runs every case of s as a subtest of t — failing it for each check
// that fails, unless s.ReportOnly — then logs [Report.Summary] and
// returns the report.
func Run(t *testing.T, s Suite) Report {
	t.Helper()
	rep := Report{Suite: s.Name}
	for _, c := range s.Cases {
		t.Run(c.name(), func(t *testing.T) {
			res := s.runCase(c)
			rep.Results = append(rep.Results, res)
			for _, f := range res.Failures {
				if s.ReportOnly {
					t.Log(f)
				} else {
					t.Error(f)
				}
			}
		})
	}
	t.Log(rep.Summary())
	return rep
}

// Passed is the number of cases whose checks all passed.
func (r Report) Passed() int {
	n := 0
	for _, res := range r.Results {
		if res.Passed() {
			n++
		}
	}
	return n
}

// Failed is the number of cases with a failed check.
func (r Report) Failed() int { return len(r.Results) - r.Passed() }

// Checks returns the checks that passed and the checks made.
func (r Report) Checks() (passed, total int) {
	for _, res := range r.Results {
		total += res.Checks
		passed += res.Checks - len(res.Failures)
	}
	return passed, total
}

// Tokens returns the input and output tokens of every run.
func (r Report) Tokens() (input, output int) {
	for _, res := range r.Results {
		if res.Observed != nil {
			input += res.Observed.Stats.InputTokens
			output += res.Observed.Stats.OutputTokens
		}
	}
	return input, output
}

// Cost returns the estimated cost of every run in US dollars, and whether
// every run was priced (Agent.Pricing set); unpriced runs count 0.
func (r Report) Cost() (usd float64, priced bool) {
	priced = len(r.Results) > 0
	for _, res := range r.Results {
		priced = priced && res.Priced
		if res.Observed != nil {
			usd += res.Observed.Stats.CostUSD
		}
	}
	return usd, priced
}

// Summary is one line: the suite, cases passed and failed, checks, model
// calls, tokens and cost, e.g.
//
//	eval offline: 2 passed, 1 failed of 3 cases; checks 8/9; 5 model calls; tokens 310 in, 42 out; cost unknown (no Agent.Pricing)
func (r Report) Summary() string {
	name := "eval"
	if r.Suite != "" {
		name += " " + r.Suite
	}
	passed, total := r.Checks()
	in, out := r.Tokens()
	calls := 0
	for _, res := range r.Results {
		if res.Observed != nil {
			calls += res.Observed.Stats.LLMCalls
		}
	}
	cost := "cost unknown (no Agent.Pricing)"
	if usd, priced := r.Cost(); priced {
		cost = fmt.Sprintf("cost $%.6f", usd)
	}
	return fmt.Sprintf("%s: %d passed, %d failed of %d cases; checks %d/%d; %d model calls; tokens %d in, %d out; %s",
		name, r.Passed(), r.Failed(), len(r.Results), passed, total, calls, in, out, cost)
}

// String is the report as a table, one line per case (PASS or FAIL, its
// checks, what failed), then the summary.
func (r Report) String() string {
	var b strings.Builder
	for _, res := range r.Results {
		mark := "PASS"
		if !res.Passed() {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "%s  %s  (%d/%d checks)\n", mark, res.Case, res.Checks-len(res.Failures), res.Checks)
		for _, f := range res.Failures {
			fmt.Fprintf(&b, "      %s\n", f)
		}
	}
	b.WriteString(r.Summary())
	b.WriteByte('\n')
	return b.String()
}

// Compare lays reports of the same cases side by side: a line per case
// with each suite's PASS/FAIL and checks, then each suite's summary.
func Compare(reports ...Report) string {
	var b strings.Builder
	var names []string
	seen := map[string]bool{}
	for _, r := range reports {
		for _, res := range r.Results {
			if !seen[res.Case] {
				seen[res.Case] = true
				names = append(names, res.Case)
			}
		}
	}
	width := 4
	for _, n := range names {
		width = max(width, min(len(n), 60))
	}
	row := func(cells []string) {
		line := fmt.Sprintf("%-*s", width, cells[0])
		for _, c := range cells[1:] {
			line += fmt.Sprintf("  %-12s", c)
		}
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	head := []string{"case"}
	for _, r := range reports {
		head = append(head, cut(r.Suite, 12))
	}
	row(head)
	for _, n := range names {
		cells := []string{cut(n, 60)}
		for _, r := range reports {
			cell := "-"
			for _, res := range r.Results {
				if res.Case == n {
					cell = fmt.Sprintf("PASS %d/%d", res.Checks, res.Checks)
					if !res.Passed() {
						cell = fmt.Sprintf("FAIL %d/%d", res.Checks-len(res.Failures), res.Checks)
					}
					break
				}
			}
			cells = append(cells, cell)
		}
		row(cells)
	}
	for _, r := range reports {
		b.WriteString(r.Summary())
		b.WriteByte('\n')
	}
	return b.String()
}
