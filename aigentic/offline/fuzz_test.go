package offline

import (
	"fmt"
	"math"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// genSchema builds an object schema from fuzz bytes: up to five
// properties of every kind the model fills — strings with a pattern, a
// format, an enum or an example, bounded numbers, booleans, arrays, a
// nested object and an array of objects — some required.
func genSchema(b []byte) map[string]any {
	next := func() int {
		if len(b) == 0 {
			return 0
		}
		v := int(b[0])
		b = b[1:]
		return v
	}
	var prop func(depth int) map[string]any
	prop = func(depth int) map[string]any {
		switch k := next() % 13; k {
		case 0:
			return map[string]any{"type": "string", "pattern": []string{"^[A-Z]{3}-[0-9]{3}$", "^ord_[0-9a-f]{4}$", "^[0-9]{5}$", "^.+$", "[a-z]"}[next()%5]}
		case 1:
			return map[string]any{"type": "string", "format": []string{"date", "date-time", "email", "uri", "uuid"}[next()%5]}
		case 2:
			return map[string]any{"type": "string", "enum": []any{"low", "high", "fan_only"}}
		case 3:
			return map[string]any{"type": "string", "description": []string{"like ABC-123", "e.g. #1042", `such as "Europe/Paris"`, "the text", "an expression like 2 * 3"}[next()%5]}
		case 4:
			return map[string]any{"type": "integer", "minimum": next() % 10, "maximum": 10 + next()%50}
		case 5:
			return map[string]any{"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.5}
		case 6:
			return map[string]any{"type": "boolean"}
		case 7:
			return map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []any{"red", "blue"}}, "minItems": next() % 2, "maxItems": 1 + next()%2, "uniqueItems": true}
		case 8:
			return map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "minItems": next() % 3}
		case 9:
			if depth >= 2 {
				return map[string]any{"type": "string"}
			}
			o := genObject(prop, next, depth+1)
			if next()%3 == 0 { // an array of objects
				return map[string]any{"type": "array", "items": o, "minItems": next() % 2}
			}
			return o
		case 10:
			return map[string]any{"type": "string", "minLength": next() % 6, "maxLength": 6 + next()%10}
		case 11:
			return map[string]any{"type": []any{"integer", "null"}}
		default:
			return map[string]any{"type": "string", "examples": []any{"UA930"}, "description": "the input"}
		}
	}
	return genObject(prop, next, 0)
}

func genObject(prop func(int) map[string]any, next func() int, depth int) map[string]any {
	props, req := map[string]any{}, []any{}
	names := []string{"sku", "input", "days", "to", "order_id", "text", "include_archived", "date"}
	for i, n := 0, 1+next()%5; i < n; i++ {
		name := fmt.Sprintf("%s%d", names[next()%len(names)], i)
		props[name] = prop(depth)
		if next()%2 == 0 {
			req = append(req, name)
		}
	}
	return map[string]any{"type": "object", "properties": props, "required": req, "additionalProperties": false}
}

// FuzzGenerate: any request — any message, tools of any generated schema,
// a typed answer of one — never panics, never calls a tool with
// arguments its schema rejects, never answers JSON the ResponseFormat
// rejects, and ends within one tool turn per tool.
func FuzzGenerate(f *testing.F) {
	for _, seed := range []struct {
		msg    string
		schema []byte
	}{
		{"How many units of ABC-123 are in stock?", []byte{0, 0, 0, 0}},
		{"Book it on 2026-04-02 for dana@corp.example, 3 days, include archived", []byte{3, 1, 0, 1, 3, 1, 4, 0, 1, 4, 1, 5}},
		{`Send "hello" to ord_7f3a and #1042 then research it, 15 * 23 + 100`, []byte{4, 0, 1, 1, 3, 0, 9, 2, 6, 7, 1, 1}},
		{"", nil},
		{"Open it titled Login broken for order 1043 from Lisbon to berlin: about 2 hours 30 min", []byte{3, 3, 1, 3, 1, 3, 3, 0, 3, 1, 3, 5, 1, 0}},
		{"red blue 12 -4 1e9 https://x.y/z 3f2b8c1e-9d4a-4e7b-8f21-0a1b2c3d4e5f", []byte{5, 7, 0, 1, 8, 2, 1, 11, 12, 10, 3, 4}},
	} {
		f.Add(seed.msg, seed.schema)
	}
	f.Fuzz(func(t *testing.T, msg string, raw []byte) {
		schema := genSchema(raw)
		input := map[string]any{"input": map[string]any{"type": "string", "description": "The task."}}
		tools := []ai.Tool{
			{Name: "generated_tool", Description: "Check the stock, order or date of the input text.", InputSchema: schema},
			tool("researcher", "Research a topic.", input, "input"),
			tool("writer", "Write a text.", input, "input"),
		}
		req := ai.Request{Messages: user("", msg), Tools: tools, ResponseFormat: &ai.ResponseFormat{Name: "out", Schema: schema}}
		resp, turns := drive(t, req, func(tc ai.ToolCall) (string, bool) {
			for _, tl := range tools {
				if tl.Name == tc.Name {
					if err := schemaErr(tl.InputSchema, tc.Arguments); err != nil {
						t.Fatalf("%s %s is invalid: %v\nschema %v", tc.Name, tc.Arguments, err, tl.InputSchema)
					}
				}
			}
			return msg, len(msg)%3 == 0
		})
		if len(turns) > len(tools) {
			t.Fatalf("%d tool turns for %d tools", len(turns), len(tools))
		}
		if err := schemaErr(schema, resp.Message.Content); err != nil {
			t.Fatalf("typed answer %s is invalid: %v\nschema %v", resp.Message.Content, err, schema)
		}
	})
}

// FuzzUnits: any message and any number property (name, description,
// integer or not) — the numbers read never panic; a number with a unit of
// the property's dimension converts within the rounding (3 significant
// digits at least: 0.5% at most), to a whole number for an integer
// property; one of another dimension is refused; and a call made fills
// the property with a value its schema takes.
func FuzzUnits(f *testing.F) {
	for _, seed := range []struct {
		msg, name, desc string
		integer         bool
	}{
		{"Ship a 2 lb parcel", "weight_kg", "", false},
		{"Set a timer for 1.5 hours", "duration_s", "", true},
		{"Log a 30 min run, 6.2mi", "distance_km", "", false},
		{"Retry in 1500ms or 2 minutes", "delay", "Delay in seconds.", false},
		{"3 ft 2in, 12 oz, 1,250 g, -4 d, 1e309 km", "length_in", "in feet", true},
		{"2 hours and 30 minutes, 5 km 300 m, 2 minutes or 30 seconds, 1 h 2 min 3 s", "duration_s", "", true},
	} {
		f.Add(seed.msg, seed.name, seed.desc, seed.integer)
	}
	f.Fuzz(func(t *testing.T, msg, name, desc string, integer bool) {
		typ := map[bool]string{false: "number", true: "integer"}[integer]
		p := parseProp(name, map[string]any{"type": typ, "description": desc}, 0)
		for _, n := range newSrc(msg).nums {
			v, sure, ok := convert(n, p)
			from, to := units[n.unit], units[p.unit]
			switch {
			case from.size > 0 && to.size > 0 && from.dim != to.dim:
				if ok {
					t.Fatalf("%v %s filled %s (%s) with %v", n.v, n.unit, p.name, p.unit, v)
				}
			case ok && sure && !math.IsInf(n.v, 0):
				if want := n.v * from.size / to.size; math.Abs(v-want) > 5e-3*math.Abs(want) {
					t.Fatalf("%v %s in %s is %v, want %v", n.v, n.unit, p.unit, v, want)
				} else if integer && v != math.Trunc(v) {
					t.Fatalf("%v %s in %s is %v for an integer", n.v, n.unit, p.unit, v)
				}
			case ok && !sure && v != n.v:
				t.Fatalf("%v %s changed to %v without a unit", n.v, n.unit, v)
			}
		}
		tl := tool("measure", "Measure it.", map[string]any{"amount": map[string]any{"type": typ, "description": desc}, name: map[string]any{"type": typ, "description": desc}})
		for _, tc := range generate(t, user("", msg), tl).Message.ToolCalls {
			if err := schemaErr(tl.InputSchema, tc.Arguments); err != nil {
				t.Fatalf("%s is invalid: %v", tc.Arguments, err)
			}
		}
	})
}
