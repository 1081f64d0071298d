package schema

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// flatValidator is an allocation-free fast path for the schema shape most
// tools have — and the one NewTool derives: an object whose properties are
// plain strings, integers, numbers or booleans (optionally with an enum),
// with required properties and additionalProperties. It is only used when
// the schema holds nothing else (see compileFlat), so its answers are the
// library's; a differential test checks that they agree.
type flatValidator struct {
	props    map[string]flatProp
	required []string
	closed   bool // additionalProperties: false
}

type flatProp struct {
	typ  string
	enum []any
	// min and max are the minimum and maximum keywords of a number or
	// an integer (hasMin, hasMax when set). A bound is a float64 as the
	// schema's JSON decodes it, and so is the value: the library compares
	// their shortest decimal forms, which order as the float64s do.
	min, max       float64
	hasMin, hasMax bool
}

// compileFlat returns a flatValidator when schema uses only the keywords it
// understands.
func compileFlat(schema map[string]any) (*flatValidator, bool) {
	if schema == nil {
		return &flatValidator{}, true
	}
	v := &flatValidator{props: map[string]flatProp{}}
	for k, val := range schema {
		switch k {
		case "type":
			if val != "object" {
				return nil, false
			}
		case "description", "title", "$schema", "$id", "$comment":
		case "additionalProperties":
			b, ok := val.(bool)
			if !ok {
				return nil, false
			}
			v.closed = !b
		case "required":
			list, ok := val.([]any)
			if !ok {
				if ss, ok2 := val.([]string); ok2 {
					for _, s := range ss {
						list = append(list, s)
					}
				} else {
					return nil, false
				}
			}
			for _, r := range list {
				s, ok := r.(string)
				if !ok {
					return nil, false
				}
				v.required = append(v.required, s)
			}
		case "properties":
			props, ok := val.(map[string]any)
			if !ok {
				return nil, false
			}
			for name, p := range props {
				pm, ok := p.(map[string]any)
				if !ok {
					return nil, false
				}
				fp, ok := compileFlatProp(pm)
				if !ok {
					return nil, false
				}
				v.props[name] = fp
			}
		default:
			return nil, false
		}
	}
	if _, ok := schema["type"]; !ok {
		return nil, false
	}
	return v, true
}

func compileFlatProp(pm map[string]any) (flatProp, bool) {
	var fp flatProp
	for k, val := range pm {
		switch k {
		case "type":
			s, ok := val.(string)
			if !ok {
				return fp, false
			}
			switch s {
			case "string", "integer", "number", "boolean":
				fp.typ = s
			default:
				return fp, false
			}
		case "description", "title", "$comment", "examples", "default":
		case "enum":
			list, ok := val.([]any)
			if !ok {
				if ss, ok2 := val.([]string); ok2 {
					for _, s := range ss {
						list = append(list, s)
					}
				} else {
					return fp, false
				}
			}
			for _, e := range list {
				switch e.(type) {
				case string, bool:
				case float64:
				default:
					return fp, false
				}
			}
			fp.enum = list
		case "minimum", "maximum":
			f, ok := bound(val)
			if !ok {
				return fp, false
			}
			if k == "minimum" {
				fp.min, fp.hasMin = f, true
			} else {
				fp.max, fp.hasMax = f, true
			}
		default:
			return fp, false
		}
	}
	if fp.typ == "" || (fp.hasMin || fp.hasMax) && fp.typ != "integer" && fp.typ != "number" {
		return fp, false
	}
	return fp, true
}

// bound is a minimum or maximum the fast path can compare exactly: a
// finite float64 (a schema decoded by encoding/json), or an int small
// enough to be one exactly.
func bound(val any) (float64, bool) {
	switch x := val.(type) {
	case float64:
		return x, !math.IsInf(x, 0) && !math.IsNaN(x)
	case int:
		return float64(x), x >= -1<<53 && x <= 1<<53
	}
	return 0, false
}

// inBounds reports whether x satisfies p's minimum and maximum.
func (p *flatProp) inBounds(x float64) bool {
	return !(p.hasMin && x < p.min || p.hasMax && x > p.max)
}

func (v *flatValidator) validate(args map[string]any) error {
	var problems []string
	for _, r := range v.required {
		if _, ok := args[r]; !ok {
			problems = append(problems, fmt.Sprintf("/: missing property '%s'", r))
		}
	}
	for k, val := range args {
		p, ok := v.props[k]
		if !ok {
			if v.closed {
				problems = append(problems, fmt.Sprintf("/: additional property '%s' not allowed", k))
			}
			continue
		}
		if got, ok := typeMatches(p.typ, val); !ok {
			problems = append(problems, fmt.Sprintf("/%s: got %s, want %s", k, got, p.typ))
			continue
		}
		if p.enum != nil && !inEnum(p.enum, val) {
			problems = append(problems, fmt.Sprintf("/%s: value must be one of %s", k, enumList(p.enum)))
		}
		if x, ok := val.(float64); ok {
			if p.hasMin && x < p.min {
				problems = append(problems, "/"+k+": "+englishPrinter.Sprintf("minimum: got %v, want %v", x, p.min))
			}
			if p.hasMax && x > p.max {
				problems = append(problems, "/"+k+": "+englishPrinter.Sprintf("maximum: got %v, want %v", x, p.max))
			}
		}
	}
	if problems == nil {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("%s", strings.Join(problems, "; "))
}

// typeMatches reports whether val (from encoding/json) has JSON type typ,
// and the value's JSON type name.
func typeMatches(typ string, val any) (string, bool) {
	switch x := val.(type) {
	case string:
		return "string", typ == "string"
	case bool:
		return "boolean", typ == "boolean"
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return "integer", typ == "integer" || typ == "number"
		}
		return "number", typ == "number"
	case nil:
		return "null", false
	case []any:
		return "array", false
	case map[string]any:
		return "object", false
	}
	return fmt.Sprintf("%T", val), false
}

func inEnum(enum []any, val any) bool {
	for _, e := range enum {
		if e == val {
			return true
		}
	}
	return false
}

func enumList(enum []any) string {
	parts := make([]string, len(enum))
	for i, e := range enum {
		parts[i] = fmt.Sprintf("%q", fmt.Sprint(e))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
