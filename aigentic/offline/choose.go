package offline

import (
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// A tool fits a request when its evidence reaches threshold: a word of its
// name (3, or 1 for a generic word such as "get"), words of its
// description (1 each, 3 at most), and what its properties find (3 for a
// pattern, format, example's shape or ID matched, or a quote or number
// next to the property's words; 2 for an enum value; 1 for a boolean or a
// bare number).
const (
	threshold = 3
	maxCalls  = 5 // calls of one tool per request, one per value listed
)

// tinfo is a tool as the model reads it.
type tinfo struct {
	t      ai.Tool
	schema map[string]any
	check  *jsonschema.Schema // compiled on first use; nil when it does not compile
	ready  bool
	name   map[string]int  // stems of its name's words, and their weight
	desc   map[string]bool // stems of its description's other words
	props  []*prop
	single bool // one free text property: a sub-agent's {"input"}
}

func readTool(t ai.Tool) *tinfo {
	ti := &tinfo{t: t, schema: normalize(t.InputSchema), name: map[string]int{}, desc: map[string]bool{}}
	ti.props = parseProps(ti.schema, 0)
	for _, w := range words(splitIdent(t.Name)) {
		if ti.name[w] = 3; genericWords[w] {
			ti.name[w] = 1
		}
	}
	for _, w := range words(t.Description) {
		if _, ok := ti.name[w]; !ok && !genericWords[w] {
			ti.desc[w] = true
		}
	}
	ti.single = len(ti.props) == 1 && ti.props[0].free
	return ti
}

// valid reports whether the tool's schema accepts args.
func (ti *tinfo) valid(args map[string]any) bool {
	if !ti.ready {
		ti.check, ti.ready = compile(ti.schema), true
	}
	return valid(ti.check, args)
}

// plan is a tool chosen for a request: the clause that chose it, its
// arguments (one set per call) and the required properties nothing filled.
type plan struct {
	ti      *tinfo
	clause  int
	args    []map[string]any
	missing []*prop
}

// score rates how well a tool fits text and fills its arguments from it;
// free text properties get own.
func score(ti *tinfo, text, own string) (int, *filler, map[string]any, []*prop) {
	sc, d := 0, 0
	for w := range set(strings.Join(words(text), " "), false) {
		if sc += ti.name[w]; ti.desc[w] {
			d++
		}
	}
	f := &filler{src: newSrc(text), own: own, at: map[string]tok{}, pass: map[string]int{}}
	args, missing, ev := f.object(ti.props, 0)
	return sc + min(d, 3) + ev, f, args, missing
}

// choose picks the tools a request asks for. With several clauses ("What
// is 15 * 23 + 100? Also, what time is it in Asia/Tokyo?") each clause's
// best fitting tool is chosen, and fills its arguments from its clauses
// and those no tool claimed; else the best fitting tool of the whole.
func choose(user string, tools []ai.Tool) []*plan {
	var tis []*tinfo
	seen := map[string]bool{}
	for _, t := range tools {
		if strings.TrimSpace(t.Name) != "" && !seen[t.Name] {
			seen[t.Name] = true
			tis = append(tis, readTool(t))
		}
	}
	if len(user) > maxAnalysed { // only the start of a long text is read
		user = strings.ToValidUTF8(user[:maxAnalysed], "")
	}
	cls := clauses(user)
	owner, claims := make([]*tinfo, len(cls)), map[*tinfo][]int{}
	for k := 0; k < len(cls) && len(cls) > 1 && len(cls) <= 8; k++ {
		if ti := best(tis, cls[k].text); ti != nil {
			owner[k], claims[ti] = ti, append(claims[ti], k)
		}
	}
	if len(claims) == 0 {
		if ti := best(tis, user); ti != nil {
			return []*plan{fill(ti, user, user, 0)}
		}
		return nil
	}
	var plans []*plan
	for ti, ks := range claims {
		var parts, own []string
		for k, c := range cls {
			if owner[k] == ti || owner[k] == nil && len(claims) > 1 {
				parts = append(parts, c.text)
			}
			if owner[k] == ti {
				own = append(own, c.text)
			}
		}
		if len(claims) == 1 {
			parts = []string{user}
		}
		plans = append(plans, fill(ti, strings.Join(parts, "\n"), strings.Join(own, "\n"), ks[0]))
	}
	sort.Slice(plans, func(i, j int) bool { return plans[i].clause < plans[j].clause })
	return plans
}

// best returns the tool that fits text best, or nil when none reaches the
// threshold; a tie goes to the tool offered first.
func best(tis []*tinfo, text string) *tinfo {
	var top *tinfo
	topScore := threshold - 1
	for _, ti := range tis {
		if sc, _, _, _ := score(ti, text, text); sc > topScore {
			top, topScore = ti, sc
		}
	}
	return top
}

// fill makes a tool's plan over its text: its arguments, and one more set
// of them per further value when the text lists several values for one
// property ("the time in Asia/Tokyo and Europe/Paris").
func fill(ti *tinfo, text, own string, clause int) *plan {
	_, f, args, missing := score(ti, text, own)
	p := &plan{ti: ti, clause: clause, missing: missing, args: []map[string]any{args}}
	if len(missing) > 0 {
		return &plan{ti: ti, clause: clause, missing: missing}
	}
	var key *prop
	var vals []any
	for _, pr := range ti.props {
		at, ok := f.at[pr.name]
		pass := f.pass[pr.name]
		if !ok || pr.free || pr.typ == "boolean" || pr.typ == "array" || pr.typ == "object" || pass == 1 || pass == 2 && pr.typ != "string" {
			continue
		}
		g := &filler{src: f.src}
		for _, u := range f.used {
			if u != at {
				g.used = append(g.used, u)
			}
		}
		var vs []any
		for _, c := range g.cands(pr, pass) {
			if v, ok := accept(pr, c.v); ok && g.unused(c.at) && !containsValue(vs, v) && len(vs) < maxCalls {
				vs, g.used = append(vs, v), append(g.used, c.at)
			}
		}
		if len(vs) > 1 && key != nil {
			return checked(p) // two properties vary: which value goes with which is unclear
		} else if len(vs) > 1 {
			key, vals = pr, vs
		}
	}
	if key != nil {
		p.args = nil
		for _, v := range vals {
			a := map[string]any{}
			for k, x := range args {
				a[k] = x
			}
			a[key.name] = v
			p.args = append(p.args, a)
		}
	}
	return checked(p)
}

// checked keeps the argument sets the tool's schema accepts (an invalid
// set is tried again with its required properties alone). With none left,
// the plan asks for its required properties.
func checked(p *plan) *plan {
	var ok []map[string]any
	for _, a := range p.args {
		for _, pr := range p.ti.props {
			if !pr.required && !p.ti.valid(a) {
				delete(a, pr.name)
			}
		}
		if p.ti.valid(a) {
			ok = append(ok, a)
		}
	}
	if p.args = ok; len(ok) == 0 {
		for _, pr := range p.ti.props {
			if pr.required {
				p.missing = append(p.missing, pr)
			}
		}
	}
	return p
}
