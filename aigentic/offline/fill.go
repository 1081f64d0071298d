package offline

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxAnalysed bounds the text read, in bytes; maxFreeRunes bounds a free
// text argument.
const (
	maxAnalysed  = 8 << 10
	maxFreeRunes = 4000
)

// src is a text the filler takes values from: the request (or some of its
// clauses) for tool arguments; the tool results and the request for a
// typed answer.
type src struct {
	text         string
	toks, quotes []tok
	nums         []number // read once
}

func newSrc(text string) *src {
	if len(text) > maxAnalysed {
		text = strings.ToValidUTF8(text[:maxAnalysed], "")
	}
	return &src{text: text, toks: tokens(text), quotes: quotes(text)}
}

// filler fills a schema from a source, using each piece of it once.
type filler struct {
	src   *src
	used  []tok
	own   string // what free text properties get; the whole source when ""
	typed bool   // a typed answer: no property is left out
	// at and pass record where and in which pass each top-level property
	// was filled, when at is not nil.
	at   map[string]tok
	pass map[string]int
}

// cand is a value found for a property, where, and how much it says that
// the property is meant (0: a fallback that proves nothing).
type cand struct {
	v      any
	at     tok
	weight int
}

// object fills properties in three passes: strong evidence first (a
// pattern, format, enum value, example's shape or ID matched; a quote or a
// number next to the property's words), then the quotes left, in order,
// then fallbacks (free text, names, bare numbers). It returns the values,
// the required properties left empty (none in a typed answer: they get
// defaults) and the evidence.
func (f *filler) object(props []*prop, depth int) (map[string]any, []*prop, int) {
	vals, score := map[string]any{}, 0
	for pass := 0; pass < 3; pass++ {
		for _, p := range props {
			if _, done := vals[p.name]; done {
				continue
			}
			if c, ok := f.value(p, pass, depth); ok {
				vals[p.name], score = c.v, score+c.weight
				if c.at.end > c.at.start {
					f.used = append(f.used, c.at)
				}
				if depth == 0 && f.at != nil {
					f.at[p.name], f.pass[p.name] = c.at, pass
				}
			}
		}
	}
	var missing []*prop
	for _, p := range props {
		if _, ok := vals[p.name]; !ok && p.required && f.typed {
			vals[p.name] = f.deflt(p, depth)
		} else if !ok && p.required {
			missing = append(missing, p)
		}
	}
	return vals, missing, score
}

// value returns p's first acceptable candidate of a pass.
func (f *filler) value(p *prop, pass, depth int) (cand, bool) {
	switch {
	case p.typ == "object" && pass == 0 && depth < 8:
		vals, missing, score := f.object(p.props, depth+1)
		return cand{v: vals, weight: min(score, 3)}, len(missing) == 0 && (len(vals) > 0 || p.required)
	case p.typ == "array" && p.items != nil && p.items.typ != "object" && p.items.typ != "array" &&
		(pass < 2 || p.items.typ == "number" || p.items.typ == "integer"):
		var out []any
		c, used := cand{}, len(f.used)
		for _, x := range f.cands(p.items, pass) {
			if v, ok := accept(p.items, x.v); ok && f.unused(x.at) && !containsValue(out, v) && (p.maxItems < 0 || len(out) < p.maxItems) {
				out, c.weight = append(out, v), max(c.weight, x.weight)
				f.used = append(f.used, x.at)
			}
		}
		if c.v = out; len(out) == 0 || len(out) < p.minItems {
			f.used = f.used[:used]
			return cand{}, false
		}
		return c, true
	case p.typ == "object" || p.typ == "array":
		return cand{}, false
	}
	for _, c := range f.cands(p, pass) {
		if v, ok := accept(p, c.v); ok && f.unused(c.at) {
			c.v = v
			return c, true
		}
	}
	return cand{}, false
}

func (f *filler) unused(at tok) bool {
	for _, u := range f.used {
		if at.end > at.start && at.overlaps(u) {
			return false
		}
	}
	return true
}

// cands lists p's candidates of one pass, in the order they are tried.
func (f *filler) cands(p *prop, pass int) []cand {
	s, out := f.src, []cand{}
	add := func(v any, at tok, w int) { out = append(out, cand{v, at, w}) }
	switch {
	case p.typ == "boolean" && pass == 0:
		if v, at, ok := s.boolean(p); ok {
			add(v, at, 1)
		}
	case p.typ == "integer" || p.typ == "number":
		for _, n := range s.numbers() {
			if pass == 0 && (p.enum != nil || s.near(n, p.words)) {
				add(n.v, n.at, 3)
			} else if pass == 2 {
				add(n.v, n.at, 1)
			}
		}
	case p.typ == "boolean":
	case pass == 0:
		strict := p.enum != nil || p.re != nil && !p.loose || knownFormats[p.format]
		for _, t := range s.pieces() {
			if _, ok := accept(p, t.text); ok && (strict || matchAny(p.shapes, t.text) || p.id && idLike(t.text)) {
				add(t.text, t, 3-min(len(p.enum), 1))
			}
		}
		for _, q := range s.quotes {
			if s.before(q.start, p.words) {
				add(q.text, q, 3)
			}
		}
		for _, n := range s.numbers() {
			if p.id && s.near(n, p.words) {
				add(n.text, n.at, 3)
			}
		}
	case pass == 1:
		for _, q := range s.quotes {
			add(q.text, q, 0)
		}
	case p.free && !f.typed:
		add(clip(cmp.Or(f.own, s.text), maxFreeRunes), tok{}, 0)
	default:
		for _, m := range nameRe.FindAllStringSubmatchIndex(s.text, -1) {
			if !p.id && !stopwords[strings.ToLower(s.text[m[2]:m[3]])] {
				add(s.text[m[2]:m[3]], tok{s.text[m[2]:m[3]], m[2], m[3]}, 0)
			}
		}
		if _, ok := p.s["default"]; f.typed && !ok && p.examples == nil {
			add(excerpt(s.text, p.words, 200), tok{}, 0)
		}
	}
	return out
}

// nameRe finds names: capitalised words, one or a few, that do not start a
// sentence ("Paris", "Ada Lovelace").
var nameRe = regexp.MustCompile(`[^\s.!?:]\s+(\p{Lu}[\p{Ll}'-]+(?: \p{Lu}[\p{Ll}'-]+)*)`)

// accept checks v against what the filler knows of p — enum, pattern,
// format, shapes, bounds, lengths, integer — and returns it as the
// property's JSON value (an enum's own spelling, a normalised date).
func accept(p *prop, v any) (any, bool) {
	if p.enum != nil {
		for _, e := range p.enum {
			if norm(fmt.Sprint(e)) == norm(fmt.Sprint(v)) {
				return e, true
			}
		}
		return nil, false
	}
	switch x := v.(type) {
	case string:
		if x = formatted(p.format, x); x == "" || p.typ != "string" && p.typ != "" ||
			p.shapeOnly && !matchAny(p.shapes, x) || p.re != nil && !p.re.MatchString(x) {
			return nil, false
		}
		if p.maxLen >= 0 && len([]rune(x)) > p.maxLen {
			if !p.free && !strings.Contains(x, " ") {
				return nil, false
			}
			x = strings.TrimSuffix(clip(x, max(p.maxLen-1, 0)), "…")
		}
		return x, x != "" && len([]rune(x)) >= p.minLen
	case float64:
		if !p.inBounds(x) || p.typ == "integer" && (x != math.Trunc(x) || math.Abs(x) > 1<<53) {
			return nil, false
		} else if p.typ == "integer" {
			return int64(x), true
		}
		return x, p.typ == "number"
	}
	return v, true
}

func (p *prop) inBounds(x float64) bool {
	return x >= p.lo && x <= p.hi && x > p.exLo && x < p.exHi && (p.step <= 0 || math.Mod(x, p.step) == 0)
}

func matchAny(shapes []shape, v string) bool {
	return slices.ContainsFunc(shapes, func(sh shape) bool { return sh.match(v) })
}

// norm makes an enum value and a mention comparable: lower case, _ and -
// read as spaces.
func norm(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(s))), " ")
}

var knownFormats = set("date date-time email uri uuid", false)

// formatted returns v written in a JSON schema format, "" when it is not
// in it: dates "2026-03-15", "15 March 2026" or "March 15, 2026" give
// 2026-03-15, date-times are RFC 3339. Other formats are not checked here.
func formatted(format, v string) string {
	switch format {
	case "date":
		for _, l := range []string{time.DateOnly, "2 January 2006", "January 2 2006", "2 Jan 2006", "Jan 2 2006"} {
			if t, err := time.Parse(l, strings.ReplaceAll(v, ",", "")); err == nil {
				return t.Format(time.DateOnly)
			}
		}
		return ""
	case "date-time", "email", "uri", "uuid":
		if detectFormat(v) != format {
			return ""
		}
	}
	return v
}

// idLike reports whether a word looks like an identifier: ABC-123,
// ord_7f3a, 1Z999 (letters with digits), #1042.
func idLike(w string) bool {
	cls, _ := classes(w)
	return cls&clsDigit != 0 && cls&clsSpace == 0 && (cls&(clsUpper|clsLower) != 0 || strings.HasPrefix(w, "#")) && detectFormat(w) == ""
}

var formulaRe = regexp.MustCompile(`[0-9(][^\pL\n"“”?!,;:]*[0-9)]`)

// pieces are the texts a pattern, a format, an enum value or a shape may
// match, in the order they are tried: formulas (runs without letters,
// "15 * 23 + 100"), quoted texts, words, numbers without their "#", and
// runs of two and three words ("fan only", "2 April 2026").
func (s *src) pieces() []tok {
	var out []tok
	for _, m := range formulaRe.FindAllStringIndex(s.text, -1) {
		out = append(out, tok{s.text[m[0]:m[1]], m[0], m[1]})
	}
	out = append(append(out, s.quotes...), s.toks...)
	for _, t := range s.toks {
		if strings.HasPrefix(t.text, "#") {
			out = append(out, tok{t.text[1:], t.start + 1, t.end})
		}
	}
	for n := 1; n <= 2; n++ {
		for i := 0; i+n < len(s.toks); i++ {
			out = append(out, tok{s.text[s.toks[i].start:s.toks[i+n].end], s.toks[i].start, s.toks[i+n].end})
		}
	}
	return out
}

// number is a number written in the source ("1,250", "#1042", "25.50",
// "20%"), with the unit glued to it ("250ml") and its word's index.
type number struct {
	v          float64
	text, unit string
	i          int
	at         tok
}

var numberRe = regexp.MustCompile(`^[#$€£]?(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(%|[a-zA-Z]{1,4})?$`)

func (s *src) numbers() []number {
	if s.nums == nil {
		s.nums = []number{}
		for i, t := range s.toks {
			if m := numberRe.FindStringSubmatch(t.text); m != nil {
				text := strings.ReplaceAll(m[1], ",", "")
				if v, err := strconv.ParseFloat(text, 64); err == nil {
					s.nums = append(s.nums, number{v, text, stem(strings.ToLower(m[2])), i, t})
				}
			}
		}
	}
	return s.nums
}

// near reports whether a number is written next to one of ws: "3 days",
// "250 ml", "250ml", "order 1043", "order no. 1043".
func (s *src) near(n number, ws map[string]bool) bool {
	next := n.i+1 < len(s.toks) && slices.ContainsFunc(words(s.toks[n.i+1].text), func(w string) bool { return ws[w] })
	return ws[n.unit] || next || s.before(n.at.start, ws)
}

// before reports whether the text before byte offset at ends with one of
// ws, or with one of ws and a joiner: `subject "Hi"`, "order no. 1043".
func (s *src) before(at int, ws map[string]bool) bool {
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].end > at }) - 1
	for k := 0; k < 2 && i >= 0; k, i = k+1, i-1 {
		if slices.ContainsFunc(words(s.toks[i].text), func(w string) bool { return ws[w] }) {
			return true
		} else if !joiners[strings.ToLower(s.toks[i].text)] {
			return false
		}
	}
	return false
}

// boolean reads a boolean property: one of its name's words mentioned
// gives true, false after a negation ("without archived") or before "no".
func (s *src) boolean(p *prop) (bool, tok, bool) {
	for i, t := range s.toks {
		if ws := words(t.text); len(ws) > 0 && slices.Contains(p.nameWords, ws[0]) {
			v := i+1 >= len(s.toks) || !set("no false off", false)[strings.ToLower(s.toks[i+1].text)]
			for j := max(0, i-3); j < i; j++ {
				v = v && !negations[strings.ToLower(s.toks[j].text)]
			}
			return v, t, true
		}
	}
	return false, tok{}, false
}

// excerpt returns the clause of text that shares the most words with ws
// (the first one when none does), clipped to n runes.
func excerpt(text string, ws map[string]bool, n int) string {
	best, top := "", -1
	for _, c := range clauses(text) {
		score := 0
		for _, w := range words(c.text) {
			if ws[w] {
				score++
			}
		}
		if score > top {
			best, top = c.text, score
		}
	}
	return clip(best, n)
}

func containsValue(list []any, v any) bool {
	return slices.ContainsFunc(list, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(v) })
}
