package aitest

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

const (
	maxNaiveDepth = 8  // bounds recursion through self-referencing schemas
	maxNaiveItems = 64 // bounds an array: no schema makes it allocate much
)

// naiveGen builds one NaiveArguments value.
type naiveGen struct {
	root map[string]any
	// cut is set when a value reached maxNaiveDepth (and so is nil) since
	// the innermost array being built began: that array sends [] instead
	// when minItems allows.
	cut bool
}

func (g *naiveGen) value(s map[string]any, depth int) any {
	if s == nil {
		return nil
	}
	if depth > maxNaiveDepth {
		g.cut = true
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		return g.value(resolveRef(ref, g.root), depth+1)
	}
	if c, ok := s["const"]; ok {
		return c
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	for _, key := range []string{"anyOf", "oneOf", "allOf"} {
		if alts, ok := s[key].([]any); ok && len(alts) > 0 {
			if alt, ok := alts[0].(map[string]any); ok {
				return g.value(alt, depth+1)
			}
		}
	}
	if ex, _ := s["examples"].([]any); len(ex) > 0 && validates(s, ex[0]) {
		return ex[0]
	}
	if d, ok := s["default"]; ok && validates(s, d) {
		return d
	}
	switch schemaType(s) {
	case "object":
		obj := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for _, name := range requiredNames(s["required"]) {
			p, _ := props[name].(map[string]any)
			obj[name] = g.value(p, depth+1)
		}
		return obj
	case "array":
		return g.array(s, depth)
	case "integer", "number":
		return naiveNumber(s)
	case "boolean":
		return false
	case "null":
		return nil
	}
	return naiveString(s)
}

// array is the array NaiveArguments sends for s (see there).
func (g *naiveGen) array(s map[string]any, depth int) []any {
	item, _ := s["items"].(map[string]any)
	least := intLimit(s["minItems"], 0, maxNaiveItems)
	n := min(max(1, least), intLimit(s["maxItems"], maxNaiveItems, maxNaiveItems))
	outer := g.cut
	g.cut = false
	arr := make([]any, n)
	for i := range arr {
		arr[i] = g.value(item, depth+1)
	}
	if g.cut && least == 0 { // the depth bound: [] is valid, null is not
		arr = []any{}
		g.cut = false
	}
	g.cut = g.cut || outer
	if unique, _ := s["uniqueItems"].(bool); unique {
		for i := 1; i < len(arr); i++ {
			arr[i] = distinct(item, arr[0], i)
		}
	}
	return arr
}

// distinct is the i-th item (i > 0) of an array with uniqueItems whose
// first is base: the item's i-th enum value, else a variant of a string,
// number or boolean the item's schema takes, else base (a duplicate the
// runtime refuses).
func distinct(item map[string]any, base any, i int) any {
	if enum, _ := item["enum"].([]any); i < len(enum) {
		return enum[i]
	}
	var variants []any
	switch b := base.(type) {
	case string:
		variants = []any{b + strconv.Itoa(i), strings.Repeat(b, i+1), strconv.Itoa(i)}
	case float64:
		step := 1.0
		if m, ok := number(item["multipleOf"]); ok && m > 0 {
			step = m
		}
		variants = []any{b + float64(i)*step, b - float64(i)*step}
	case bool:
		if i == 1 {
			variants = []any{!b}
		}
	}
	for _, v := range variants {
		if validates(item, v) {
			return v
		}
	}
	return base
}

// naiveNumber is 1, made a multiple of an integral multipleOf (1 for an
// "integer"), then moved to the nearest such value within minimum and
// exclusiveMinimum, then maximum and exclusiveMaximum; a "number" between
// two exclusive bounds less than 1 apart is their midpoint. A Go int's
// schema has its type's range (schema.For), so the minimum alone would be
// -9223372036854775000.
func naiveNumber(s map[string]any) float64 {
	step := 0.0
	if m, ok := number(s["multipleOf"]); ok && m > 0 && m == math.Trunc(m) {
		step = m
	} else if schemaType(s) == "integer" {
		step = 1
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	loEx, hiEx := false, false
	if m, ok := number(s["minimum"]); ok {
		lo = m
	}
	if m, ok := number(s["exclusiveMinimum"]); ok && m >= lo {
		lo, loEx = m, true
	}
	if m, ok := number(s["maximum"]); ok {
		hi = m
	}
	if m, ok := number(s["exclusiveMaximum"]); ok && m <= hi {
		hi, hiEx = m, true
	}
	above := func(v float64) bool { return v > lo || !loEx && v == lo }
	below := func(v float64) bool { return v < hi || !hiEx && v == hi }
	v := 1.0
	if step > 0 {
		v = math.Ceil(v/step) * step
	}
	switch {
	case above(v):
	case step > 0:
		if v = math.Ceil(lo/step) * step; !above(v) {
			v += step
		}
	case loEx:
		v = lo + 1
	default:
		v = lo
	}
	switch {
	case below(v):
	case step > 0:
		if v = math.Floor(hi/step) * step; !below(v) {
			v -= step
		}
	case !hiEx:
		v = hi
	case above(hi - 1):
		v = hi - 1
	default:
		v = lo + (hi-lo)/2
	}
	return v
}

// intLimit is the schema number v as an int in [0, limit], def when v is
// not a number. It clamps in float64 first: int() of a float64 beyond
// int64's range (1e19, 1e300) is not defined by Go and is MinInt64 on
// amd64.
func intLimit(v any, def, limit int) int {
	f, ok := number(v)
	if !ok || math.IsNaN(f) {
		return def
	}
	return int(max(0, min(f, float64(limit))))
}

// schemaType is the schema's type: the first non-null one of a list, the
// object type when it has properties, else "string".
func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, v := range t {
			if name, ok := v.(string); ok && name != "null" {
				return name
			}
		}
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	return "string"
}

func requiredNames(v any) []string {
	switch r := v.(type) {
	case []string:
		return r
	case []any:
		names := make([]string, 0, len(r))
		for _, x := range r {
			if s, ok := x.(string); ok {
				names = append(names, s)
			}
		}
		return names
	}
	return nil
}

func resolveRef(ref string, root map[string]any) map[string]any {
	for _, prefix := range []string{"#/$defs/", "#/definitions/"} {
		if name, ok := strings.CutPrefix(ref, prefix); ok {
			defs, _ := root[strings.TrimSuffix(strings.TrimPrefix(prefix, "#/"), "/")].(map[string]any)
			d, _ := defs[name].(map[string]any)
			return d
		}
	}
	return nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
