package offline

import (
	"encoding/json"
	"math"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// typed writes a JSON answer of the ResponseFormat's schema, filled from the tool results and the request; a string
// with nothing better gets the most relevant clause, a missing required value a default (deflt). When that does not
// validate, the answer is the defaults alone.
func typed(rf *ai.ResponseFormat, cv *conv) string {
	text := "" // the tool results first: they hold the facts
	for _, o := range cv.calls {
		if o.result != nil && !o.result.IsError {
			text += o.result.Content + "\n\n"
		}
	}
	p := parseProp("answer", normalize(rf.Schema), 0)
	c, ok := (&filler{src: newSrc(text + cv.user), typed: true}).value(p, 0, 0)
	if !ok || !p.valid(c.v) {
		c.v = (&filler{src: newSrc(""), typed: true}).deflt(p, 0)
	}
	b, _ := json.Marshal(c.v) // JSON values only
	return string(b)
}

// deflt is the schema's default or example, else a smallest valid value.
func (f *filler) deflt(p *prop, depth int) any {
	if d, ok := p.s["default"]; ok {
		return d
	} else if vs := append(slices.Clone(p.enum), p.examples...); len(vs) > 0 {
		return vs[0]
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
	if n := int(num(p.s["maxLength"], -1)); n >= 0 && len([]rune(s)) > n {
		s = string([]rune(s)[:n])
	}
	return s + strings.Repeat(".", max(0, int(num(p.s["minLength"], 0))-len([]rune(s))))
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
