package schema

import (
	"encoding/json"
	"reflect"
	"testing"
)

// benchInput is the shape most tools have: strings, integers, a bool.
type benchInput struct {
	City  string `json:"city" description:"City name"`
	Days  int    `json:"days"`
	Limit uint8  `json:"limit"`
	Units string `json:"units" jsonschema:"enum=metric,enum=imperial"`
	Raw   bool   `json:"raw,omitempty"`
}

const benchArgs = `{"city":"Paris","days":3,"limit":20,"units":"metric","raw":true}`

// The per-call paths of a tool derived with For: PlainlyValid on the raw
// arguments (the fast path), and Args (decode and Validate) when it is not
// taken.
func BenchmarkToolCall(b *testing.B) {
	m, err := For(reflect.TypeOf(benchInput{}))
	if err != nil {
		b.Fatal(err)
	}
	v, err := Compile(m)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("PlainlyValid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !v.PlainlyValid(benchArgs) {
				b.Fatal("not plainly valid")
			}
		}
	})
	var args map[string]any
	if err := json.Unmarshal([]byte(benchArgs), &args); err != nil {
		b.Fatal(err)
	}
	b.Run("Validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := v.Validate(args); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Args", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Args(benchArgs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
