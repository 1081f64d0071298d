package aitest_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"reflect"
	"regexp"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// toolSchema is an object schema with one required property, p.
func toolSchema(p string) map[string]any {
	var s map[string]any
	if err := json.Unmarshal([]byte(`{"type":"object","properties":{"p":`+p+`},"required":["p"],"additionalProperties":false}`), &s); err != nil {
		panic(err)
	}
	return s
}

// runtimeErr validates args as the runtime does (aigentic/schema: no
// format assertion), then with formats asserted (santhosh-tekuri directly).
func runtimeErr(t *testing.T, s, args map[string]any) error {
	t.Helper()
	v, err := schema.Compile(s)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if err := v.Validate(args); err != nil {
		return err
	}
	raw, _ := json.Marshal(s)
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("s.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("s.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(args)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	return sch.Validate(inst)
}

// Each generated value validates against its property's schema with the
// runtime's validator (and with formats asserted), and is the value the
// naive rules say.
func TestNaiveArgumentsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, prop string
		want       any
	}{
		{"pattern with counted classes", `{"type":"string","pattern":"^[A-Z]{3}-[0-9]{3}$"}`, "AAA-000"},
		{"pattern with an open repeat", `{"type":"string","pattern":"^ord_[0-9a-f]{4,}$"}`, "ord_0000"},
		{"pattern with a Perl class", `{"type":"string","pattern":"^#\\d+$"}`, "#0"},
		{"alternation takes the first branch", `{"type":"string","pattern":"^(inbound|outbound)-[a-z]+$"}`, "inbound-a"},
		{"alternation skips a branch nothing matches", `{"type":"string","pattern":"^(?:[^\\x00-\\x{10FFFF}]|zz)$"}`, "zz"},
		{"unanchored pattern", `{"type":"string","pattern":"v\\d\\.\\d"}`, "v0.0"},
		{"negated class: a printable character", `{"type":"string","pattern":"^[^0-9A-Za-z]{2}$"}`, "!!"},
		{"optional parts left out", `{"type":"string","pattern":"^rack(-[0-9]+)?/u[0-9]{1,2}$"}`, "rack/u0"},
		{"pattern padded to minLength", `{"type":"string","pattern":"^[a-z]+$","minLength":6}`, "aaaaaa"},
		{"pattern within both lengths", `{"type":"string","pattern":"^[0-9]{2,}$","minLength":4,"maxLength":4}`, "0000"},
		{"minLength alone", `{"type":"string","minLength":5}`, "xxxxx"},
		{"maxLength 0", `{"type":"string","maxLength":0}`, ""},
		{"format uuid", `{"type":"string","format":"uuid"}`, "123e4567-e89b-42d3-a456-426614174000"},
		{"format ipv4", `{"type":"string","format":"ipv4"}`, "192.0.2.1"},
		{"format ipv6", `{"type":"string","format":"ipv6"}`, "2001:db8::1"},
		{"format hostname", `{"type":"string","format":"hostname"}`, "example.com"},
		{"format time", `{"type":"string","format":"time"}`, "03:04:05Z"},
		{"format uuid within a pattern", `{"type":"string","format":"uuid","pattern":"^[0-9a-f-]{36}$"}`, "123e4567-e89b-42d3-a456-426614174000"},
		{"the first example that validates", `{"type":"string","pattern":"^SKU-\\d{5}$","examples":["SKU-48213","SKU-1"]}`, "SKU-48213"},
		{"an example that does not validate is skipped", `{"type":"string","pattern":"^SKU-\\d{5}$","examples":["sku 48213"]}`, "SKU-00000"},
		{"default", `{"type":"integer","minimum":1,"maximum":9,"default":4}`, 4.0},
		{"an out-of-range default is skipped", `{"type":"integer","minimum":1,"maximum":9,"default":40}`, 1.0},
		{"nested object's pattern", `{"type":"object","properties":{"bay":{"type":"string","pattern":"^B[0-9]{2}$"},"note":{"type":"string"}},"required":["bay"]}`, map[string]any{"bay": "B00"}},
		{"array items' pattern", `{"type":"array","minItems":2,"items":{"type":"string","pattern":"^L[0-9]$"}}`, []any{"L0", "L0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := toolSchema(tc.prop)
			args := aitest.NaiveArguments(s)
			if err := runtimeErr(t, s, args); err != nil {
				t.Errorf("arguments %v do not validate: %v", args, err)
			}
			if !reflect.DeepEqual(args["p"], tc.want) {
				t.Errorf("p = %#v, want %#v", args["p"], tc.want)
			}
		})
	}
}

// What it sends when no value can satisfy the property: the documented
// fallback (the pattern's shortest match, else "x"), which the runtime
// refuses, as it would a real model's bad arguments.
func TestNaiveArgumentsFallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, prop, want string
	}{
		{"pattern and maxLength exclude each other: the pattern's match", `{"type":"string","pattern":"^[0-9]{5}$","maxLength":3}`, "00000"},
		{"anchors nothing matches: x", `{"type":"string","pattern":"a^b"}`, "x"},
		{"a class nothing is in: x", `{"type":"string","pattern":"^[^\\x00-\\x{10FFFF}]$"}`, "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := toolSchema(tc.prop)
			args := aitest.NaiveArguments(s)
			if args["p"] != tc.want {
				t.Errorf("p = %#v, want the fallback %q", args["p"], tc.want)
			}
			if err := runtimeErr(t, s, args); err == nil {
				t.Errorf("arguments %v validate; the case is meant to be unsatisfiable", args)
			}
		})
	}
}

// The generator never panics on a pattern, and what it returns for one
// matches it, or is the documented fallback "x"; when it matches and no
// length applies, the runtime's validator takes it too.
func FuzzNaivePattern(f *testing.F) {
	for _, p := range []string{`^[A-Z]{3}-[0-9]{3}$`, `^ord_[0-9a-f]{4,}$`, `^#\d+$`, `^(a|bc)+$`, `a^b`, `(?=x)`, `\bx\b`,
		`^(?:[^\x00-\x{10FFFF}]|zz)$`, `((a{100}){100}){100}`, `[\x{10FFFF}]`, `(?i)Ab`, `$^`, ``, `\pL\PL`, `[^\n]`} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		s := toolSchema(`{"type":"string"}`)
		s["properties"].(map[string]any)["p"].(map[string]any)["pattern"] = pattern // as given, even invalid UTF-8
		v, ok := aitest.NaiveArguments(s)["p"].(string)
		if !ok {
			t.Fatalf("p = %#v, want a string", aitest.NaiveArguments(s)["p"])
		}
		re, err := regexp.Compile(pattern)
		if err != nil || !re.MatchString(v) {
			if v != "x" {
				t.Fatalf("pattern %q: %q neither matches nor is the fallback x", pattern, v)
			}
			return
		}
		if val, err := schema.Compile(s); err == nil {
			if err := val.Validate(map[string]any{"p": v}); err != nil {
				t.Fatalf("pattern %q: %q matches but the runtime refuses it: %v", pattern, v, err)
			}
		}
	})
}

// pickInput is a tool's input whose every field the old naive "x" broke:
// the runtime validates the arguments before the tool runs.
type pickInput struct {
	Bin     string `json:"bin" jsonschema:"pattern=^W[0-9]{2}-[A-F]$"`
	Batch   string `json:"batch" jsonschema:"format=uuid"`
	Picker  string `json:"picker" jsonschema:"minLength=3,maxLength=8"`
	Station string `json:"station" jsonschema:"pattern=^st-[a-z]+$,example=st-north"`
}

// Under the runtime, a tool with a pattern, a format, lengths and examples
// runs on the naive model: its arguments pass the schema check.
func TestNaiveRunsToolWithConstrainedInput(t *testing.T) {
	var got []pickInput
	pick := aigentic.NewTool("pick_items", "Pick items from a bin.", func(_ *aigentic.AgentRun, in pickInput) (string, error) {
		got = append(got, in)
		return "picked", nil
	})
	session := aigentic.NewSession(t.Context())
	defer session.Cancel()
	agent := aigentic.Agent{Model: aitest.NewNaive(aitest.NaiveOptions{}), Session: session, AgentTools: []aigentic.AgentTool{pick},
		Logger: slog.New(slog.DiscardHandler)}
	answer, err := agent.ExecuteContext(t.Context(), "pick the order")
	if err != nil || answer != aitest.DefaultNaiveAnswer {
		t.Fatalf("answer %q, err %v", answer, err)
	}
	want := pickInput{Bin: "W00-A", Batch: "123e4567-e89b-42d3-a456-426614174000", Picker: "xxx", Station: "st-north"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("the tool ran with %+v, want once with %+v", got, want)
	}
}
