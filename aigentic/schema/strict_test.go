package schema_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// Strict makes a schema what OpenAI's strict mode accepts: every
// object closed (additionalProperties false), every property required,
// the optional ones nullable — at every depth, for every way to write a
// property's type — without touching the caller's schema.
func TestStrictSchemaNormalises(t *testing.T) {
	in := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id":     map[string]any{"type": "integer"},
			"note":   map[string]any{"type": "string"},
			"status": map[string]any{"type": "string", "enum": []any{"open", "closed"}},
			"tags":   map[string]any{"type": []any{"array"}, "items": map[string]any{"type": "object", "properties": map[string]any{"k": map[string]any{"type": "string"}}}},
			"owner":  map[string]any{"$ref": "#/$defs/Person"},
			"level":  map[string]any{"enum": []any{1, 2}},
		},
		"required": []any{"id"},
		"$defs":    map[string]any{"Person": map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}, "required": []string{"name"}}},
	}
	orig, _ := json.Marshal(in)
	got, err := schema.Strict(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id":     map[string]any{"type": "integer"},
			"note":   map[string]any{"type": []any{"string", "null"}},
			"status": map[string]any{"type": []any{"string", "null"}, "enum": []any{"open", "closed", nil}},
			"tags": map[string]any{"type": []any{"array", "null"}, "items": map[string]any{"type": "object", "properties": map[string]any{"k": map[string]any{"type": []any{"string", "null"}}},
				"required": []any{"k"}, "additionalProperties": false}},
			"owner": map[string]any{"anyOf": []any{map[string]any{"$ref": "#/$defs/Person"}, map[string]any{"type": "null"}}},
			"level": map[string]any{"enum": []any{1, 2, nil}},
		},
		"required":             []any{"id", "level", "note", "owner", "status", "tags"},
		"additionalProperties": false,
		"$defs": map[string]any{"Person": map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}},
			"required": []any{"name"}, "additionalProperties": false}},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("got  %s\nwant %s", g, w)
	}
	if after, _ := json.Marshal(in); string(after) != string(orig) {
		t.Errorf("the caller's schema changed:\n%s\n%s", orig, after)
	}
}

// A schema derived from a Go struct (schema.For, as typed answers
// and tools do) passes, its omitempty fields made nullable; a root $ref
// into $defs is inlined.
func TestStrictSchemaOfAGoStruct(t *testing.T) {
	type line struct {
		SKU string `json:"sku"`
		Qty int    `json:"qty,omitempty"`
	}
	type order struct {
		ID    string  `json:"id"`
		Lines []line  `json:"lines"`
		Note  *string `json:"note,omitempty"`
	}
	s, err := schema.For(reflect.TypeOf(order{}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := schema.Strict(s)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	for _, part := range []string{`"required":["id","lines","note"]`, `"required":["qty","sku"]`, `"note":{"type":["string","null"]}`} {
		if !strings.Contains(string(b), part) {
			t.Errorf("%s lacks %s", b, part)
		}
	}
	ref := map[string]any{"$ref": "#/$defs/T", "$defs": map[string]any{"T": map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}}}}
	if got, err := schema.Strict(ref); err != nil || got["type"] != "object" || got["$ref"] != nil {
		t.Errorf("root $ref: %v, %v", got, err)
	}
}

// What strict mode cannot express is an error naming where and why.
func TestStrictSchemaRefuses(t *testing.T) {
	obj := func(props map[string]any, extra ...any) map[string]any {
		m := map[string]any{"type": "object", "properties": props}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	deep := obj(map[string]any{})
	for range 10 {
		deep = obj(map[string]any{"x": deep})
	}
	manyEnum := make([]any, 1001)
	for i := range manyEnum {
		manyEnum[i] = fmt.Sprint(i)
	}
	cases := []struct {
		name   string
		schema map[string]any
		says   string
	}{
		{"nil", nil, "no schema"},
		{"an array root", map[string]any{"type": "array", "items": map[string]any{"type": "string"}}, `at #: the root must be an object schema (type "object"), not type "array"`},
		{"an anyOf root", map[string]any{"anyOf": []any{obj(nil)}}, "not a schema with anyOf"},
		{"free keys", obj(nil, "additionalProperties", true), "at #: additionalProperties true (an object with free keys) cannot be expressed"},
		{"a map", obj(map[string]any{"m": obj(nil, "additionalProperties", map[string]any{"type": "string"})}), "at #/properties/m: additionalProperties with a schema (a map)"},
		{"minLength", obj(map[string]any{"s": map[string]any{"type": "string", "minLength": 2}}), `at #/properties/s: strict mode does not support "minLength"`},
		{"allOf", obj(map[string]any{"a": map[string]any{"allOf": []any{obj(nil)}}}), `does not support "allOf"`},
		{"patternProperties", obj(nil, "patternProperties", map[string]any{}), `does not support "patternProperties"`},
		{"uniqueItems in an array's items", obj(map[string]any{"l": map[string]any{"type": "array", "items": map[string]any{"type": "array", "uniqueItems": true}}}), `at #/properties/l/items: strict mode does not support "uniqueItems"`},
		{"eleven levels", deep, "objects nested more than 10 levels deep"},
		{"1001 enum values", obj(map[string]any{"e": map[string]any{"type": "string", "enum": manyEnum}}), "more than 1000 enum values"},
		{"a property that is not a schema", obj(map[string]any{"p": "string"}), "at #/properties/p: not a schema object"},
		{"a property of any value", obj(map[string]any{"raw": true}), "at #/properties/raw: a schema without a type"},
		{"a schema without a type", obj(map[string]any{"d": map[string]any{"description": "anything"}}), "at #/properties/d: a schema without a type"},
	}
	for _, c := range cases {
		_, err := schema.Strict(c.schema)
		if !errors.Is(err, schema.ErrStrict) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v; want %q", c.name, err, c.says)
		}
	}
}

func FuzzStrict(f *testing.F) {
	f.Add(`{"type":"object","properties":{"a":{"type":"string"}}}`)
	f.Add(`{"type":"object","properties":{"a":{"type":"array","items":{"anyOf":[{"type":"object"},{"$ref":"#/$defs/x"}]}}},"$defs":{"x":{"type":"object"}}}`)
	f.Add(`{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var in map[string]any
		if json.Unmarshal([]byte(s), &in) != nil {
			return
		}
		got, err := schema.Strict(in)
		if err != nil {
			if !errors.Is(err, schema.ErrStrict) {
				t.Fatalf("error %v does not match ErrStrict", err)
			}
			return
		}
		if got["type"] != "object" && !reflect.DeepEqual(got["type"], []any{"object"}) && got["properties"] == nil {
			t.Fatalf("a strict schema whose root is not an object: %v", got)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatal(err)
		}
	})
}
