package offline

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxAnalysed bounds the text read, in bytes; maxFreeRunes a free text value.
const maxAnalysed, maxFreeRunes = 8 << 10, 4000

// src is a text values are taken from. Its pieces are what a pattern, format, enum value or shape may match: formulas
// ("15 * 23 + 100"), quotes, words, runs of two and three words.
type src struct {
	text                             string
	toks, quotes, pieces, names, cls []tok // names: capitalised words not starting a sentence (nameRe); cls: clauses, lazily
	nums                             []number
}

// head is the part of a text that is read: its first maxAnalysed bytes, invalid UTF-8 dropped.
func head(s string) string { return strings.ToValidUTF8(s[:min(len(s), maxAnalysed)], "") }

func newSrc(text string) *src {
	text = head(text)
	s := &src{text: text, toks: find(tokenRe, text, 0), quotes: quotes(text), names: find(nameRe, text, 1)}
	s.pieces = append(append(find(formulaRe, text, 1), s.quotes...), s.toks...)
	for i, t := range s.toks {
		for n := 1; n <= 2 && i+n < len(s.toks); n++ {
			s.pieces = append(s.pieces, tok{text[t.start:s.toks[i+n].end], t.start, s.toks[i+n].end})
		}
		if m := numberRe.FindStringSubmatch(t.text); m != nil {
			if m[2] == "" && i+1 < len(s.toks) && !strings.EqualFold(s.toks[i+1].text, "in") {
				m[2] = s.toks[i+1].text // "2 lb", not "2 in Porto"
			}
			v, _ := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64) // ±Inf when too large: no schema takes it
			s.nums = append(s.nums, number{v, canon(m[2]), t})
			if k := len(s.nums) - 2; k >= 0 { // "2 hours (and) 30 minutes" is one number: 150 minutes
				a, b, gap := units[s.nums[k].unit], units[s.nums[k+1].unit], text[s.nums[k].at.end:t.start]
				if b.size > 0 && a.dim == b.dim && a.size > b.size && s.nums[k].v >= 0 && !strings.ContainsAny(gap, ".;:!?\n") &&
					!slices.ContainsFunc(find(tokenRe, gap, 0), func(w tok) bool { return canon(w.text) != s.nums[k].unit && w.text != "and" }) {
					s.nums = append(s.nums[:k], number{s.nums[k].v*a.size/b.size + v, s.nums[k+1].unit, tok{text[s.nums[k].at.start:t.end], s.nums[k].at.start, t.end}})
				}
			}
		}
	}
	return s
}

// filler fills a schema from a source, each piece of it used once; typed, it gives required values defaults; with at
// set, it records where it found each top-level strong value (pass 0).
type filler struct {
	src   *src
	used  []tok
	own   string         // what free text properties get; the whole source when ""
	skip  map[string]int // the stems of the tool's name, not part of a phrase's rest
	typed bool
	at    map[string]tok
}

// cand is a value found, where, and w, the evidence it gives that its tool fits (see object).
type cand struct {
	v  any
	at tok
	w  int
}

// object fills properties in three passes — strong values (a pattern, format, enum value, shape or ID matched; a quote
// or number by the property's words), the quotes left, fallbacks (free text, names, bare numbers) — and returns the
// values, the required properties left empty and the evidence: 3 a strong value (an enum value 2, a boolean 1, an ID
// any ID property would take 2), 1 a bare number.
func (f *filler) object(props []*prop, depth int) (map[string]any, []*prop, int) {
	vals, score, missing := map[string]any{}, 0, []*prop(nil)
	for pass := 0; pass < 3; pass++ {
		for _, p := range props {
			if _, done := vals[p.name]; done {
				continue
			} else if c, ok := f.value(p, pass, depth); ok {
				vals[p.name], score, f.used = c.v, score+c.w, append(f.used, c.at)
				if depth == 0 && f.at != nil && pass == 0 {
					f.at[p.name] = c.at
				}
			}
		}
	}
	for _, p := range props {
		if _, ok := vals[p.name]; !ok && p.required && f.typed {
			vals[p.name] = f.deflt(p, depth)
		} else if !ok && p.required { // an object's (or array item's) required leaves left empty, by path (to.postcode), else p
			_, miss, _ := (&filler{src: f.src, used: slices.Clone(f.used), own: f.own, skip: f.skip}).object(cmp.Or(p.items, p).props, depth+1)
			for i, m := range miss {
				c := *m
				c.name, miss[i] = p.name+"."+m.name, &c
			}
			missing = append(missing, append(miss, p)[:max(1, len(miss))]...) // p when none: its values make no valid one
		}
	}
	return vals, missing, score
}

// value returns p's first acceptable candidate of a pass.
func (f *filler) value(p *prop, pass, depth int) (cand, bool) {
	used := len(f.used)
	switch {
	case p.typ == "object" && pass == 0 && depth < 8:
		if vals, missing, score := f.object(p.props, depth+1); len(missing) == 0 && (len(vals) > 0 || p.required) {
			return cand{v: vals, w: min(score, 3)}, true
		}
	case p.typ == "array" && p.items != nil && p.items.typ == "object" && !f.typed: // an item per new one the message holds
		if c, ok := f.value(p.items, pass, depth); ok && p.valid([]any{c.v}) {
			out := []any{c.v} // while the array stays valid (an extra item refused keeps the words it took)
			for n, ok := f.value(p.items, pass, depth); ok && p.valid(append(out, n.v)) && !slices.ContainsFunc(out, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(n.v) }); n, ok = f.value(p.items, pass, depth) {
				out = append(out, n.v)
			}
			return cand{v: out, w: c.w}, true
		}
	case p.typ == "array" && p.items != nil && (pass < 2 || p.items.typ == "number" || p.items.typ == "integer" || p.items.typ == "string" && !f.typed):
		var out []any
		for _, c := range f.cands(p.items, pass) {
			if v, ok := accept(p.items, c.v); ok && f.unused(c.at) && !slices.ContainsFunc(out, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(v) }) && len(out) < int(num(p.s["maxItems"], 1e9)) {
				out, f.used = append(out, v), append(f.used, c.at)
			}
		}
		if len(out) > 0 && p.valid(out) {
			return cand{v: out, w: max(0, 3-3*pass)}, true
		}
	case p.typ != "object" && p.typ != "array":
		for _, c := range f.cands(p, pass) {
			if v, ok := accept(p, c.v); ok && f.unused(c.at) && (p.role == "" || cmp.Or(roles[f.src.prev(c.at.start)], p.role) == p.role) {
				return cand{v, c.at, c.w}, true
			}
		}
	}
	f.used = f.used[:used] // what a value not taken used is free for others
	return cand{}, false
}

func (f *filler) unused(at tok) bool {
	return at.end == at.start || !slices.ContainsFunc(f.used, func(u tok) bool { return at.start < u.end && u.start < at.end })
}

// cands lists p's candidates of one pass, in the order they are tried.
func (f *filler) cands(p *prop, pass int) (out []cand) {
	ev := max(0, 3-3*pass-min(len(p.enum), 1)) // a strong value 3, an enum value 2
	s, add := f.src, func(v any, at tok) { out = append(out, cand{v, at, ev}) }
	switch {
	case p.typ == "boolean" && pass == 0: // a word of its name gives true, false after a negation or before "no"
		for i, t := range s.toks {
			if ws := words(t.text); len(ws) > 0 && slices.Contains(p.nameWords, ws[0]) {
				v := i+1 >= len(s.toks) || !set("no false off", false)[strings.ToLower(s.toks[i+1].text)]
				return []cand{{v && !slices.Contains(find(negRe, s.text, 1), t), t, 1}}
			}
		}
	case p.typ == "integer" || p.typ == "number":
		for _, n := range s.nums { // near: "3 days", "250ml", "order 1043", or a unit convert takes
			v, sure, ok := convert(n, p)
			near := sure || p.enum != nil || p.words[n.unit] && cmp.Or(p.unit, n.unit) == n.unit || s.before(n.at.start, p.words) // "3 parcels" is no weight_kg
			if ok && (pass == 0 && near || pass == 2) {
				out = append(out, cand{v, n.at, max(ev, pass/2)}) // a bare number 1
			}
		}
	case p.typ == "boolean":
	case pass == 0:
		strict := p.enum != nil || p.re != nil && !p.loose || slices.Contains(formats, p.format)
		for _, t := range slices.Concat(s.names, s.toks) { // after its role's cue, a name first: "to New York", "from faro"
			if p.role != "" && !strict && roles[s.prev(t.start)] == p.role {
				out = append(out, cand{t.text, t, 2})
			}
		}
		for _, t := range s.pieces {
			byName := (slices.Contains(s.quotes, t) || p.id && numberRe.MatchString(t.text)) && s.before(t.start, p.words)
			if strict || byName || matchAny(p.shapes, t.text) {
				add(t.text, t)
			} else if p.id && idLike(t.text) { // weak: any ID property would take it
				out = append(out, cand{t.text, t, 2})
			}
		}
		for _, t := range s.toks { // a cue naming it: "reason: …", "note: …", "because …" (a synonym of reason)
			if at := min(t.end+1, len(s.text)); (s.text[t.end:at] == ":" || strings.EqualFold(t.text, "because")) && s.before(at, p.words) {
				c, _ := s.clause(at) // "" when nothing follows: no value
				add(strings.TrimRight(strings.TrimSpace(c.text), ".!?"), c)
			}
		}
	case pass == 1:
		for _, q := range s.quotes {
			add(q.text, q)
		}
		for _, t := range s.toks { // a phrase after a cue ("titled Login broken"), to the clause's end or a value found
			if p.phrase && !f.typed && phraseCues[strings.ToLower(t.text)] {
				_, ts := s.clause(t.end)
				if k := slices.IndexFunc(ts, func(u tok) bool { return !f.unused(u) }); k >= 0 { // cut without the words
					for ts = ts[:k]; len(ts) > 0 && len(words(ts[len(ts)-1].text)) > 0; { // naming the value: "for order [1043]"
						ts = ts[:len(ts)-1]
					}
				}
				out = append(out, s.phrase(ts, 1<<20)...)
			}
		}
	case p.free && !f.typed: // an optional one only from a quote or a cue; a phrase, the short rest
		if p.required && !p.phrase {
			add(clip(cmp.Or(f.own, s.text), maxFreeRunes), tok{})
		} else if p.required { // the words nothing else took, but the tool's name's and its own, 6 at most
			out = s.phrase(slices.DeleteFunc(slices.Clone(s.toks), func(t tok) bool {
				ws := words(t.text)
				return !f.unused(t) || len(ws) == 0 || slices.ContainsFunc(ws, func(w string) bool { return f.skip[w] > 0 || p.words[w] })
			}), 6)
		}
	default:
		for _, t := range s.names {
			if !p.id && !(p.free && f.typed) && !stopwords[strings.ToLower(t.text)] { // a typed answer's prose: a clause, not a name
				add(t.text, t)
			}
		}
		if _, ok := p.s["default"]; f.typed && !ok && p.examples == nil && !p.id { // an ID is never an excerpt
			add(excerpt(s.text, p.words, 200), tok{})
		}
	}
	return out
}

// accept returns v as p's value (enum spelling, integer, clipped free text) if p's schema takes it; cheap tests first.
func accept(p *prop, v any) (any, bool) {
	if i := slices.IndexFunc(p.enum, func(e any) bool { return norm(fmt.Sprint(e)) == norm(fmt.Sprint(v)) }); i >= 0 {
		v = p.enum[i]
	} else if p.enum != nil {
		return nil, false
	}
	switch x := v.(type) {
	case string:
		if n := int(num(p.s["maxLength"], -1)); p.free && n >= 0 && len([]rune(x)) > n {
			x = strings.TrimSpace(string([]rune(x)[:n]))
		}
		if v = x; x == "" || p.shapeOnly && !matchAny(p.shapes, x) || p.re != nil && !p.re.MatchString(x) ||
			p.typ != "string" && p.typ != "" || slices.Contains(formats, p.format) && !inFormat(p.format, x) {
			return nil, false
		}
	case float64:
		if p.typ == "integer" && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			v = int64(x)
		}
	}
	return v, p.valid(v)
}

// norm: lower case, _ and - as spaces.
func norm(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(s))), " ")
}

// idLike: ABC-123, ord_7f3a, 1Z999 (letters and digits), #1042.
func idLike(w string) bool {
	cls, _ := classes(w)
	return cls&clsDigit != 0 && cls&clsSpace == 0 && (cls&clsLetter != 0 || w[0] == '#')
}

// number is a number written ("1,250", "#1042", "20%"), its unit the canon of the letters or word after it ("3 days": d).
type number struct {
	v    float64
	unit string
	at   tok
}

// phrase is the text from the first to the last of ts but the stopwords at its end, as a candidate of 1 to n words.
func (s *src) phrase(ts []tok, n int) []cand {
	for len(ts) > 0 && len(words(ts[len(ts)-1].text)) == 0 {
		ts = ts[:len(ts)-1]
	}
	if len(ts) == 0 || len(ts) > n {
		return nil
	}
	a, b := ts[0].start, ts[len(ts)-1].end
	return []cand{{v: s.text[a:b], at: tok{s.text[a:b], a, b}}}
}

// clause returns the text from offset at to the end of its clause, and its tokens.
func (s *src) clause(at int) (tok, []tok) {
	if s.cls == nil {
		s.cls = append(clauses(s.text), tok{"", len(s.text), len(s.text)}) // and an empty one at the end
	}
	c := s.cls[sort.Search(len(s.cls)-1, func(i int) bool { return s.cls[i].end > at })]
	i, j := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= at }), sort.Search(len(s.toks), func(i int) bool { return s.toks[i].end > c.end })
	return tok{s.text[min(max(at, c.start), c.end):c.end], min(max(at, c.start), c.end), c.end}, s.toks[i:max(i, j)]
}

// prev is the word before offset at, in lower case.
func (s *src) prev(at int) string {
	if i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].end > at }) - 1; i >= 0 {
		return strings.ToLower(s.toks[i].text)
	}
	return ""
}

// before reports whether the word before offset at is one of ws.
func (s *src) before(at int, ws map[string]bool) bool {
	return slices.ContainsFunc(words(s.prev(at)), func(w string) bool { return ws[w] })
}

// excerpt returns the clause of text sharing the most words with ws.
func excerpt(text string, ws map[string]bool, n int) string {
	best, top := "", -1
	for _, c := range clauses(text) {
		if score := len(slices.DeleteFunc(words(c.text), func(w string) bool { return !ws[w] })); score > top {
			best, top = c.text, score
		}
	}
	return clip(best, n)
}

func num(v any, def float64) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return def
}

// units: dimension (Mass, Length, Time) and size in SI base units (kg, m, s) by name (see synonyms), exact: NIST SP 811
// (2008) appendix B.8, after the international yard and pound agreement of 1959.
var units = map[string]struct{ dim, size float64 }{"kg": {'M', 1}, "g": {'M', 1e-3}, "lb": {'M', 0.45359237},
	"oz": {'M', 0.028349523125}, "m": {'L', 1}, "cm": {'L', 1e-2}, "mm": {'L', 1e-3}, "km": {'L', 1e3},
	"in": {'L', 0.0254}, "ft": {'L', 0.3048}, "mi": {'L', 1609.344}, "ms": {'T', 1e-3}, "sec": {'T', 1},
	"min": {'T', 60}, "h": {'T', 3600}, "d": {'T', 86400}, "wk": {'T', 604800}}

// convert returns n in p's unit, and whether n's unit said so. A number without a unit, or for a property naming none,
// is as written; across dimensions it is refused. A whole result is exact; another is rounded to the significant digits
// written, 3 at least (2 lb is 0.907 kg), and an integer property refuses it (the model asks).
func convert(n number, p *prop) (float64, bool, bool) {
	from, to := units[n.unit], units[p.unit]
	if x := n.v * from.size / to.size; from.size == 0 || to.size == 0 {
		return n.v, false, true
	} else if r := math.Round(x); math.Abs(x-r) <= 1e-9*math.Abs(x) {
		return r, true, from.dim == to.dim
	}
	digits := strings.Trim(strings.NewReplacer(".", "", "-", "").Replace(strconv.FormatFloat(n.v, 'f', -1, 64)), "0")
	x, _ := strconv.ParseFloat(strconv.FormatFloat(n.v*from.size/to.size, 'g', max(3, len(digits)), 64), 64)
	return x, true, from.dim == to.dim && p.typ != "integer"
}
