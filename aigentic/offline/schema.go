package offline

import (
	"encoding/json"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
)

// prop is one property of a JSON schema as the filler reads it. Any
// schema is accepted: what is not understood is ignored, and the filled
// value is checked against the real schema afterwards.
type prop struct {
	name, typ, desc, format string // typ: "string", "integer", "number", "boolean", "array", "object" or "" (any)
	s                       map[string]any
	required, free, id      bool
	loose                   bool            // the pattern also matches plain words: it checks values, it cannot find them
	shapeOnly               bool            // every example has a shape: a value must have one of them
	words                   map[string]bool // stems of the name's and description's words (not the examples')
	nameWords               []string
	enum, examples          []any
	re                      *regexp.Regexp
	shapes                  []shape
	items                   *prop   // an array's items
	props                   []*prop // an object's properties
	lo, hi, exLo, exHi      float64 // bounds, ±Inf when absent
	step                    float64 // multipleOf, 0 when absent
	minLen, maxLen          int     // maxLen -1: none
	minItems, maxItems      int
}

// normalize gives a schema written as Go literals ([]string, int) the
// types of decoded JSON; a schema that cannot be encoded is empty.
func normalize(schema map[string]any) map[string]any {
	var out map[string]any
	if b, err := json.Marshal(schema); err != nil || json.Unmarshal(b, &out) != nil || out == nil {
		return map[string]any{}
	}
	return out
}

// parseProps reads an object schema's properties: the required ones in
// the schema's order, then the others by name.
func parseProps(s map[string]any, depth int) []*prop {
	raw, _ := s["properties"].(map[string]any)
	req := strs(s["required"])
	var names []string
	for n := range raw {
		names = append(names, n)
	}
	rank := func(n string) int {
		if i := slices.Index(req, n); i >= 0 {
			return i
		}
		return len(req)
	}
	sort.Slice(names, func(i, j int) bool {
		return rank(names[i]) < rank(names[j]) || rank(names[i]) == rank(names[j]) && names[i] < names[j]
	})
	var out []*prop
	for _, n := range names {
		ps, _ := raw[n].(map[string]any)
		p := parseProp(n, ps, depth)
		p.required = slices.Contains(req, n)
		out = append(out, p)
	}
	return out
}

func parseProp(name string, s map[string]any, depth int) *prop {
	if s == nil {
		s = map[string]any{}
	}
	f := func(k string, def float64) float64 {
		if v, ok := s[k].(float64); ok {
			return v
		}
		return def
	}
	p := &prop{name: name, s: s, typ: schemaType(s), enum: anys(s["enum"]), examples: anys(s["examples"]), words: map[string]bool{},
		lo: f("minimum", math.Inf(-1)), hi: f("maximum", math.Inf(1)), exLo: f("exclusiveMinimum", math.Inf(-1)),
		exHi: f("exclusiveMaximum", math.Inf(1)), step: f("multipleOf", 0), minLen: int(f("minLength", 0)),
		maxLen: int(f("maxLength", -1)), minItems: int(f("minItems", 0)), maxItems: int(f("maxItems", -1))}
	p.desc, _ = s["description"].(string)
	p.format, _ = s["format"].(string)
	if c, ok := s["const"]; ok {
		p.enum = []any{c}
	}
	if pat, ok := s["pattern"].(string); ok {
		if re, err := regexp.Compile(pat); err == nil {
			p.re, p.loose = re, re.MatchString("hello") || re.MatchString("x")
		}
	}
	exs, plain := strs(s["examples"]), p.desc
	for _, e := range descExamples(p.desc) {
		exs, plain = append(exs, e), strings.ReplaceAll(plain, e, "") // an example's words are not the property's
	}
	for _, e := range exs {
		if f := detectFormat(e); f != "" && p.format == "" && p.re == nil {
			p.format = f
		} else if sh, ok := makeShape(e); ok && f == "" {
			p.shapes = append(p.shapes, sh)
		}
	}
	p.shapeOnly = len(p.shapes) > 0 && len(p.shapes) == len(exs)
	p.nameWords = words(splitIdent(name))
	nameFree := false
	for _, w := range p.nameWords {
		nameFree = nameFree || freeWords[w]
	}
	all := append(slices.Clone(p.nameWords), words(plain)...)
	sort.Strings(all)
	for _, w := range all {
		p.words[w], p.id = true, p.id || idWords[w]
		if f := formatWords[w]; f != "" && p.format == "" && p.re == nil && p.enum == nil && !nameFree && p.typ == "string" {
			p.format = f
		}
	}
	hinted := p.enum != nil || p.re != nil && !p.loose || p.format != "" || p.shapeOnly
	for _, w := range all {
		p.free = p.free || freeWords[w] && !hinted && p.typ != "array"
	}
	if items, ok := s["items"].(map[string]any); ok && depth < 8 {
		p.items = parseProp(name, items, depth+1)
	}
	if p.typ == "object" && depth < 8 {
		p.props = parseProps(s, depth+1)
	}
	return p
}

// schemaType is a schema's JSON type: its "type" (the first one not
// "null" when it lists several), else what its keywords imply.
func schemaType(s map[string]any) string {
	for _, t := range append([]string{str(s["type"])}, strs(s["type"])...) {
		if t != "" && t != "null" {
			return t
		}
	}
	if s["properties"] != nil {
		return "object"
	} else if s["items"] != nil {
		return "array"
	} else if e := anys(s["enum"]); len(e) > 0 && str(e[0]) != "" {
		return "string"
	}
	return ""
}

var hintRe = regexp.MustCompile(`(?i)\b(?:like|e\.\s?g\.?,?|eg|such as|for (?:example|instance),?|examples?:)\s+`)

// descExamples returns the examples a description gives after "like",
// "e.g.", "such as" or "for example": the quoted texts that follow, or
// else the text up to a comma, semicolon, parenthesis or sentence end,
// split on " or ".
func descExamples(desc string) []string {
	var out []string
	for _, m := range hintRe.FindAllStringIndex(desc, -1) {
		rest := desc[m[1]:]
		if end := strings.Index(rest, ". "); end >= 0 {
			rest = rest[:end]
		}
		if qs := quotes(rest); len(qs) > 0 && qs[0].start == 0 {
			for _, q := range qs {
				out = append(out, q.text)
			}
			continue
		}
		if end := strings.IndexAny(rest, ",;)\n"); end >= 0 {
			rest = rest[:end]
		}
		for _, e := range strings.Split(strings.TrimRight(rest, ". "), " or ") {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

var (
	emailRe = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$`)
	uuidRe  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// detectFormat names the JSON schema format (email, uuid, date, uri,
// date-time) a text is written in, or "".
func detectFormat(v string) string {
	if emailRe.MatchString(v) {
		if _, err := mail.ParseAddress(v); err == nil {
			return "email"
		}
	}
	if uuidRe.MatchString(v) {
		return "uuid"
	} else if _, err := time.Parse(time.DateOnly, v); err == nil {
		return "date"
	} else if _, err := time.Parse(time.RFC3339, v); err == nil {
		return "date-time"
	} else if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" && strings.Contains(v, "://") && !strings.ContainsAny(v, " \t") {
		return "uri"
	}
	return ""
}

// shape is the form of an example value such as ABC-123, #1042, ord_7f3a,
// America/New_York or 15 * 23 + 100: the kinds of characters it is made
// of (upper, lower, digit, symbol, space) and its symbols. A value has
// the shape when it is made of the same kinds; a one-word value also
// wants its symbols among the example's ("sub-agents" is not shaped like
// ord_7f3a).
type shape struct {
	cls  int
	syms string
}

const (
	clsUpper = 1 << iota
	clsLower
	clsDigit
	clsSym
	clsSpace
)

// makeShape returns an example's shape. Only examples with a digit or a
// symbol have one, and only single words or texts without letters (a
// formula): "blue" or "favourite colour" say what a value means, not how
// it is written.
func makeShape(ex string) (shape, bool) {
	cls, syms := classes(ex)
	return shape{cls, syms}, cls&(clsDigit|clsSym) != 0 && (cls&clsSpace == 0 || cls&(clsUpper|clsLower) == 0)
}

func classes(s string) (cls int, syms string) {
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			cls |= clsUpper
		case unicode.IsLetter(r):
			cls |= clsLower
		case unicode.IsDigit(r):
			cls |= clsDigit
		case unicode.IsSpace(r):
			cls |= clsSpace
		default:
			cls, syms = cls|clsSym, syms+string(r)
		}
	}
	return cls, syms
}

func (sh shape) match(v string) bool {
	cls, syms := classes(v)
	return cls == sh.cls && len(v) > 1 && (cls&clsSpace != 0 || strings.Trim(syms, sh.syms) == "")
}

func str(v any) string { s, _ := v.(string); return s }

func anys(v any) []any { a, _ := v.([]any); return a }

func strs(v any) []string {
	var out []string
	for _, e := range anys(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
