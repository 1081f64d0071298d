package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// MarkCompact precedes a compaction of what a model call sends.
const MarkCompact = "⇣"

// showTurn prints question n and what its run did, in order: the tool
// calls and results, each compaction with its figures, then what the last
// request sent and the answer, on one line.
func (d *desk) showTurn(n int, question string, r *Reply) {
	d.p.Line("[%d] You: %s", n, cli.Clip(question, 160))
	refusals := r.Refusals
	for _, ev := range r.Events {
		switch e := ev.(type) {
		case *aigentic.DecisionEvent:
			if e.By != window.DecisionBy {
				continue
			}
			if strings.HasPrefix(e.Reason, "the server refused") && len(refusals) > 0 {
				d.p.Say("  %s the server refused the prompt: %s", cli.MarkError, refusals[0])
				refusals = refusals[1:]
			}
			d.p.Say("  %s %s: %s", MarkCompact, e.Step, e.Reason)
		case *aigentic.ToolResponseEvent:
			if !e.Error && len(e.Result.String()) > 1000 {
				d.p.Say("  %s %s: %s", cli.ArrowResult, e.ToolName, cli.Clip(e.Result.String(), 60)+
					fmt.Sprintf(" (≈%d tokens)", window.Tokens(e.Result.String())))
				continue
			}
			d.p.Event(ev)
		default:
			d.p.Event(ev)
		}
	}
	d.p.FlushLog()
	if len(r.Sent) > 0 {
		d.p.Faint("  sent: %s", describeSent(r, len(r.Sent)-1))
	}
	if r.Answer != "" {
		d.p.Line("[%d] Agent: %s", n, cli.Clip(r.Answer, 120))
	}
}

// describeSent says what request i of r sent: which turns of the
// conversation, about how many tokens, which turns were left out and
// whose tool results were clipped. It compares what was sent with the
// run's transcript; it does not take the compactor's word for it.
func describeSent(r *Reply, i int) string {
	questions, sent, clipped := sentTurns(r, i)
	n, s := len(questions), r.Sent[i]
	size := fmt.Sprintf("≈%d tokens", s.Tokens)
	if s.Counted > 0 {
		size += fmt.Sprintf(" (the model counted %d)", s.Counted)
	}
	out := fmt.Sprintf("the whole conversation (%s), %s", plural(n, "turn"), size)
	if len(sent) < n {
		out = fmt.Sprintf("%s of %d, %s; left out: %s", turnList(sent), n, size, turnList(missing(sent, n)))
	}
	if len(clipped) > 0 {
		out += "; clipped: the tool results of " + turnList(clipped)
	}
	return out
}

// sentTurns compares request i of r with the run's transcript: the
// questions of the conversation (its turns, oldest first), the turns the
// request sent (1-based, a question that ends a user message counts: it
// may follow a note or a summary) and the turns whose tool results it
// clipped.
func sentTurns(r *Reply, i int) (questions []string, sent, clipped []int) {
	all := append(append([]ai.Message(nil), r.History...), r.Added...)
	full := map[string]string{} // a tool call's id → its whole result
	for _, m := range all {
		switch m.Role {
		case ai.RoleUser:
			questions = append(questions, m.Content)
		case ai.RoleTool:
			full[m.ToolCallID] = m.Content
		}
	}
	next, cur := 0, 0
	for _, m := range r.Sent[i].Messages {
		switch m.Role {
		case ai.RoleUser:
			for next < len(questions) && !strings.HasSuffix(m.Content, questions[next]) {
				next++
			}
			if next < len(questions) {
				cur = next + 1
				sent = append(sent, cur)
				next++
			}
		case ai.RoleTool:
			if whole, ok := full[m.ToolCallID]; ok && whole != m.Content && (len(clipped) == 0 || clipped[len(clipped)-1] != cur) {
				clipped = append(clipped, cur)
			}
		}
	}
	return questions, sent, clipped
}

// turnList is "turn 2" or "turns 1–3, 5".
func turnList(ns []int) string {
	if len(ns) == 1 {
		return "turn " + strconv.Itoa(ns[0])
	}
	return "turns " + ranges(ns)
}

// missing returns the numbers 1..n not in have.
func missing(have []int, n int) []int {
	in := map[int]bool{}
	for _, h := range have {
		in[h] = true
	}
	var out []int
	for i := 1; i <= n; i++ {
		if !in[i] {
			out = append(out, i)
		}
	}
	return out
}

// ranges writes sorted numbers as "1–3, 5".
func ranges(ns []int) string {
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(ns[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d–%d", ns[i], ns[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// turns is the number of turns in msgs: its user messages.
func turns(msgs []ai.Message) int {
	n := 0
	for _, m := range msgs {
		if m.Role == ai.RoleUser {
			n++
		}
	}
	return n
}

// lastQuestion is the last user message of msgs.
func lastQuestion(msgs []ai.Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == ai.RoleUser {
			return msgs[i].Content
		}
	}
	return ""
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
