package offline

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp/syntax"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// typed writes the answer a ResponseFormat asks for: a JSON value of its
// schema, each value taken from text (the tool results, then the request)
// by the filler of tool arguments; a string with nothing better gets the
// most relevant clause. A required value found nowhere gets the schema's
// default or first example, else the smallest valid value: an enum's
// first value, the minimum, a string the pattern matches, a placeholder
// date, address or UUID. When the result does not validate, the answer
// is those defaults alone.
func typed(rf *ai.ResponseFormat, text string) string {
	schema := normalize(rf.Schema)
	p := parseProp("answer", schema, 0)
	f := &filler{src: newSrc(text), typed: true}
	c, ok := f.value(p, 0, 0)
	if sch := compile(schema); !ok || !valid(sch, c.v) {
		c.v = (&filler{src: newSrc(""), typed: true}).deflt(p, 0)
	}
	b, err := json.Marshal(c.v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// deflt is a valid value for p when the text gives none.
func (f *filler) deflt(p *prop, depth int) any {
	if d, ok := p.s["default"]; ok {
		return d
	} else if p.enum != nil {
		return p.enum[0]
	} else if p.examples != nil {
		return p.examples[0]
	}
	switch p.typ {
	case "object":
		vals, _, _ := f.object(p.props, depth+1)
		return vals
	case "array":
		out := []any{}
		for i := 0; i < p.minItems && i < 64 && p.items != nil; i++ {
			out = append(out, f.deflt(p.items, depth+1))
		}
		return out
	case "boolean":
		return false
	case "integer", "number":
		step := math.Max(p.step, 0)
		if step == 0 {
			step = 1
		}
		v := math.Ceil(math.Max(0, math.Max(p.lo, p.exLo))/step) * step
		if v <= p.exLo {
			v += step
		}
		if !p.inBounds(v) { // from the top instead
			if v = math.Floor(math.Min(p.hi, p.exHi)/step) * step; v >= p.exHi {
				v -= step
			}
		}
		if p.typ == "integer" && math.Abs(v) < 1<<53 {
			return int64(v)
		}
		return v
	}
	if s, ok := placeholders[p.format]; ok {
		return s
	}
	s := excerpt(f.src.text, p.words, 200)
	if p.re != nil && !p.re.MatchString(s) {
		s = sample(p.re.String())
	}
	if p.maxLen >= 0 && len([]rune(s)) > p.maxLen {
		s = string([]rune(s)[:p.maxLen])
	}
	return s + strings.Repeat(".", max(0, p.minLen-len([]rune(s))))
}

// placeholders stand for values of a format the text did not give.
var placeholders = map[string]string{"date": "1970-01-01", "date-time": "1970-01-01T00:00:00Z",
	"email": "unknown@example.com", "uri": "https://example.com/", "uuid": "00000000-0000-0000-0000-000000000000"}

// sample returns a short string a regular expression matches: the first
// choice of each alternative, each repetition its minimum.
func sample(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(r *syntax.Regexp, depth int)
	walk = func(r *syntax.Regexp, depth int) {
		switch {
		case depth > 50 || b.Len() > 1000:
		case r.Op == syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case r.Op == syntax.OpCharClass && len(r.Rune) > 1:
			b.WriteRune(max(r.Rune[0], min(r.Rune[1], '0'))) // a digit when the class allows one
		case r.Op == syntax.OpAnyChar || r.Op == syntax.OpAnyCharNotNL:
			b.WriteByte('x')
		case r.Op == syntax.OpRepeat:
			for i := 0; i < r.Min && i < 100; i++ {
				walk(r.Sub[0], depth+1)
			}
		case r.Op == syntax.OpCapture || r.Op == syntax.OpPlus || r.Op == syntax.OpAlternate:
			walk(r.Sub[0], depth+1)
		case r.Op == syntax.OpConcat:
			for _, s := range r.Sub {
				walk(s, depth+1)
			}
		}
	}
	walk(re, 0)
	return b.String()
}

// compile compiles a JSON schema with santhosh-tekuri/jsonschema (draft
// 2020-12, formats asserted); nil when it does not compile.
func compile(schema map[string]any) *jsonschema.Schema {
	raw, _ := json.Marshal(schema) // normalized: it encodes
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err != nil || c.AddResource("schema.json", doc) != nil {
		return nil
	}
	sch, _ := c.Compile("schema.json")
	return sch
}

// valid checks v against a compiled schema; a schema that did not compile
// (nil) cannot reject anything.
func valid(sch *jsonschema.Schema, v any) bool {
	b, err := json.Marshal(v)
	if sch == nil || err != nil {
		return sch == nil
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	return err == nil && sch.Validate(inst) == nil
}
