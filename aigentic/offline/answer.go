package offline

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// outcome is a tool call made since the last user message, with its
// result when one arrived.
type outcome struct {
	call   ai.ToolCall
	result *ai.Message
}

// conv is what the model reads from a conversation: the last user
// message, and what happened after it.
type conv struct {
	user     string
	calls    []*outcome
	answered bool // an assistant text reply follows the user message
	turns    int  // assistant messages in the whole conversation
	ids      map[string]bool
}

func read(msgs []ai.Message) *conv {
	c, u := &conv{ids: map[string]bool{}}, -1
	for i, m := range msgs {
		if m.Role == ai.RoleUser {
			u, c.user = i, m.Content
		} else if m.Role == ai.RoleAssistant {
			c.turns++
		}
		for _, tc := range m.ToolCalls {
			c.ids[tc.ID] = true
		}
	}
	for i := u + 1; i < len(msgs); i++ {
		c.answered = c.answered || msgs[i].Role == ai.RoleAssistant && len(msgs[i].ToolCalls) == 0
		for _, tc := range msgs[i].ToolCalls {
			c.calls = append(c.calls, &outcome{call: tc})
		}
		for _, o := range c.calls {
			if m := msgs[i]; m.Role == ai.RoleTool && o.result == nil && (o.call.ID == m.ToolCallID || m.ToolCallID == "" && o.call.Name == m.Name) {
				o.result = &msgs[i]
				break
			}
		}
	}
	return c
}

// pipeline returns the chosen single-input tools (sub-agents) in the order
// the request names them, when there are two or more.
func pipeline(plans []*plan) []*plan {
	var out []*plan
	for _, p := range plans {
		if p.ti.single {
			out = append(out, p)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// firstCalls are the first turn's calls: every chosen tool whose
// arguments are filled, but of a pipeline its first tool only, given the
// whole request.
func firstCalls(user string, plans []*plan) []ai.ToolCall {
	pipe := pipeline(plans)
	var out []ai.ToolCall
	for _, p := range plans {
		if len(pipe) > 0 && p == pipe[0] {
			out = append(out, call(p.ti, clip(user, maxFreeRunes)))
		} else if len(pipe) == 0 || !p.ti.single {
			for _, a := range p.args {
				b, _ := json.Marshal(a) // strings, numbers, booleans, and slices and maps of them
				out = append(out, ai.ToolCall{Name: p.ti.t.Name, Arguments: string(b)})
			}
		}
	}
	return out
}

// call calls a single-input tool with input.
func call(ti *tinfo, input string) ai.ToolCall {
	b, _ := json.Marshal(map[string]string{ti.props[0].name: input})
	return ai.ToolCall{Name: ti.t.Name, Arguments: string(b)}
}

// next returns the pipeline's next call: its first tool not called yet,
// given the request and the previous tool's result, when that result
// arrived and is not an error.
func (c *conv) next(plans []*plan) (ai.ToolCall, bool) {
	pipe := pipeline(plans)
	for i := 1; i < len(pipe); i++ {
		if c.called(pipe[i].ti.t.Name) != nil {
			continue
		}
		prev := c.called(pipe[i-1].ti.t.Name)
		if prev == nil || prev.result == nil || prev.result.IsError {
			break
		}
		return call(pipe[i].ti, clip(c.user+"\n\nResult from "+prev.call.Name+":\n"+strings.TrimSpace(prev.result.Content), maxFreeRunes)), true
	}
	return ai.ToolCall{}, false
}

func (c *conv) called(name string) *outcome {
	for _, o := range c.calls {
		if o.call.Name == name {
			return o
		}
	}
	return nil
}

// final writes the answer from this turn's tool results: failures first,
// their messages quoted, then each result verbatim with the tool's name
// and short arguments; a pipeline's answer is its last tool's result.
// Chosen tools that lacked a value ask for it.
func (c *conv) final(plans []*plan) string {
	var b strings.Builder
	var ok []*outcome
	for _, o := range c.calls {
		if o.result == nil {
			fmt.Fprintf(&b, "I called the %s tool but received no result from it.\n", o.call.Name)
		} else if o.result.IsError {
			fmt.Fprintf(&b, "The %s tool failed: \"%s\"\n", o.call.Name, strings.TrimSpace(o.result.Content))
		} else {
			ok = append(ok, o)
		}
	}
	text := func(o *outcome) string { return strings.TrimSpace(o.result.Content) }
	switch pipe := pipeline(plans); {
	case len(ok) == 0 && b.Len() > 0:
		b.WriteString("No tool gave me a usable result, so I cannot answer your request reliably.")
	case len(ok) == 0:
		b.WriteString("I have no tool results to answer from.")
	case len(pipe) > 0 && len(ok) == len(c.calls) && len(ok) == len(pipe):
		b.WriteString(text(ok[len(ok)-1]))
	case len(ok) == 1 && b.Len() == 0 && text(ok[0]) == "":
		fmt.Fprintf(&b, "The %s tool%s completed but returned no text.", ok[0].call.Name, argsNote(ok[0].call))
	case len(ok) == 1 && b.Len() == 0 && strings.Contains(text(ok[0]), "\n"):
		fmt.Fprintf(&b, "Here is the result from the %s tool%s:\n\n%s", ok[0].call.Name, argsNote(ok[0].call), text(ok[0]))
	case len(ok) == 1 && b.Len() == 0:
		fmt.Fprintf(&b, "The %s tool%s returned: %s", ok[0].call.Name, argsNote(ok[0].call), text(ok[0]))
	default:
		if b.Len() > 0 {
			b.WriteString("\nHere is what did succeed:\n")
		} else {
			b.WriteString("Here is what I found:\n")
		}
		for _, o := range ok {
			fmt.Fprintf(&b, "- %s%s: %s\n", o.call.Name, argsNote(o.call), strings.ReplaceAll(text(o), "\n", "\n  "))
		}
	}
	for _, p := range plans {
		if len(p.missing) > 0 {
			b.WriteString("\n\n" + ask(p))
		}
	}
	return strings.TrimSpace(b.String())
}

// argsNote gives a call's arguments in a few words, ` (order_id: 1042)`,
// or "" when they are long.
func argsNote(tc ai.ToolCall) string {
	var args map[string]any
	var parts []string
	_ = json.Unmarshal([]byte(tc.Arguments), &args)
	for k, v := range args {
		j, _ := json.Marshal(v)
		parts = append(parts, k+": "+string(j))
	}
	sort.Strings(parts)
	if s := strings.Join(parts, ", "); s != "" && len(s) <= 120 {
		return " (" + s + ")"
	}
	return ""
}

// ask asks for the required values a chosen tool lacks, naming each by its
// property's name, description and constraints.
func ask(p *plan) string {
	var needs, names []string
	for _, pr := range p.missing {
		var about []string
		if d := strings.TrimRight(strings.TrimSpace(pr.desc), "."); d != "" {
			about = append(about, d)
		}
		if pr.enum != nil {
			vs := make([]string, len(pr.enum))
			for i, e := range pr.enum {
				vs[i] = fmt.Sprint(e)
			}
			about = append(about, "one of "+strings.Join(vs, ", "))
		} else if pr.format != "" {
			about = append(about, "format "+pr.format)
		} else if pr.re != nil {
			about = append(about, "matching "+pr.re.String())
		}
		switch lo, hi := !math.IsInf(pr.lo, 0), !math.IsInf(pr.hi, 0); {
		case lo && hi:
			about = append(about, fmt.Sprintf("from %v to %v", pr.lo, pr.hi))
		case lo:
			about = append(about, fmt.Sprintf("at least %v", pr.lo))
		case hi:
			about = append(about, fmt.Sprintf("at most %v", pr.hi))
		}
		need := "the " + pr.name
		if len(about) > 0 {
			need += " (" + strings.Join(about, "; ") + ")"
		}
		needs, names = append(needs, need), append(names, "the "+pr.name)
	}
	return fmt.Sprintf("To use the %s tool I need %s. Please tell me %s.", p.ti.t.Name, strings.Join(needs, " and "), strings.Join(names, " and "))
}

// plain answers without tools: it restates the material the request
// carries (a previous tool's result handed on, after a blank line), or
// says why it cannot answer. It never adds a fact.
func plain(user string, tools int) string {
	user = strings.TrimSpace(user)
	if user == "" {
		return "I did not receive a question or a task. What would you like me to do?"
	}
	if _, material, ok := strings.Cut(user, "\n\n"); ok {
		var items []string
		for _, line := range strings.Split(material, "\n") {
			if line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "-*•")); line != "" && !strings.HasSuffix(line, ":") && len(items) < 8 {
				items = append(items, "- "+clip(line, 200))
			}
		}
		if len(items) > 0 {
			return "Here is what the material I was given says, restated without additions:\n" + strings.Join(items, "\n")
		}
	}
	why := "no tool I was given fits this request"
	if tools == 0 {
		why = "I was given no tools"
	}
	return fmt.Sprintf("I am the built-in offline model: I answer by calling tools, and %s (%q). I have no knowledge of my own to answer it with.", why, clip(user, 120))
}
