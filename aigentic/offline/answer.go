package offline

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// outcome is a call made since the user message, with its result.
type outcome struct {
	call   ai.ToolCall
	result *ai.Message
}

// conv is the last user message (with the request before it when it answers the model's question), and what followed.
type conv struct {
	user     string
	tools    []*tinfo // the tools to choose from: those the model asked about when the user answers its question
	calls    []*outcome
	byName   map[string]*outcome // each tool's first call
	answered bool                // an assistant text reply follows the user message
	turns    int                 // assistant messages in the whole conversation
	ids      map[string]bool
}

// read reads a request: its tools (the first of each name), and its conversation, where a user message after the
// model's question (see ask) fitting no tool but those asked about is read with the request before it, for those tools.
func read(req ai.Request) *conv {
	var tis []*tinfo
	for _, t := range req.Tools {
		if strings.TrimSpace(t.Name) != "" && !slices.ContainsFunc(tis, func(o *tinfo) bool { return o.t.Name == t.Name }) {
			ti := &tinfo{t: t, root: parseProp(t.Name, normalize(t.InputSchema), 0), name: map[string]int{}, desc: map[string]bool{}}
			for _, w := range words(splitIdent(t.Name)) {
				if ti.name[w] = 3; genericWords[w] {
					ti.name[w] = 1
				}
			}
			for _, w := range words(t.Description) {
				ti.desc[w] = ti.name[w] == 0 && !genericWords[w]
			}
			tis = append(tis, ti)
		}
	}
	c, asked := &conv{ids: map[string]bool{}, byName: map[string]*outcome{}, tools: tis}, []*tinfo(nil)
	for _, m := range req.Messages {
		if m.Role == ai.RoleUser { // what came before it is the past
			request, others := c.user, slices.DeleteFunc(slices.Clone(tis), func(ti *tinfo) bool { return slices.Contains(asked, ti) })
			c.user, c.tools, c.calls, c.answered, c.byName = head(noteRe.ReplaceAllString(m.Content, "")), tis, nil, false, map[string]*outcome{}
			if len(asked) > 0 && best(others, c.user) == nil {
				c.user, c.tools = request+"\n"+c.user, asked
			}
		} else if m.Role == ai.RoleAssistant {
			c.turns, c.answered = c.turns+1, c.answered || len(m.ToolCalls) == 0
		}
		asked = slices.DeleteFunc(slices.Clone(tis), func(ti *tinfo) bool { // the tools a question is about
			return m.Role != ai.RoleAssistant || !strings.Contains(m.Content, "To use the "+ti.t.Name+" tool I need ")
		})
		for _, tc := range m.ToolCalls {
			c.ids[tc.ID], c.calls = true, append(c.calls, &outcome{call: tc})
			c.byName[tc.Name] = cmp.Or(c.byName[tc.Name], c.calls[len(c.calls)-1])
		}
		if i := slices.IndexFunc(c.calls, func(o *outcome) bool {
			return o.result == nil && (o.call.ID == m.ToolCallID || m.ToolCallID == "" && o.call.Name == m.Name)
		}); i >= 0 && m.Role == ai.RoleTool {
			c.calls[i].result = &m
		}
	}
	return c
}

// next calls the chain's next tool with the request and the previous tool's result, once that arrived without error.
func (c *conv) next(chain []*plan) []ai.ToolCall {
	for i := 1; i < len(chain) && !c.answered; i++ {
		prev, name := c.byName[chain[i-1].ti.t.Name], chain[i].ti.t.Name
		if c.byName[name] != nil {
			continue
		} else if prev == nil || prev.result == nil || prev.result.IsError {
			break
		}
		input := c.user + "\n\nResult from " + prev.call.Name + ":\n" + strings.TrimSpace(prev.result.Content)
		args, _ := json.Marshal(map[string]string{chain[i].ti.root.props[0].name: clip(input, maxFreeRunes)})
		return []ai.ToolCall{{Name: name, Arguments: string(args)}}
	}
	return nil
}

// final answers from the results: failures quoted, then each result with its tool and arguments (a chain: its last).
func (c *conv) final(plans, chain []*plan) string {
	b, ok := &strings.Builder{}, []*outcome(nil)
	for _, o := range c.calls {
		if o.result == nil || o.result.IsError {
			fmt.Fprintf(b, "The %s tool failed: \"%s\"\n", o.call.Name, strings.TrimSpace(cmp.Or(o.result, &ai.Message{Content: "no result"}).Content))
		} else {
			ok = append(ok, o)
		}
	}
	text := func(o *outcome) string { return strings.TrimSpace(o.result.Content) }
	switch {
	case len(ok) == 0:
		b.WriteString("No tool gave me a usable result, so I cannot answer your request reliably.")
	case len(chain) > 1 && len(ok) == len(c.calls) && len(ok) == len(chain):
		b.WriteString(text(ok[len(ok)-1]))
	case len(ok) == 1 && b.Len() == 0:
		fmt.Fprintf(b, "The %s tool%s returned: %s", ok[0].call.Name, argsNote(ok[0].call), text(ok[0]))
	default:
		b.WriteString("Here is what I found:\n")
		for _, o := range ok {
			fmt.Fprintf(b, "- %s%s: %s\n", o.call.Name, argsNote(o.call), strings.ReplaceAll(text(o), "\n", "\n  "))
		}
	}
	for _, p := range plans {
		if len(p.missing) > 0 {
			b.WriteString("\n\n" + ask(p))
		}
	}
	return strings.TrimSpace(b.String())
}

// argsNote gives short arguments: ` (order_id: 1042)`.
func argsNote(tc ai.ToolCall) string {
	args, parts := map[string]any{}, []string(nil)
	_ = json.Unmarshal([]byte(tc.Arguments), &args)
	for _, k := range slices.Sorted(maps.Keys(args)) {
		j, _ := json.Marshal(args[k])
		parts = append(parts, k+": "+string(j))
	}
	if len(parts) == 0 || len(strings.Join(parts, ", ")) > 120 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// ask asks for what a chosen tool lacks, by name, description, constraints.
func ask(p *plan) string {
	var needs, names []string
	for _, pr := range p.missing {
		about := strings.TrimRight(strings.TrimSpace(pr.desc), ".")
		for _, k := range []string{"enum", "format", "pattern", "minimum", "maximum"} {
			if v, ok := pr.s[k]; ok {
				j, _ := json.Marshal(v)
				about += "; " + k + " " + strings.Trim(string(j), `"`)
			}
		}
		if about = strings.TrimPrefix(about, "; "); about != "" {
			about = " (" + about + ")"
		}
		needs, names = append(needs, "the "+pr.name+about), append(names, "the "+pr.name)
	}
	return fmt.Sprintf("To use the %s tool I need %s. Please tell me %s.", p.ti.t.Name, strings.Join(needs, " and "), strings.Join(names, " and "))
}

// plain answers without tools: it restates the material the request carries after a blank line, or says why it cannot.
func plain(user string, tools []ai.Tool, tis []*tinfo) string {
	if user = strings.TrimSpace(user); user == "" {
		return "I did not receive a question or a task. What would you like me to do?"
	}
	var items []string
	_, material, _ := strings.Cut(user, "\n\n")
	for _, line := range strings.Split(material, "\n") {
		if line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "-*•")); line != "" && !strings.HasSuffix(line, ":") && len(items) < 8 {
			items = append(items, "- "+clip(line, 200))
		}
	}
	if len(items) > 0 {
		return "Here is what the material I was given says, restated without additions:\n" + strings.Join(items, "\n")
	}
	for _, ti := range tis {
		if sc, _, _, _ := ti.score(user, user); sc >= threshold && ti.refused(user) != "" {
			return ti.refused(user)
		}
	}
	none := fmt.Sprintf("none of the %d tools I was given fits", len(tools))
	if len(tools) == 1 {
		none = fmt.Sprintf("the one tool I was given (%s) does not fit", clip(tools[0].Name, 64))
	} else if len(tools) == 0 {
		none = "I was given no tools for"
	}
	return fmt.Sprintf("I am the built-in offline model: I answer by calling tools, and %s this request (%q). "+
		"I have no knowledge of my own to answer it with.", none, clip(user, 120))
}

// typed writes a JSON answer of the ResponseFormat's schema from the tool results and the request (a string without
// a better value: the most relevant clause; a missing required value: a default, see deflt), else of the defaults alone.
func typed(rf *ai.ResponseFormat, cv *conv) string {
	text, p := "", parseProp("answer", normalize(rf.Schema), 0) // the tool results first: they hold the facts
	for _, o := range cv.calls {
		if o.result != nil && !o.result.IsError {
			text += o.result.Content + "\n\n"
		}
	}
	c, ok := (&filler{src: newSrc(text + cv.user), typed: true}).value(p, 0, 0)
	if !ok || !p.valid(c.v) {
		c.v = (&filler{src: newSrc(""), typed: true}).deflt(p, 0)
	}
	b, _ := json.Marshal(c.v) // JSON values only
	return string(b)
}

// deflt is the schema's default or example, else null if it takes one, else a smallest valid value.
func (f *filler) deflt(p *prop, depth int) any {
	if d, ok := p.s["default"]; ok {
		return d
	} else if vs := append(slices.Clone(p.enum), p.examples...); len(vs) > 0 || slices.Contains(strs(p.s["type"]), "null") {
		return append(vs, nil)[0] // else null, where the schema takes it: nothing found
	}
	switch p.typ {
	case "object":
		vals, _, _ := f.object(p.props, depth+1)
		return vals
	case "array":
		out := []any{}
		for i := 0; i < int(num(p.s["minItems"], 0)) && i < 64 && p.items != nil; i++ {
			out = append(out, f.deflt(p.items, depth+1))
		}
		return out
	case "boolean":
		return false
	case "integer", "number": // the first valid of 0, the bounds, and the multiples next to them
		step := num(p.s["multipleOf"], 1)
		for _, k := range []string{"", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"} {
			b := num(p.s[k], 0) / max(step, 1e-9)
			for _, v := range []float64{math.Ceil(b), math.Floor(b) + 1, math.Ceil(b) - 1} {
				if x, ok := accept(p, v*step); ok {
					return x
				}
			}
		}
		return 0
	}
	if s, ok := placeholders[p.format]; ok {
		return s
	}
	s := excerpt(f.src.text, p.words, 200)
	if p.re != nil && !p.re.MatchString(s) {
		re, _ := syntax.Parse(p.re.String(), syntax.Perl) // it compiled
		s = sample(re.Simplify())
	}
	r := []rune(s)[:max(0, min(len([]rune(s)), int(min(num(p.s["maxLength"], 1e9), 1e9))))] // cut to maxLength, padded to minLength
	return string(r) + strings.Repeat(".", max(0, int(num(p.s["minLength"], 0))-len(r)))
}

// placeholders stand for values of a format nothing gave.
var placeholders = map[string]string{"date": "1970-01-01", "date-time": "1970-01-01T00:00:00Z",
	"email": "unknown@example.com", "uri": "https://example.com/", "uuid": "00000000-0000-0000-0000-000000000000"}

// sample returns a short string r (simplified) matches.
func sample(r *syntax.Regexp) (s string) {
	switch {
	case r.Op == syntax.OpLiteral:
		return string(r.Rune)
	case r.Op == syntax.OpCharClass && len(r.Rune) > 1:
		return string(max(r.Rune[0], min(r.Rune[1], '0'))) // a digit when the class allows one
	case r.Op == syntax.OpAnyChar || r.Op == syntax.OpAnyCharNotNL:
		return "x"
	case r.Op == syntax.OpCapture || r.Op == syntax.OpPlus || r.Op == syntax.OpAlternate: // once, the first choice
		return sample(r.Sub[0])
	}
	for i := 0; i < len(r.Sub) && r.Op == syntax.OpConcat && len(s) <= 1000; i++ {
		s += sample(r.Sub[i])
	}
	return s
}
