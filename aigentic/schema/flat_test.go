package schema

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestFlatValidatorAgreesWithLibrary checks the fast path against the
// JSON-schema library on many generated argument objects: both must accept
// and reject exactly the same inputs.
func TestFlatValidatorAgreesWithLibrary(t *testing.T) {
	schemas := []string{
		`{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"number","description":"x"}},"required":["a"],"additionalProperties":false}`,
		`{"type":"object","properties":{"s":{"type":"string","enum":["red","green"]},"f":{"type":"boolean"}},"required":["s","f"]}`,
		`{"type":"object","properties":{"n":{"type":"number","enum":[1,2.5]}}}`,
		`{"type":"object"}`,
		`{"type":"object","properties":{"a":{"type":"integer","minimum":0,"maximum":255},"b":{"type":"number","minimum":-2.5,"maximum":0.1}}}`,
		`{"type":"object","properties":{"a":{"type":"integer","minimum":-9223372036854774784,"maximum":9223372036854774784},"n":{"type":"integer","minimum":0,"maximum":18446744073709549568}}}`,
	}
	values := []any{nil, true, false, 0.0, 1.0, 2.5, -3.0, 1e300, "red", "green", "blue", "", []any{1.0}, map[string]any{"x": 1.0},
		255.0, 256.0, -1.0, -2.5, 0.1, 0.30000000000000004, -2.5000000000000004, 1e23, math.Copysign(0, -1),
		9223372036854774784.0, 9223372036854775807.0, -9223372036854775808.0, 18446744073709549568.0, 18446744073709551615.0}
	keys := []string{"a", "b", "s", "f", "n", "zz"}
	rng := rand.New(rand.NewPCG(1, 2))
	for si, src := range schemas {
		var schema map[string]any
		if err := json.Unmarshal([]byte(src), &schema); err != nil {
			t.Fatal(err)
		}
		flat, ok := compileFlat(schema)
		if !ok {
			t.Fatalf("schema %d: want the flat fast path", si)
		}
		raw, _ := json.Marshal(schema)
		v, err := compile(raw, schema)
		if err != nil {
			t.Fatal(err)
		}
		lib := &Validator{lib: v.lib} // the library alone
		for i := 0; i < 3000; i++ {
			args := map[string]any{}
			for _, k := range keys {
				if rng.IntN(2) == 0 {
					args[k] = values[rng.IntN(len(values))]
				}
			}
			fe, le := flat.validate(args), lib.Validate(args)
			if (fe == nil) != (le == nil) {
				t.Fatalf("schema %d, args %v: flat says %v, library says %v", si, args, fe, le)
			}
		}
	}
}

// TestCompileFlatFallsBack makes sure schemas with keywords the fast path
// does not know go to the library.
func TestCompileFlatFallsBack(t *testing.T) {
	for _, src := range []string{
		`{"type":"object","properties":{"a":{"type":"string","minLength":3}}}`,
		`{"type":"object","properties":{"a":{"type":"array"}}}`,
		`{"type":"object","properties":{"a":{"type":["string","null"]}}}`,
		`{"type":"object","additionalProperties":{"type":"string"}}`,
		`{"properties":{"a":{"type":"string"}}}`,
		`{"type":"object","oneOf":[{"required":["a"]}]}`,
		`{"type":"object","properties":{"a":{"type":"integer","exclusiveMaximum":3}}}`,
		`{"type":"object","properties":{"a":{"type":"string","minimum":3}}}`,
	} {
		var schema map[string]any
		if err := json.Unmarshal([]byte(src), &schema); err != nil {
			t.Fatal(err)
		}
		if _, ok := compileFlat(schema); ok {
			t.Errorf("%s: fast path accepted a schema it cannot check", src)
		}
		v, err := Compile(schema)
		if err != nil {
			t.Fatal(err)
		}
		if v.flat != nil {
			t.Errorf("%s: compiled with the fast path, want the library alone", src)
		}
	}
	if _, err := Compile(map[string]any{"type": 12}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an invalid schema: err %v, want ErrInvalid", err)
	}
}

// A type that contains itself has no finite schema: For says so instead of
// recursing for ever (invopop expands types in place here).
func TestForRefusesRecursiveTypes(t *testing.T) {
	type node struct {
		Name     string  `json:"name"`
		Children []*node `json:"children"`
	}
	_, err := For(reflect.TypeOf(node{}))
	if !errors.Is(err, ErrRecursive) || !strings.Contains(err.Error(), "node.Children") {
		t.Fatalf("err = %v", err)
	}
	type leaf struct{ V int }
	type tree struct{ A, B leaf } // the same type twice is not recursion
	if _, err := For(reflect.TypeOf(tree{})); err != nil {
		t.Fatal(err)
	}
}
