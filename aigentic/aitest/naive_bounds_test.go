package aitest_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// naiveArgs is NaiveArguments(s), failing the test on a panic.
func naiveArgs(t *testing.T, s map[string]any) (args map[string]any) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("NaiveArguments panicked: %v", r)
		}
	}()
	return aitest.NaiveArguments(s)
}

// Number, array and length constraints the naive model honours (breaker
// 11, L1 and L2): each value is the one said and the runtime's validator
// (aigentic/schema) takes it; no huge bound panics.
func TestNaiveArgumentsHonourBounds(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, prop, want string }{
		{"integer minimum 2.5", `{"type":"integer","minimum":2.5}`, `3`},
		{"integer exclusiveMinimum 1.5", `{"type":"integer","exclusiveMinimum":1.5}`, `2`},
		{"integer exclusiveMinimum 1", `{"type":"integer","exclusiveMinimum":1}`, `2`},
		{"integer exclusiveMaximum 1", `{"type":"integer","minimum":0,"exclusiveMaximum":1}`, `0`},
		{"integer maximum -2.5", `{"type":"integer","maximum":-2.5}`, `-3`},
		{"integer multipleOf 5", `{"type":"integer","multipleOf":5}`, `5`},
		{"integer multipleOf 5 minimum 7", `{"type":"integer","multipleOf":5,"minimum":7}`, `10`},
		{"integer multipleOf 5 exclusiveMinimum 10", `{"type":"integer","multipleOf":5,"exclusiveMinimum":10}`, `15`},
		{"integer multipleOf 4 maximum -1", `{"type":"integer","multipleOf":4,"maximum":-1}`, `-4`},
		{"number exclusiveMaximum 0", `{"type":"number","exclusiveMaximum":0}`, `-1`},
		{"number exclusiveMinimum 1.5", `{"type":"number","exclusiveMinimum":1.5}`, `2.5`},
		{"number between exclusive 0 and 0.5", `{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":0.5}`, `0.25`},
		{"number minimum 0.1 maximum 30", `{"type":"number","minimum":0.1,"maximum":30}`, `1`},
		{"huge minimum", `{"type":"integer","minimum":1e300}`, `1e+300`},
		{"array maxItems 0", `{"type":"array","items":{"type":"string"},"maxItems":0}`, `[]`},
		{"array minItems 3 maxItems 2", `{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2}`, `[1]`},
		{"array uniqueItems minItems 2", `{"type":"array","items":{"type":"string"},"minItems":2,"uniqueItems":true}`, `["x","x1"]`},
		{"array uniqueItems of enum", `{"type":"array","items":{"enum":["a","b","c"]},"minItems":3,"uniqueItems":true}`, `["a","b","c"]`},
		{"array uniqueItems of integers", `{"type":"array","items":{"type":"integer","multipleOf":3},"minItems":2,"uniqueItems":true}`, `[3,6]`},
		{"array uniqueItems of booleans", `{"type":"array","items":{"type":"boolean"},"minItems":2,"uniqueItems":true}`, `[false,true]`},
		{"array minItems 1e300 (contradictory)", `{"type":"array","items":{"type":"boolean"},"minItems":1e300,"maxItems":2}`, `[false,false]`},
		{"string maxLength MaxInt64", `{"type":"string","maxLength":9223372036854775807}`, `"x"`},
		{"string maxLength 1e19", `{"type":"string","maxLength":1e19}`, `"x"`},
		{"string maxLength 1e300", `{"type":"string","maxLength":1e300}`, `"x"`},
		{"string minLength 3 maxLength 1e300", `{"type":"string","minLength":3,"maxLength":1e300}`, `"xxx"`},
		{"string minLength 1e300 maxLength 2 (contradictory)", `{"type":"string","minLength":1e300,"maxLength":2}`, `"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := toolSchema(tt.prop)
			args := naiveArgs(t, s)
			got, _ := json.Marshal(args["p"])
			if string(got) != tt.want {
				t.Errorf("NaiveArguments(%s) p = %s, want %s", tt.prop, got, tt.want)
			}
			if strings.HasSuffix(tt.name, "(contradictory)") {
				return // the runtime refuses, as it would a real model's call
			}
			v, err := schema.Compile(s)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(args); err != nil {
				t.Errorf("the runtime refuses %s for %s: %v", got, tt.prop, err)
			}
		})
	}
}

// A recursive tree whose children array may be empty: the leaves at the
// depth bound have "children": [], never null, and the runtime takes it
// (breaker 11, L2).
func TestNaiveArgumentsRecursiveTree(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		`{"type":"object","$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["name","children"]}},"properties":{"root":{"$ref":"#/$defs/node"}},"required":["root"]}`,
		`{"type":"object","$defs":{"n":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/n"}}},"required":["kids"]}},"properties":{"v":{"$ref":"#/$defs/n"}},"required":["v"]}`,
	} {
		var s map[string]any
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			t.Fatal(err)
		}
		args := naiveArgs(t, s)
		b, _ := json.Marshal(args)
		v, err := schema.Compile(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(args); err != nil {
			t.Errorf("NaiveArguments = %s: the runtime refuses it: %v", b, err)
		}
		if !json.Valid(b) || len(b) < 20 {
			t.Errorf("NaiveArguments = %s: want a tree at least a level deep", b)
		}
	}
}

// A Go struct with a "no limit" maxLength: Naive.Generate calls the tool
// with valid arguments instead of panicking (breaker 11, L1).
func TestNaiveGenerateHugeMaxLength(t *testing.T) {
	t.Parallel()
	type note struct {
		Text string `json:"text" jsonschema:"maxLength=9223372036854775807"`
	}
	s, err := schema.For(reflect.TypeOf(note{}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Naive.Generate panicked: %v", r)
		}
	}()
	resp, err := aitest.NewNaive(aitest.NaiveOptions{}).Generate(context.Background(), ai.Request{
		Messages: []ai.Message{{Role: ai.RoleUser, Content: "note this"}},
		Tools:    []ai.Tool{{Name: "save_note", Description: "Save a note.", InputSchema: s}},
	})
	if err != nil || len(resp.Message.ToolCalls) != 1 {
		t.Fatalf("Generate = %+v, %v; want one tool call", resp, err)
	}
	v, err := schema.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Args(resp.Message.ToolCalls[0].Arguments); err != nil {
		t.Errorf("arguments %s refused: %v", resp.Message.ToolCalls[0].Arguments, err)
	}
}
