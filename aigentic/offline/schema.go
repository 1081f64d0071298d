package offline

import (
	"bytes"
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
