package offline

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// prop is a JSON schema as the filler reads it: a property, or a whole answer. What it does not understand it ignores;
// values are checked against the schema itself. Its role is "from" or "to" when its name's first word says so
// (origin_city, destination: see roles); its unit, the unit a number property names (see units). A phrase is free text
// named for a short phrase (query, title): the text after a cue, not the request. A loose pattern matches plain words
// too: it checks values, cannot find them. With shapeOnly, every example has a shape: a value must have one of them.
type prop struct {
	name, typ, desc, format, role, unit                 string // typ: "string", "integer", "number", "boolean", "array", "object" or "" (any)
	s                                                   map[string]any
	check                                               *jsonschema.Schema // compiled on first use (ready); nil when it does not compile
	required, free, id, ready, phrase, loose, shapeOnly bool
	words                                               map[string]bool // stems of its name's and description's words (not its examples')
	nameWords                                           []string
	enum, examples                                      []any
	re                                                  *regexp.Regexp
	shapes                                              []shape
	items                                               *prop   // an array's items
	props                                               []*prop // an object's properties, the required ones first
}

// normalize gives a schema of Go literals the types of decoded JSON.
func normalize(schema map[string]any) (out map[string]any) {
	if b, err := json.Marshal(schema); err != nil || json.Unmarshal(b, &out) != nil || out == nil {
		return map[string]any{}
	}
	return out
}

func parseProp(name string, s map[string]any, depth int) *prop {
	p := &prop{name: name, s: s, typ: schemaType(s), enum: anys(s["enum"]), examples: anys(s["examples"]), words: map[string]bool{}}
	p.desc, p.format, p.unit = str(s["description"]), str(s["format"]), splitIdent(name)
	// its unit: its name's last word (weight_kg, timeoutMs, days; not a lone word of one or two letters), else the word
	// after "in" in its description ("Delay in seconds.")
	if p.unit = p.unit[strings.LastIndex(p.unit, " ")+1:]; units[canon(p.unit)].size == 0 || len(p.unit) < 3 && p.unit == name {
		p.unit = append(unitDescRe.FindStringSubmatch(p.desc), "", "")[1]
	}
	p.unit = canon(p.unit)
	if c, ok := s["const"]; ok {
		p.enum = []any{c}
	}
	if re, err := regexp.Compile(str(s["pattern"])); err == nil && s["pattern"] != nil {
		p.re, p.loose = re, re.MatchString("hello") || re.MatchString("x")
	}
	exs, plain := strs(s["examples"]), p.desc
	for _, e := range descExamples(p.desc) {
		exs, plain = append(exs, e), strings.ReplaceAll(plain, e, "")
	}
	for _, e := range exs { // an example in a format gives the property that format; a word or formula with a digit or
		f := slices.IndexFunc(formats, func(f string) bool { return inFormat(f, e) }) // a symbol, a shape
		if cls, syms := classes(e); f >= 0 && p.format == "" && p.re == nil {
			p.format = formats[f]
		} else if f < 0 && cls&(clsDigit|clsSym) != 0 && (cls&clsSpace == 0 || cls&clsLetter == 0) {
			p.shapes = append(p.shapes, shape{cls, syms})
		}
	}
	p.shapeOnly = len(p.shapes) > 0 && len(p.shapes) == len(exs)
	p.nameWords, p.role = words(splitIdent(name)), roles[append(strings.Fields(strings.ToLower(splitIdent(name))), "")[0]]
	all := slices.Sorted(slices.Values(slices.Concat(p.nameWords, words(plain))))
	nameFree := slices.ContainsFunc(p.nameWords, func(w string) bool { return freeWords[w] || phraseWords[w] })
	for _, w := range all {
		p.words[w], p.id = true, p.id || idWords[w]
		if f := formatWords[w]; f != "" && p.format == "" && p.re == nil && p.enum == nil && !nameFree && p.typ == "string" {
			p.format = f
		}
	}
	hinted := p.enum != nil || p.re != nil && !p.loose || p.format != "" || p.shapeOnly
	p.phrase = slices.ContainsFunc(p.nameWords, func(w string) bool { return phraseWords[w] })
	p.free = !hinted && p.typ != "array" && (p.phrase || slices.ContainsFunc(all, func(w string) bool { return freeWords[w] }))
	p.phrase = p.phrase && p.free
	if items, ok := s["items"].(map[string]any); ok && depth < 8 {
		p.items = parseProp(name, items, depth+1)
	}
	raw, _ := s["properties"].(map[string]any)
	req := strs(s["required"])
	for _, n := range append(slices.Clone(req), slices.Sorted(maps.Keys(raw))...) { // the required ones first
		if ps, ok := raw[n].(map[string]any); ok && depth < 8 && !slices.ContainsFunc(p.props, func(q *prop) bool { return q.name == n }) {
			p.props = append(p.props, parseProp(n, ps, depth+1))
			p.props[len(p.props)-1].required = slices.Contains(req, n)
		}
	}
	return p
}

// compiled caches schemas by their JSON, 4096 at most: tools come back.
var compiled, compiledSize = new(sync.Map), new(atomic.Int32)

// valid reports whether p's schema (draft 2020-12, formats asserted) accepts v; one that does not compile, anything.
func (p *prop) valid(v any) bool {
	if !p.ready {
		raw, _ := json.Marshal(p.s) // normalized: it encodes
		if sch, ok := compiled.Load(string(raw)); ok {
			p.check = sch.(*jsonschema.Schema)
		} else if doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw)); err == nil {
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft2020)
			c.UseLoader(jsonschema.SchemeURLLoader{}) // never reads a file or URL a $ref names
			if c.AssertFormat(); c.AddResource("schema.json", doc) == nil {
				p.check, _ = c.Compile("schema.json")
			}
			if compiledSize.Add(1) <= 4096 {
				compiled.Store(string(raw), p.check)
			}
		}
		p.ready = true
	}
	b, err := json.Marshal(v)
	inst, err2 := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	return p.check == nil || err == nil && err2 == nil && p.check.Validate(inst) == nil
}

// schemaType is the schema's first "type" but "null", else implied.
func schemaType(s map[string]any) string {
	for _, t := range append(strs(s["type"]), str(s["type"])) {
		if t != "" && t != "null" {
			return t
		}
	}
	if s["properties"] != nil {
		return "object"
	} else if s["items"] != nil {
		return "array"
	}
	return ""
}

// descExamples returns the examples after "like", "e.g.", "such as"...: quotes, else the text to , ; ) or sentence end.
func descExamples(desc string) (out []string) {
	if loc := hintRe.FindStringIndex(desc); loc != nil {
		rest, qs := desc[loc[1]:], quotes(desc[loc[1]:])
		for _, q := range qs {
			out = append(out, q.text)
		}
		for _, e := range strings.Split(strings.Split(rest[:strings.IndexAny(rest+",", ",;)\n")], ". ")[0], " or ") {
			if e = strings.TrimRight(strings.TrimSpace(e), "."); e != "" && qs == nil {
				out = append(out, e)
			}
		}
	}
	return out
}

// formats are the JSON schema formats the model recognises in a text.
var formats = []string{"email", "uuid", "date", "date-time", "uri"}

// inFormat reports whether v is in the JSON schema format f (a URI with "://").
func inFormat(f, v string) bool {
	return (&prop{s: map[string]any{"format": f}}).valid(v) && (f != "uri" || strings.Contains(v, "://"))
}

const clsUpper, clsLower, clsDigit, clsSym, clsSpace, clsLetter = 1, 2, 4, 8, 16, 1 | 2

// shape is the form of an example (ABC-123, #1042, 15 * 23 + 100): the kinds of characters it has (upper, lower, digit,
// symbol, space), and its symbols, which a one-word value must take from.
type shape struct {
	cls  int
	syms string
}

func classes(s string) (cls int, syms string) {
	for i, re := range classRes {
		if re.MatchString(s) {
			cls |= 1 << i
		}
	}
	return cls, strings.Join(classRes[3].FindAllString(s, -1), "")
}

// matchAny reports whether v has one of the shapes.
func matchAny(shapes []shape, v string) bool {
	return slices.ContainsFunc(shapes, func(sh shape) bool {
		cls, syms := classes(v)
		return cls == sh.cls && len(v) > 1 && (cls&clsSpace != 0 || strings.Trim(syms, sh.syms) == "")
	})
}

func str(v any) string { s, _ := v.(string); return s }
func anys(v any) []any { a, _ := v.([]any); return a }
func strs(v any) (out []string) {
	for _, e := range anys(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// tok is a piece of a text and its byte range [start, end).
type tok struct {
	text       string
	start, end int
}

// The regular expressions, and the general word tables (English only, small on purpose).
var (
	// tokenRe: a run of non-space without enclosing punctuation at either end: "(ABC-123)," is ABC-123.
	tokenRe = regexp.MustCompile(`[^\s"'“”‘’()\[\]{}<>,.;:!?](?:\S*[^\s"'“”‘’()\[\]{}<>,.;:!?])?`)
	wordRe  = regexp.MustCompile(`[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*`)
	pieceRe = regexp.MustCompile(`\s*\S+\s*`) // what a stream sends at a time: a word and the space after it
	identRe = regexp.MustCompile(`([\p{Ll}\d])(\p{Lu})|[_.\-]+`)
	noteRe  = regexp.MustCompile(`(?s)^\[\d+ earlier messages [^\]]*\](?:\n.*</untrusted-data boundary="[^"]*">)?\n\n`) // package window's note (and summary) of messages left out
	// quoteRe: "…", “…”, and '…' where the quotes are not apostrophes.
	quoteRe = regexp.MustCompile(`"([^"\n]+)"|“([^”\n]+)”|(?:^|[\s(\[:=])'([^'\n]+)'(?:$|[\s.,;:!?)\]])`)
	// nameRe finds capitalised words not starting a sentence: "Ada Lovelace", "contact: Ana Silva".
	nameRe = regexp.MustCompile(`[^\s.!?]\s+(\p{Lu}[\p{Ll}'-]+(?: \p{Lu}[\p{Ll}'-]+)*)`)
	// formulaRe: a formula starts a word (not "881" in "ord-881").
	formulaRe = regexp.MustCompile(`(?:^|[^\pL\pN_-]|(?:^|[^\pL\pN_])-)([0-9(][^\pL\n"“”?!,;:]*[0-9)])`)
	numberRe  = regexp.MustCompile(`^[#$€£]?(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(%|[a-zA-Z]{1,4})?$`)
	// classRes find the classes of characters (see classes).
	classRes = []*regexp.Regexp{regexp.MustCompile(`\p{Lu}`), regexp.MustCompile(`\p{Ll}|\p{Lo}`), regexp.MustCompile(`\pN`),
		regexp.MustCompile(`[^\pL\pN\s]`), regexp.MustCompile(`\s`)}
	unitDescRe = regexp.MustCompile(`(?i)\bin\s+(\pL+)`) // "Delay in seconds."
	// negRe: a negation and the word it negates, in a clause: "do not delete", "no need to cancel", "without any rows".
	negRe  = regexp.MustCompile(`(?i)\b(?:no|not|never|without|dont|(?:do|does|should|must|wo)n['’]t|exclude|skip|disabled?|off)(?:[ \t]+(?:to|need|ever|even|the|any|an?))*[ \t]+(\pL+)`)
	hintRe = regexp.MustCompile(`(?i)\b(?:like|e\.\s?g\.?,?|eg|such as|for (?:example|instance),?|examples?:)\s+`)
	// clauseRe: sentence ends, new lines, ";", "also", ", then", "and what…" (the question word goes with the boundary).
	clauseRe = regexp.MustCompile(`(?i)[.!?]+\s+|\n+|;\s*|,?\s*\balso\b,?\s*|,?\s+(?:and\s+)?then\s+|,?\s+and\s+(?:what|how|where|when|who|which|is|are|can|could|tell|please)\b`)
	// stopwords say nothing of what is asked.
	stopwords = set(`a an the and or but if then else of to in on at by for from with without into onto about as is am are was were be been being it its this
		that these those there here i me my mine we us our you your he him his she her they them their what whats which who whom whose when where
		why how do does did done can could would should will shall may might must please kindly also just some any all each every no not yes ok
		okay so very much many hi hello hey thanks thank let lets tell show want need know up down out over again too than more most other such
		only own same s t d m ll re ve`, false)
	// genericWords say little of what a tool does: in its name they weigh 1, not 3.
	genericWords = set(`get set do make run use call fetch check show list create update tool function api agent helper
		service handle process perform execute data info value input output result task`, true)
	// freeWords name properties meant for prose: they may take the request's text.
	freeWords = set(`text input query question prompt message body content contents description note comment request
		instruction instructions task topic summary search keyword keywords details feedback reason`, true)
	// phraseWords name free text that is a short phrase; phraseCues introduce it.
	phraseWords = set(`query search keyword keywords term terms topic title subject heading headline caption`, true)
	phraseCues  = set(`called named titled entitled about regarding for`, false)
	// idWords name identifiers: ABC-123, #1042, ord_7f3a, or "order 1043".
	idWords = set(`id ids identifier sku code number ref reference serial`, true)
	// synonyms: words naming one thing, each to its group's first (as stems): a few general ones a request and a tool
	// may use for each other (and cancelled, which the stemmer misses), and the names of the units (see units).
	synonyms = groups("stock inventory left remaining available", "reason because", "refund reimburse", "delete remove",
		"cancel cancelled", "price cost", "buy purchase", "kg kgs kilo kilogram", "g gram", "lb lbs pound", "oz ounce",
		"m meter metre", "cm centimeter centimetre", "mm millimeter millimetre", "km kilometer kilometre", "in inch",
		"ft foot feet", "mi mile", "ms millisecond", "sec s second", "min minute", "h hr hrs hour", "d day", "wk week")
	// roles: the cue words of a property whose name has one (destination: "to Berlin"); it takes nothing cued for the other.
	roles = map[string]string{"from": "from", "origin": "from", "source": "from", "departure": "from", "start": "from",
		"to": "to", "into": "to", "destination": "to", "target": "to", "arrival": "to", "end": "to", "until": "to"}
	// destructive actions undo or destroy: a tool named for one is called only when the message names it (see refused).
	destructive = set(`delete remove cancel refund drop revoke destroy purge wipe erase terminate void deactivate unsubscribe`, true)
	// formatWords: the format a string property's words name (keys are stems).
	formatWords = map[string]string{"email": "email", "mail": "email", "url": "uri", "uri": "uri", "link": "uri", "websit": "uri",
		"uuid": "uuid", "guid": "uuid", "datetim": "date-time", "timestamp": "date-time", "dat": "date"}
)

// find returns the matches of re in s, or of its group g: find(tokenRe, s, 0) are s's words.
func find(re *regexp.Regexp, s string, g int) (out []tok) {
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, tok{s[m[2*g]:m[2*g+1]], m[2*g], m[2*g+1]})
	}
	return out
}

// quotes returns s's quoted texts at the range of their quotes (and of a space or bracket around a single-quoted one).
func quotes(s string) (out []tok) {
	for _, m := range quoteRe.FindAllStringSubmatchIndex(s, -1) {
		g := 2 + slices.IndexFunc(m[2:], func(i int) bool { return i >= 0 }) // the alternative that matched
		if q := strings.TrimSpace(s[m[g]:m[g+1]]); q != "" {
			out = append(out, tok{q, m[0], m[1]})
		}
	}
	return out
}

// words returns the stems of s's words but stopwords; "e-mail" gives e, mail, email.
func words(s string) (out []string) {
	for _, w := range wordRe.FindAllString(strings.ToLower(s), -1) {
		for _, p := range append(strings.Split(w, "-"), strings.ReplaceAll(w, "-", "")) {
			if p != "" && !stopwords[p] {
				out = append(out, canon(p))
			}
		}
	}
	return out
}

// splitIdent: "get_current_time" and "getCurrentTime" give "get current time".
func splitIdent(s string) string { return identRe.ReplaceAllString(s, "$1 $2") }

// stem strips English endings after Porter's step 1, twice: research(er), write(r), save(d), payment(s) meet.
func stem(w string) string {
	if len(w) < 4 || strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return w
	}
	if strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied") { // flies, tried: fly; payments: payment; not class, bus, axis
		w = w[:len(w)-3] + "y"
	} else if w[len(w)-1] == 's' && !strings.ContainsRune("sui", rune(w[len(w)-2])) {
		w = w[:len(w)-1]
	}
	for round, i := 0, 0; round < 2 && i < len(suffixes); i++ { // the first suffix that leaves 3 letters, twice
		if suf := suffixes[i]; strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			w, round, i = w[:len(w)-len(suf)], round+1, -1
		}
	}
	return w
}

var suffixes = []string{"ation", "ator", "ing", "ed", "er", "ate", "ly", "e"}

// canon is a word's stem, or its synonym group's first: "remaining" is "stock", "pounds" "lb".
func canon(w string) string { w = stem(strings.ToLower(w)); return cmp.Or(synonyms[w], w) }

// groups maps each word of each group to the group's first, as stems.
func groups(gs ...string) map[string]string {
	m := map[string]string{}
	for _, g := range gs {
		for w := range set(g, true) {
			m[w] = stem(strings.Fields(g)[0])
		}
	}
	return m
}

// set makes a set of words; with stems, of their stems.
func set(ws string, stems bool) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(ws) {
		if stems {
			w = stem(w)
		}
		m[w] = true
	}
	return m
}

// clauses splits s into the requests it makes, never inside quotes.
func clauses(s string) (out []tok) {
	masked, start := []byte(s), 0
	for _, q := range quotes(s) {
		copy(masked[q.start:q.end], strings.Repeat("x", q.end-q.start))
	}
	for _, m := range append(clauseRe.FindAllIndex(masked, -1), []int{len(s), len(s)}) {
		if t := strings.TrimSpace(s[start:m[0]]); t != "" {
			a := start + strings.Index(s[start:m[0]], t)
			out = append(out, tok{t, a, a + len(t)})
		}
		start = m[1]
	}
	return out
}

// clip cuts s to at most n runes, ending "…" when cut.
func clip(s string, n int) string {
	if r := []rune(strings.TrimSpace(s)); len(r) > n {
		return strings.TrimSpace(string(r[:max(n-1, 0)])) + "…"
	}
	return strings.TrimSpace(s)
}
