package offline

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Scoring weights. A tool "fits" when its evidence adds up to threshold:
// one distinctive word of its name, three words of its description, or one
// strong property fill (an arithmetic expression for an expression
// property, an e-mail address for an e-mail property, an IANA zone written
// out, a name/value pair). A known city or a mentioned enum value is a
// medium hint: it needs a word of the tool too.
const (
	threshold    = 3
	nameWeight   = 3
	weakWeight   = 1
	descWeight   = 1
	descCap      = 3
	secondWeight = 1 // a request word matching a second word of a tool's name
	strongFill   = 3
	mediumFill   = 2
	weakFill     = 1
	numberCap    = 2
	maxRepeats   = 5    // identical calls of one tool per user message, polling included
	maxFreeRunes = 4000 // longest free text put in an argument
)

// evidence is one reason to call a tool: a request word matching its name or
// description, or a part of the request that fills one of its properties.
type evidence struct {
	weight int
	desc   bool // a description word (capped together)
	name   bool // a name word
	span
}

// candidate is a tool scored against the request, with the arguments it
// would be called with.
type candidate struct {
	ti      *toolInfo
	ev      []evidence
	score   int
	home    int // the part of the request the tool answers; -1 for the whole
	args    map[string]any
	missing []*prop // required properties left empty
	mention int     // where the request first mentions the tool
	extra   []map[string]any
}

// planner chooses tools for one user message.
type planner struct {
	r     *request
	tools []*toolInfo
	// results of choose
	selected []*candidate
	pipeline []*candidate // single free-text tools called one after another
	only     *candidate   // the best fitting tool, when nothing could be called: ask for its missing values
}

// newPlanner reads the user message and the offered tools and chooses.
func newPlanner(user string, tools []ai.Tool) *planner {
	p := &planner{r: analyze(user)}
	seen := map[string]bool{}
	for i, t := range tools {
		if strings.TrimSpace(t.Name) == "" || seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		p.tools = append(p.tools, parseTool(t, i))
	}
	p.choose()
	return p
}

// choose selects the tools that fit the request clearly: the best one, then
// every other whose evidence lies in parts of the request no chosen tool
// already explains.
func (p *planner) choose() {
	var fits []*candidate
	for _, ti := range p.tools {
		c := p.evaluate(ti)
		if c.score >= threshold {
			fits = append(fits, c)
		}
	}
	sort.SliceStable(fits, func(i, j int) bool {
		if fits[i].score != fits[j].score {
			return fits[i].score > fits[j].score
		}
		if mi, mj := len(fits[i].missing) == 0, len(fits[j].missing) == 0; mi != mj {
			return mi // on a tie, a tool that can be called first
		}
		return fits[i].ti.index < fits[j].ti.index
	})
	// A tool that fits better but lacks a required value still explains its
	// part of the request: a weaker tool cannot take that part over.
	var claimed []span
	for _, c := range fits {
		if residual(c.ev, claimed) < threshold {
			continue
		}
		if len(c.missing) == 0 {
			p.selected = append(p.selected, c)
			// the other values it will be called with are its parts too
			_, spans := p.repeats(c, claimed)
			claimed = append(claimed, spans...)
		}
		for _, e := range c.ev {
			claimed = append(claimed, e.span)
		}
	}
	if len(p.selected) == 0 && len(fits) > 0 {
		c := fits[0]
		if len(fits) == 1 {
			p.fillFree(c)
		}
		if len(c.missing) > 0 {
			p.only = c // the answer asks for what is missing
			return
		}
		p.selected = append(p.selected, c)
	}
	// Final arguments: each tool fills from its own part of the request and
	// keeps out of the parts that other chosen tools explain.
	if len(p.selected) > 1 {
		for _, c := range p.selected {
			var avoid []span
			for _, o := range p.selected {
				if o != c {
					for _, e := range o.ev {
						avoid = append(avoid, e.span)
					}
				}
			}
			args, _, missing := p.fill(c.ti, c.home, avoid)
			if len(missing) == 0 {
				c.args = args
			}
		}
	}
	for _, c := range p.selected {
		var avoid []span
		for _, o := range p.selected {
			if o != c {
				for _, e := range o.ev {
					avoid = append(avoid, e.span)
				}
			}
		}
		c.extra, _ = p.repeats(c, avoid)
	}
	sort.SliceStable(p.selected, func(i, j int) bool {
		if p.selected[i].mention != p.selected[j].mention {
			return p.selected[i].mention < p.selected[j].mention
		}
		return p.selected[i].ti.index < p.selected[j].ti.index
	})
	var single []*candidate
	for _, c := range p.selected {
		if c.ti.singleText {
			single = append(single, c)
		}
	}
	if len(single) >= 2 {
		p.pipeline = single
		for _, c := range single {
			c.args = map[string]any{c.ti.props[0].name: cutRunes(p.r.free, maxFreeRunes)}
			c.extra = nil
		}
	}
}

// maxRepeatCalls bounds the calls of one tool in one turn.
const maxRepeatCalls = 4

// repeats returns more argument sets for a chosen tool when the request
// holds several values of the kind that fills its one expression, time
// zone, place or name/value property: "the time in Tokyo and in London"
// asks the clock twice. A value counts in the tool's own part of the
// request, or in a part where the tool's own words appear, outside the
// avoided parts. It also returns where those values are.
func (p *planner) repeats(c *candidate, avoid []span) ([]map[string]any, []span) {
	var key, value *prop
	for _, pr := range c.ti.props {
		switch pr.kind {
		case kindExpression, kindTimezone, kindPlace, kindKey:
			if key != nil {
				return nil, nil // two such properties: which one varies is unclear
			}
			key = pr
		case kindValue:
			value = pr
		}
	}
	if key == nil || c.args[key.name] == nil || (key.kind == kindKey && value == nil) {
		return nil, nil
	}
	ownParts := map[int]bool{c.home: true}
	for _, e := range c.ev {
		if e.name {
			ownParts[p.r.segmentOf(e.start)] = true
		}
	}
	type alt struct {
		k, v string
		span
	}
	var alts []alt
	switch key.kind {
	case kindExpression:
		for _, e := range p.r.exprs {
			alts = append(alts, alt{k: e.expr, span: e.span})
		}
	case kindTimezone:
		for _, z := range p.r.zones {
			alts = append(alts, alt{k: z.iana, span: z.span})
		}
	case kindPlace:
		for _, z := range p.r.zones {
			if z.fromTable {
				alts = append(alts, alt{k: z.display, span: z.span})
			}
		}
	case kindKey:
		for _, kv := range p.r.kvs {
			alts = append(alts, alt{k: kv.key, v: kv.value, span: kv.span})
		}
	}
	seen := map[string]bool{fmt.Sprint(c.args[key.name]): true}
	var out []map[string]any
	var spans []span
	for _, a := range alts {
		if seen[a.k] || overlapsAny(a.span, avoid) || !ownParts[p.r.segmentOf(a.start)] || len(out)+1 >= maxRepeatCalls {
			continue
		}
		seen[a.k] = true
		spans = append(spans, a.span)
		args := make(map[string]any, len(c.args))
		for k, v := range c.args {
			args[k] = v
		}
		args[key.name] = a.k
		if value != nil && key.kind == kindKey {
			args[value.name] = a.v
		}
		out = append(out, args)
	}
	return out, spans
}

// firstTurn returns the calls of the first step: every chosen tool, except
// that of a pipeline only the first is called.
func (p *planner) firstTurn() []ai.ToolCall {
	var calls []ai.ToolCall
	for _, c := range p.selected {
		if len(p.pipeline) > 0 && c.ti.singleText && c != p.pipeline[0] {
			continue
		}
		calls = append(calls, ai.ToolCall{Name: c.ti.tool.Name, Arguments: marshalArgs(c.args)})
		for _, args := range c.extra {
			calls = append(calls, ai.ToolCall{Name: c.ti.tool.Name, Arguments: marshalArgs(args)})
		}
	}
	return calls
}

// residual sums the evidence lying outside the claimed parts.
func residual(ev []evidence, claimed []span) int {
	total, desc := 0, 0
	for _, e := range ev {
		if overlapsAny(e.span, claimed) {
			continue
		}
		if e.desc {
			desc += e.weight
		} else {
			total += e.weight
		}
	}
	return total + min(desc, descCap)
}

// evaluate scores one tool against the request.
func (p *planner) evaluate(ti *toolInfo) *candidate {
	c := &candidate{ti: ti, home: -1}
	wev := p.wordEvidence(ti)
	c.home = p.homeOf(wev)
	args, fev, missing := p.fill(ti, c.home, nil)
	if c.home < 0 && len(fev) > 0 {
		c.home = p.homeOf(fev)
		args, fev, missing = p.fill(ti, c.home, nil)
	}
	c.ev = append(wev, fev...)
	c.score = residual(c.ev, nil)
	c.args, c.missing = args, missing
	c.mention = math.MaxInt
	for _, e := range c.ev {
		if e.name && e.start < c.mention {
			c.mention = e.start
		}
	}
	if c.mention == math.MaxInt {
		for _, e := range c.ev {
			c.mention = min(c.mention, e.start)
		}
	}
	return c
}

// wordEvidence matches the words of a tool's name and description against
// the request's words (each request word counts once per tool).
func (p *planner) wordEvidence(ti *toolInfo) []evidence {
	var ev []evidence
	used := make([]int, len(p.r.concepts))
	match := func(w string, weight int, desc bool) {
		// a request word not yet matched first; else, for a name word, a
		// second match of a word ("forget" → clear and memory) for 1
		for pass := 0; pass < 2; pass++ {
			for i, c := range p.r.concepts {
				if used[i] != pass || !containsStr(c.stems, w) || (pass == 1 && desc) {
					continue
				}
				used[i]++
				wt := weight
				if c.cap > 0 {
					wt = min(wt, c.cap)
				}
				if pass == 1 {
					wt = min(wt, secondWeight)
				}
				ev = append(ev, evidence{weight: wt, desc: desc, name: !desc, span: c.span})
				return
			}
		}
	}
	// strongest words first, so that "memory" of get_memory, not "get",
	// takes the request word they both match
	for _, w := range ti.nameWords {
		if !weakToolWords[w] {
			match(w, nameWeight, false)
		}
	}
	for _, w := range ti.nameWords {
		if weakToolWords[w] {
			match(w, weakWeight, false)
		}
	}
	for _, w := range ti.descWords {
		match(w, descWeight, true)
	}
	return ev
}

// homeOf returns the part of the request holding the strongest evidence
// (the earliest of equals), or -1.
func (p *planner) homeOf(ev []evidence) int {
	best, bestW := -1, 0
	for _, e := range ev {
		if e.weight > bestW || (e.weight == bestW && best >= 0 && e.start < p.r.segs[best].start) {
			if s := p.r.segmentOf(e.start); s >= 0 {
				best, bestW = s, e.weight
			}
		}
	}
	return best
}

// filler fills one tool's properties.
type filler struct {
	r      *request
	home   span
	avoid  []span
	args   map[string]any
	ev     []evidence
	usedQ  map[int]bool
	usedE  map[int]bool
	usedN  map[int]bool
	numEv  int
	ti     *toolInfo
	filled map[*prop]bool
}

// pickOrder returns the indexes of candidates in the order they should be
// tried: those in the tool's part of the request first, then the others
// outside the avoided parts.
func (f *filler) pickOrder(n int, spanOf func(int) span) []int {
	var in, out []int
	for i := 0; i < n; i++ {
		s := spanOf(i)
		switch {
		case s.overlaps(f.home):
			in = append(in, i)
		case !overlapsAny(s, f.avoid):
			out = append(out, i)
		}
	}
	return append(in, out...)
}

// first returns the candidate to use: the first in pickOrder.
func (f *filler) first(n int, spanOf func(int) span) (int, bool) {
	if order := f.pickOrder(n, spanOf); len(order) > 0 {
		return order[0], true
	}
	return 0, false
}

func (f *filler) set(pr *prop, v any, weight int, sp span) {
	f.args[pr.name] = v
	f.filled[pr] = true
	if weight > 0 {
		f.ev = append(f.ev, evidence{weight: weight, span: sp})
	}
}

// fill extracts the arguments of ti from the request. home is the part of
// the request the tool answers (-1: the whole); avoid lists parts other
// tools explain. It returns the arguments, the evidence the fills give,
// and the required properties it could not fill.
func (p *planner) fill(ti *toolInfo, home int, avoid []span) (map[string]any, []evidence, []*prop) {
	r := p.r
	f := &filler{r: r, avoid: avoid, args: map[string]any{}, usedQ: map[int]bool{}, usedE: map[int]bool{},
		usedN: map[int]bool{}, ti: ti, filled: map[*prop]bool{}, home: span{0, len(r.text)}}
	if home >= 0 && home < len(r.segs) {
		f.home = r.segs[home]
	}
	f.quotesByCue()
	for _, pr := range ti.props {
		if f.filled[pr] {
			continue
		}
		switch pr.kind {
		case kindEmail:
			f.email(pr)
		case kindExpression:
			if i, ok := f.first(len(r.exprs), func(i int) span { return r.exprs[i].span }); ok {
				f.set(pr, r.exprs[i].expr, strongFill, r.exprs[i].span)
			}
		case kindTimezone:
			// a zone written out is a clear request; a city is a hint
			if i, ok := f.first(len(r.zones), func(i int) span { return r.zones[i].span }); ok {
				w := strongFill
				if r.zones[i].fromTable {
					w = mediumFill
				}
				f.set(pr, r.zones[i].iana, w, r.zones[i].span)
			}
		case kindPlace:
			if i, ok := f.first(len(r.places), func(i int) span { return r.places[i].span }); ok {
				w := weakFill
				if overlapsAnyZone(r.places[i].span, r.zones) {
					w = mediumFill
				}
				f.set(pr, r.places[i].val, w, r.places[i].span)
			}
		case kindEnum:
			f.enum(pr)
		case kindBool:
			f.boolean(pr)
		case kindKey, kindValue:
			f.pair(pr)
		case kindURL:
			f.fromList(pr, r.urls, mediumFill)
		case kindDate:
			f.fromList(pr, r.dates, mediumFill)
		case kindLabel:
			if anyIn(pr.words, nameCues) {
				f.fromList(pr, r.names, weakFill)
			}
		case kindArray:
			f.array(pr)
		}
	}
	f.numbers()
	// leftover quotes go to text properties, then primary text properties
	// get the request itself
	for _, pr := range ti.props {
		if f.filled[pr] || pr.typ != "string" || (pr.kind != kindText && pr.kind != kindValue) {
			continue
		}
		for _, i := range f.pickOrder(len(r.quotes), func(i int) span { return r.quotes[i].span }) {
			if !f.usedQ[i] {
				f.usedQ[i] = true
				f.set(pr, r.quotes[i].val, weakFill, r.quotes[i].span)
				break
			}
		}
		if !f.filled[pr] && pr.primary {
			var others []span
			for _, e := range f.ev {
				others = append(others, e.span)
			}
			f.set(pr, p.freeText(ti, pr, f.home, others), 0, span{})
		}
	}
	var missing []*prop
	for _, pr := range ti.props {
		if f.filled[pr] || !pr.required {
			continue
		}
		switch {
		case pr.kind == kindBool:
			v := false
			if b, ok := pr.def.(bool); ok {
				v = b
			}
			f.set(pr, v, 0, span{})
		case pr.hasDef:
			f.set(pr, pr.def, 0, span{})
		case pr.kind == kindObject:
			f.set(pr, map[string]any{}, 0, span{})
		default:
			missing = append(missing, pr)
		}
	}
	return f.args, f.ev, missing
}

// fillFree fills the required properties a fitting tool still lacks with the
// request's text (the one-fitting-tool fallback); enums take their first
// value. Properties no prose can fill (numbers, and strict formats such as
// an e-mail address, an expression or a time zone) stay missing.
func (p *planner) fillFree(c *candidate) {
	var still []*prop
	for _, pr := range c.missing {
		switch {
		case pr.kind == kindEnum && len(pr.enum) > 0:
			c.args[pr.name] = pr.enum[0]
		case strictKind(pr.kind):
			still = append(still, pr)
		case pr.typ == "string":
			c.args[pr.name] = cutRunes(p.r.free, maxFreeRunes)
		case pr.kind == kindArray && (pr.itemType == "string" || pr.itemType == ""):
			c.args[pr.name] = []any{cutRunes(p.r.free, maxFreeRunes)}
		default:
			still = append(still, pr)
		}
	}
	c.missing = still
}

// strictKind reports whether a kind has a format the request's prose cannot
// satisfy: such a property is asked for rather than filled with free text.
func strictKind(k propKind) bool {
	switch k {
	case kindEmail, kindExpression, kindTimezone, kindURL, kindDate:
		return true
	}
	return false
}

// quotesByCue gives each quoted text to the property named by the words just
// before it: `subject "Hi"` fills subject, `saying "..."` fills body.
func (f *filler) quotesByCue() {
	for qi, q := range f.r.quotes {
		if !q.span.overlaps(f.home) && overlapsAny(q.span, f.avoid) {
			continue
		}
	cues:
		for _, cue := range q.cues {
			for _, pr := range f.ti.props {
				if f.filled[pr] || pr.typ != "string" || !pr.cues[cue] {
					continue
				}
				switch pr.kind {
				case kindText, kindLabel, kindKey, kindValue:
					f.usedQ[qi] = true
					f.set(pr, q.val, mediumFill, q.span)
					break cues
				}
			}
		}
	}
}

func (f *filler) email(pr *prop) {
	order := f.pickOrder(len(f.r.emails), func(i int) span { return f.r.emails[i].span })
	// an address right after the property's own word ("from x@y.z") first
	for _, i := range order {
		if f.usedE[i] {
			continue
		}
		cues := f.r.cuesBefore(f.r.emails[i].start)
		if len(cues) > 0 && containsStr(pr.words, cues[0]) {
			f.usedE[i] = true
			f.set(pr, f.r.emails[i].val, strongFill, f.r.emails[i].span)
			return
		}
	}
	isFrom := containsStr(pr.words, "from") || containsStr(pr.words, stem("sender"))
	for _, i := range order {
		if f.usedE[i] {
			continue
		}
		cues := f.r.cuesBefore(f.r.emails[i].start)
		if !isFrom && len(cues) > 0 && cues[0] == "from" {
			continue
		}
		f.usedE[i] = true
		f.set(pr, f.r.emails[i].val, strongFill, f.r.emails[i].span)
		return
	}
}

func (f *filler) fromList(pr *prop, list []strCand, weight int) {
	if i, ok := f.first(len(list), func(i int) span { return list[i].span }); ok {
		f.set(pr, list[i].val, weight, list[i].span)
	}
}

// enumMatches returns where the request mentions value v of an enum.
func (r *request) enumMatches(v any) []span {
	var out []span
	switch x := v.(type) {
	case float64:
		for _, n := range r.numbers {
			if n.val == x {
				out = append(out, n.span)
			}
		}
		return out
	case bool, nil:
		return nil
	}
	s := strings.TrimSpace(strings.ToLower(fmt.Sprint(v)))
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	if s == "" {
		return nil
	}
	words := strings.Fields(s)
	// word by word over the request tokens, comparing stems, so that
	// "high_priority" matches "high priority" and "celsius" "Celsius"
	for i := 0; i+len(words) <= len(r.toks); i++ {
		ok := true
		for k, w := range words {
			t := r.toks[i+k]
			if t.lower != w && t.stem != stem(w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, span{r.toks[i].start, r.toks[i+len(words)-1].end})
		}
	}
	return out
}

func (f *filler) enum(pr *prop) {
	bestIn, bestOut := -1, -1
	var spIn, spOut span
	for vi, v := range pr.enum {
		for _, sp := range f.r.enumMatches(v) {
			switch {
			case sp.overlaps(f.home):
				if bestIn < 0 || sp.start < spIn.start {
					bestIn, spIn = vi, sp
				}
			case !overlapsAny(sp, f.avoid):
				if bestOut < 0 || sp.start < spOut.start {
					bestOut, spOut = vi, sp
				}
			}
		}
	}
	switch {
	case bestIn >= 0:
		f.set(pr, pr.enum[bestIn], mediumFill, spIn)
	case bestOut >= 0:
		f.set(pr, pr.enum[bestOut], mediumFill, spOut)
	}
}

var (
	negations = setOf("no not without don't dont never exclude excluding disable skip")
	boolNoise = stemSet("is has include enable use show with should allow want flag")
	allWords  = setOf("all everything every entire whole")
)

func (f *filler) boolean(pr *prop) {
	all := containsStr(pr.words, "all")
	for ti, t := range f.r.toks {
		quantifier := all && allWords[t.lower]
		if !quantifier && (!containsStr(pr.words, t.stem) || boolNoise[t.stem] || stopwords[t.lower]) {
			continue
		}
		v := true
		for k := max(0, ti-3); k < ti; k++ {
			if negations[f.r.toks[k].lower] {
				v = false
			}
		}
		f.set(pr, v, weakFill, t.span)
		return
	}
}

// pair fills the name and value of a name/value tool.
func (f *filler) pair(pr *prop) {
	hasValue := false
	for _, q := range f.ti.props {
		if q.kind == kindValue {
			hasValue = true
		}
	}
	kvs := f.r.kvs
	if i, ok := f.first(len(kvs), func(i int) span { return kvs[i].span }); ok {
		if pr.kind == kindKey {
			w := weakFill
			if hasValue {
				w = strongFill
			}
			f.set(pr, kvs[i].key, w, kvs[i].span)
		} else {
			f.set(pr, kvs[i].value, 0, kvs[i].span)
		}
		return
	}
	if pr.kind == kindKey {
		f.fromList(pr, f.r.keys, weakFill)
	}
}

func (f *filler) array(pr *prop) {
	var items []any
	var sp span
	add := func(v any, s span) {
		if len(items) == 0 {
			sp = s
		}
		items = append(items, v)
	}
	switch {
	case len(pr.itemEnum) > 0:
		for _, v := range pr.itemEnum {
			if m := f.r.enumMatches(v); len(m) > 0 {
				add(v, m[0])
			}
		}
	case pr.itemType == "number" || pr.itemType == "integer":
		for _, i := range f.pickOrder(len(f.r.numbers), func(i int) span { return f.r.numbers[i].span }) {
			n := f.r.numbers[i]
			if pr.itemType == "integer" {
				add(int64(math.Round(n.val)), n.span)
			} else {
				add(n.val, n.span)
			}
		}
	case anyIn(pr.words, emailNames):
		for _, i := range f.pickOrder(len(f.r.emails), func(i int) span { return f.r.emails[i].span }) {
			add(f.r.emails[i].val, f.r.emails[i].span)
		}
	case pr.itemType == "string" || pr.itemType == "":
		for _, i := range f.pickOrder(len(f.r.quotes), func(i int) span { return f.r.quotes[i].span }) {
			if !f.usedQ[i] {
				f.usedQ[i] = true
				add(f.r.quotes[i].val, f.r.quotes[i].span)
			}
		}
	}
	if len(items) > 0 {
		f.set(pr, items, weakFill, sp)
	}
}

// numbers fills number properties: first a number next to the property's
// own word ("limit 5", "3 days"), then the others in order.
func (f *filler) numbers() {
	var props []*prop
	for _, pr := range f.ti.props {
		if pr.kind == kindNumber && !f.filled[pr] {
			props = append(props, pr)
		}
	}
	if len(props) == 0 {
		return
	}
	nums := f.r.numbers
	order := f.pickOrder(len(nums), func(i int) span { return nums[i].span })
	fits := func(pr *prop, n numCand) bool {
		v := n.val
		if pr.typ == "integer" {
			v = math.Round(v)
		}
		return (pr.min == nil || v >= *pr.min) && (pr.max == nil || v <= *pr.max)
	}
	for _, pr := range props {
		best, bestDist := -1, 3
		for _, i := range order {
			if f.usedN[i] || !fits(pr, nums[i]) {
				continue
			}
			if d := f.wordDistance(pr, nums[i].span); d < bestDist {
				best, bestDist = i, d
			}
		}
		if best >= 0 {
			f.setNumber(pr, best)
		}
	}
	for _, pr := range props {
		if f.filled[pr] {
			continue
		}
		for _, i := range order {
			if !f.usedN[i] && fits(pr, nums[i]) {
				f.setNumber(pr, i)
				break
			}
		}
	}
}

func (f *filler) setNumber(pr *prop, i int) {
	n := f.r.numbers[i]
	f.usedN[i] = true
	var v any = n.val
	if pr.typ == "integer" {
		v = int64(math.Round(n.val))
	}
	w := 0
	if f.numEv < numberCap {
		w = weakFill
		f.numEv++
	}
	f.set(pr, v, w, n.span)
}

// wordDistance is how many words lie between sp and the nearest word of the
// property's name (3 or more: not near).
func (f *filler) wordDistance(pr *prop, sp span) int {
	best := 3
	at := f.r.tokenAt(sp.start)
	if at < 0 || !f.r.toks[at].span.overlaps(sp) {
		return best
	}
	for d := 1; d < best; d++ {
		for _, k := range []int{at - d, at + d} {
			if k >= 0 && k < len(f.r.toks) && !stopwords[f.r.toks[k].lower] && containsStr(pr.words, f.r.toks[k].stem) {
				return d
			}
		}
	}
	return best
}

// freeText is the text for a free-text property: a search query gets the
// request's part without its leading command words, and ending where the
// values of other properties begin ("search the notes for budget, not
// archived" → "budget"); anything else the whole request.
func (p *planner) freeText(ti *toolInfo, pr *prop, home span, others []span) string {
	if !pr.queryLike {
		return cutRunes(p.r.free, maxFreeRunes)
	}
	var toks []token
	for _, t := range p.r.toks {
		if t.start >= home.start && t.end <= home.end {
			toks = append(toks, t)
		}
	}
	i := 0
	for i < len(toks) && (stopwords[toks[i].lower] || ti.context[toks[i].stem] || isCommandWord(toks[i].stem)) {
		i++
	}
	j := i
	for j < len(toks) && !overlapsAny(toks[j].span, others) {
		j++
	}
	for j > i && (stopwords[toks[j-1].lower] || negations[toks[j-1].lower] || connectors[toks[j-1].lower]) {
		j--
	}
	if i >= j {
		return cutRunes(p.r.free, maxFreeRunes)
	}
	out := strings.TrimRight(p.r.text[toks[i].start:toks[j-1].end], " .!?,;:")
	return cutRunes(out, maxFreeRunes)
}

var connectors = setOf("including include includes with without and or but plus also")

// commandWords lead a search request without being part of what to search
// for: "search the web for ...", "what do our notes say about ...".
var commandWords = stemSet(`search find look lookup google query web internet online research information info
say says said tell told know mention mentioned cover covers describe explain regarding concerning whether
anything something everything`)

func isCommandWord(s string) bool {
	if commandWords[s] {
		return true
	}
	for _, syn := range synonyms[s] {
		if commandWords[syn] {
			return true
		}
	}
	return false
}

// marshalArgs encodes arguments as a JSON object (keys sorted).
func marshalArgs(args map[string]any) string {
	if len(args) == 0 {
		return "{}"
	}
	b, err := json.Marshal(args)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// cutRunes limits s to n runes.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// describeArgs summarises short arguments for the final answer, e.g.
// `expression: "15 * 23 + 100"`.
func describeArgs(raw string) string {
	var m map[string]any
	if json.Unmarshal([]byte(raw), &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		var s string
		switch v := m[k].(type) {
		case string:
			if len([]rune(v)) > 60 || strings.ContainsAny(v, "\n") {
				continue
			}
			s = strconv.Quote(v)
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			s = strconv.FormatBool(v)
		default:
			continue
		}
		parts = append(parts, k+": "+s)
	}
	return strings.Join(parts, ", ")
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	for i, r := range s {
		return s[:i] + string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
