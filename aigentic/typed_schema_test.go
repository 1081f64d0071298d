package aigentic_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

type (
	// Time is not time.Time: only that one is taken as a date-time string.
	Time struct {
		C chan int `json:"c"`
	}
	withFakeTime struct {
		When Time `json:"when"`
	}
	withIntMap struct {
		Counts map[int]string `json:"counts"`
	}
	withStringMap struct {
		Labels map[string]string `json:"labels"`
	}
	withAny struct {
		Extra any `json:"extra"`
	}
	withChan struct {
		C chan int `json:"c"`
	}
	withFunc struct {
		F func() `json:"f"`
	}
	withComplex struct {
		Z complex128 `json:"z"`
	}
	node struct {
		Name     string  `json:"name"`
		Children []*node `json:"children"`
	}
	withRaw struct {
		Raw json.RawMessage `json:"raw"`
	}
	withMinLength struct {
		Code string `json:"code" jsonschema:"minLength=3"`
	}
	nestedBad struct {
		Items []struct {
			Tags map[string]int `json:"tags"`
		} `json:"items"`
	}
	// fine: what strict mode can express, with fields encoding/json skips.
	fine struct {
		When    time.Time `json:"when"`
		Data    []byte    `json:"data"`
		Ptr     *int      `json:"ptr"`
		Skipped chan int  `json:"-"`
		//lint:ignore U1000 an unexported field: encoding/json skips it, so must the check
		hidden func()
		Inner  struct {
			A [2]uint8 `json:"a"`
		} `json:"inner"`
	}
)

// A T that strict schemas cannot express is refused before any model
// call, with an error naming the field and why.
func TestOutputTypeRefused(t *testing.T) {
	check := func(name string, err error, wants ...string) {
		t.Helper()
		if !errors.Is(err, aigentic.ErrOutputType) {
			t.Errorf("%s: err = %v, want ErrOutputType", name, err)
			return
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", name, err, w)
			}
		}
	}
	_, err := aigentic.NewOutput[withIntMap](aigentic.OutputOptions{})
	check("map[int]", err, "withIntMap.Counts", "non-string keys")
	_, err = aigentic.NewOutput[withStringMap](aigentic.OutputOptions{})
	check("map[string]", err, "withStringMap.Labels", "additionalProperties false")
	_, err = aigentic.NewOutput[withAny](aigentic.OutputOptions{})
	check("any", err, "withAny.Extra", "interface")
	_, err = aigentic.NewOutput[withChan](aigentic.OutputOptions{})
	check("chan", err, "withChan.C", "cannot be encoded as JSON")
	_, err = aigentic.NewOutput[withFunc](aigentic.OutputOptions{})
	check("func", err, "withFunc.F", "cannot be encoded as JSON")
	_, err = aigentic.NewOutput[withComplex](aigentic.OutputOptions{})
	check("complex", err, "withComplex.Z")
	_, err = aigentic.NewOutput[withFakeTime](aigentic.OutputOptions{})
	check("a Time not time's", err, "withFakeTime.When.C", "cannot be encoded as JSON")
	_, err = aigentic.NewOutput[node](aigentic.OutputOptions{})
	check("recursive", err, "node.Children[]", "refers to itself")
	_, err = aigentic.NewOutput[withRaw](aigentic.OutputOptions{})
	check("json.RawMessage", err, "/properties/raw", "without a type")
	_, err = aigentic.NewOutput[withMinLength](aigentic.OutputOptions{})
	check("minLength", err, "/properties/code", `"minLength"`)
	_, err = aigentic.NewOutput[nestedBad](aigentic.OutputOptions{})
	check("nested map", err, "nestedBad.Items[].Tags")
	_, err = aigentic.NewOutput[string](aigentic.OutputOptions{})
	check("string", err, "not a struct")
	_, err = aigentic.NewOutput[[]ticket](aigentic.OutputOptions{})
	check("slice", err, "not a struct")
	_, err = aigentic.NewOutput[any](aigentic.OutputOptions{})
	check("interface", err, "interface {} is not a struct")
	_, err = aigentic.NewOutput[ticket](aigentic.OutputOptions{Name: "no spaces allowed"})
	check("name", err, "schema name")

	// ExecuteAs refuses the same way, and calls no model.
	model := aitest.NewScripted(aitest.Reply("{}"))
	_, err = aigentic.ExecuteAs[withIntMap](context.Background(), quietAgent(model), "hi")
	check("ExecuteAs", err, "non-string keys")
	_, err = aigentic.StartAs[node](context.Background(), quietAgent(model), "hi")
	check("StartAs", err, "refers to itself")
	if model.Calls() != 0 {
		t.Fatalf("%d model calls for a refused type", model.Calls())
	}
}

// What strict mode can express is accepted: times, bytes, pointers,
// arrays, nested structs; fields encoding/json skips are not looked at.
// Every object of the schema is closed and requires all its properties.
func TestOutputTypeAccepted(t *testing.T) {
	out, err := aigentic.NewOutput[*fine](aigentic.OutputOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Name() != "fine" {
		t.Fatalf("name %q", out.Name())
	}
	var walk func(at string, s map[string]any)
	walk = func(at string, s map[string]any) {
		if props, ok := s["properties"].(map[string]any); ok {
			if s["additionalProperties"] != false || len(s["required"].([]any)) != len(props) {
				t.Errorf("%s: not strict: %v", at, s)
			}
			for k, p := range props {
				walk(at+"/"+k, p.(map[string]any))
			}
		}
	}
	walk("#", out.Schema())
	v, err := out.Parse(`{"when":"2026-01-02T03:04:05Z","data":"aGk=","ptr":7,"inner":{"a":[1,2]}}`)
	if err != nil || string(v.Data) != "hi" || v.Inner.A != [2]uint8{1, 2} {
		t.Fatalf("%+v, %v", v, err)
	}
	// A value Go cannot hold is outside the schema (a uint8's maximum).
	if _, err := out.Parse(`{"when":"2026-01-02T03:04:05Z","data":"aGk=","ptr":7,"inner":{"a":[1,300]}}`); !errors.Is(err, aigentic.ErrInvalidOutput) ||
		!strings.Contains(err.Error(), "/inner/a/1: maximum: got 300, want 255") {
		t.Fatalf("err = %v", err)
	}
}

// An anonymous struct has a name the provider accepts.
func TestOutputNameOfUnnamedType(t *testing.T) {
	out, err := aigentic.NewOutput[struct {
		OK bool `json:"ok"`
	}](aigentic.OutputOptions{})
	if err != nil || out.Name() != "answer" {
		t.Fatalf("%v, %v", out, err)
	}
}

// Whatever the answer, Parse never panics, and what it accepts is valid
// against the schema.
func FuzzOutputParse(f *testing.F) {
	for _, s := range []string{validTicket, "```json\n" + validTicket + "\n```", "```\n{", "{", "", "```json\n{}}\n```", "\x00{\"category\":1}"} {
		f.Add(s)
	}
	out, err := aigentic.NewOutput[ticket](aigentic.OutputOptions{})
	if err != nil {
		f.Fatal(err)
	}
	v, err := schema.Compile(out.Schema())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, err := out.Parse(text)
		if err != nil {
			if !errors.Is(err, aigentic.ErrInvalidOutput) {
				t.Fatalf("Parse(%q) = %v", text, err)
			}
			return
		}
		b, _ := json.Marshal(got)
		var doc map[string]any
		_ = json.Unmarshal(b, &doc)
		if _, ok := doc["order"]; !ok {
			doc["order"] = nil // omitempty left it out
		}
		if err := v.Validate(doc); err != nil {
			t.Fatalf("Parse(%q) accepted %s: %v", text, b, err)
		}
	})
}
