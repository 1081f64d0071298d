package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// delegation is one of the coordinator's calls to a sub-agent, as its
// events showed it.
type delegation struct {
	// tool is the sub-agent's tool name ("researcher", "writer"); input
	// the task it was given.
	tool, input string
	// answered is true once a result came back that is not an error
	// result; answer is its text. failed is true for an error result.
	answered, failed bool
	answer           string
	// after is how many delegations had been answered when this one was
	// made.
	after int
}

// teamLog records the coordinator's delegations from its events, in the
// order they were made. The zero teamLog is ready.
type teamLog struct {
	calls []delegation
	byID  map[string]int
}

// note records ev if it is one of the coordinator's tool calls or
// results; other events are ignored.
func (l *teamLog) note(ev aigentic.Event) {
	switch e := ev.(type) {
	case *aigentic.ToolEvent:
		if l.byID == nil {
			l.byID = map[string]int{}
		}
		l.byID[e.ToolCallID] = len(l.calls)
		l.calls = append(l.calls, delegation{tool: e.ToolName, input: delegationInput(e.Arguments), after: l.answeredCount()})
	case *aigentic.ToolResponseEvent:
		i, ok := l.byID[e.ToolCallID]
		if !ok {
			return
		}
		d := &l.calls[i]
		if e.Error {
			d.failed = true
			return
		}
		d.answered, d.answer = true, e.Result.String()
	}
}

func (l *teamLog) answeredCount() int {
	n := 0
	for _, d := range l.calls {
		if d.answered {
			n++
		}
	}
	return n
}

// first returns the first delegation to tool that was answered, else the
// first made to it; ok is false when the coordinator never called it.
func (l *teamLog) first(tool string) (d delegation, ok bool) {
	for _, c := range l.calls {
		if c.tool == tool && c.answered {
			return c, true
		}
	}
	for _, c := range l.calls {
		if c.tool == tool {
			return c, true
		}
	}
	return delegation{}, false
}

// printVerdict says what the run showed of the pattern — the coordinator
// asks the researcher, hands its findings to the writer, answers with the
// writer's text, all within the team's budget — computed from what the
// coordinator did (log), the notes, its answer, its stats and its error. What the
// models' choices did not let happen is said to be not shown.
func printVerdict(p *cli.Printer, coordinator aigentic.Agent, notes []note, log *teamLog, answer string, stats aigentic.Stats, err error) {
	researcher, writer := strings.ToLower(researcherName), strings.ToLower(writerName)
	p.Line("")
	p.Line("Verdict (from what the coordinator did):")
	r, asked := log.first(researcher)
	switch {
	case !asked:
		p.NotSeen("The coordinator never delegated to the %s: its research is not shown.", researcher)
	case r.answered:
		p.Good("The coordinator delegated to the %s, which answered (%d characters).", researcher, len(r.answer))
	default:
		p.NotSeen("The coordinator delegated to the %s, which failed: its findings are not shown (the coordinator got the error as a tool result).", researcher)
	}
	w, asked := log.first(writer)
	switch {
	case !asked && err == nil:
		p.NotSeen("The coordinator never delegated to the %s: the hand-off from the %s to the %s is not shown (the model answered on its own).", writer, researcher, writer)
	case !asked:
		p.NotSeen("The coordinator never delegated to the %s before the run stopped: the hand-off is not shown.", writer)
	case !w.answered:
		p.NotSeen("The coordinator delegated to the %s, which failed: its text is not shown.", writer)
	case !r.answered || w.after == 0:
		p.NotSeen("The %s answered (%d characters), but was asked before any %s's findings came back: the hand-off is not shown.", writer, len(w.answer), researcher)
	default:
		p.Good("The coordinator delegated to the %s after the %s answered; the %s answered (%d characters).", writer, researcher, writer, len(w.answer))
		cited, carried := handedOver(notes, r.answer, w.input)
		switch {
		case strings.Contains(w.input, strings.TrimSpace(r.answer)):
			p.Good("The %s's task carried the %s's answer whole.", writer, researcher)
		case cited > 0 && carried == cited:
			p.Good("The %s's task named all %d notes the %s cited.", writer, cited, researcher)
		case cited > 0:
			p.NotSeen("The %s's task named %d of the %d notes the %s cited: the hand-off of its findings is not shown whole.", writer, carried, cited, researcher)
		default:
			p.NotSeen("The %s cited no note by name: whether its findings reached the %s is not checked.", researcher, writer)
		}
	}
	if err == nil && w.answered {
		if strings.TrimSpace(answer) == strings.TrimSpace(w.answer) {
			p.Good("The answer is the %s's text.", writer)
		} else {
			p.NotSeen("The answer is the coordinator's own text, not the %s's as it was told.", writer)
		}
	}
	limit := coordinator.Budget.MaxLLMCalls
	var le *aigentic.LimitError
	switch {
	case limit == 0:
		p.NotSeen("The team has no budget of model calls: nothing to check.")
	case errors.As(err, &le) && errors.Is(err, aigentic.ErrBudgetExceeded):
		p.Good("The team's budget held: it stopped the run tree at %d of %d model calls.", stats.LLMCalls, limit)
	case stats.LLMCalls <= limit:
		p.Good("The team stayed within its budget: %d of %d model calls.", stats.LLMCalls, limit)
	default:
		p.Bad("The team made %d model calls, over its budget of %d.", stats.LLMCalls, limit)
	}
}

// handedOver counts the notes the researcher's answer names (by title,
// in any case) and how many of those the writer's task names too.
func handedOver(notes []note, answer, task string) (cited, carried int) {
	answer, task = strings.ToLower(answer), strings.ToLower(task)
	for _, n := range notes {
		title := strings.ToLower(n.Title)
		if title == "" || !strings.Contains(answer, title) {
			continue
		}
		cited++
		if strings.Contains(task, title) {
			carried++
		}
	}
	return cited, carried
}

// unbudgeted is the most model calls, and requests, the run tree of a
// could make without a Budget, from each agent's MaxLLMCalls and Retries:
// its own calls, and for each call but its last (whose tool calls are
// never answered: the limit ends the run first) one delegation to its
// costliest sub-agent. A model asking for several tools in one answer can
// go further; only a Budget bounds that.
func unbudgeted(a aigentic.Agent) (calls, requests int) {
	own := a.MaxLLMCalls
	if own <= 0 {
		own = aigentic.DefaultMaxLLMCalls
	}
	var subCalls, subRequests int
	for _, s := range a.Agents {
		c, r := unbudgeted(s)
		subCalls, subRequests = max(subCalls, c), max(subRequests, r)
	}
	return own + (own-1)*subCalls, own*(1+a.Retries) + (own-1)*subRequests
}

// ownLimits lists the agents' own MaxLLMCalls: "coordinator 6, Researcher
// 4, Writer 2".
func ownLimits(a aigentic.Agent) string {
	own := a.MaxLLMCalls
	if own <= 0 {
		own = aigentic.DefaultMaxLLMCalls
	}
	parts := []string{fmt.Sprintf("%s %d", a.Name, own)}
	for _, s := range a.Agents {
		parts = append(parts, ownLimits(s))
	}
	return strings.Join(parts, ", ")
}
