package schema

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

var quickSchemas = []string{
	`{"type":"object","properties":{"n":{"type":"integer"},"x":{"type":"number"},"s":{"type":"string","enum":["red","gr\"een"]},"b":{"type":"boolean"}},"required":["n"],"additionalProperties":false}`,
	`{"type":"object","properties":{"q":{"type":"string"},"k":{"type":"number","enum":[1,2]}}}`,
	`{"type":"object","properties":{"n":{"type":"integer","minimum":0,"maximum":255},"x":{"type":"number","minimum":-1.5,"maximum":0.1}},"required":["n"]}`,
}

func flatFor(t testing.TB, src string) *flatValidator {
	t.Helper()
	var schema map[string]any
	if err := json.Unmarshal([]byte(src), &schema); err != nil {
		t.Fatal(err)
	}
	fv, ok := compileFlat(schema)
	if !ok {
		t.Fatalf("no fast path for %s", src)
	}
	return fv
}

// checkQuick fails when quickValid accepts arguments the full path (a map
// checked with the schema's semantics) rejects.
func checkQuick(t testing.TB, fv *flatValidator, raw string) bool {
	t.Helper()
	quick := fv.quickValid(raw)
	_, err := (&Validator{flat: fv}).Args(raw)
	if quick && err != nil {
		t.Fatalf("quickValid accepted %q, the full path says: %v", raw, err)
	}
	return quick
}

func TestQuickValidAcceptsPlainArguments(t *testing.T) {
	fv := flatFor(t, quickSchemas[0])
	for _, raw := range []string{
		`{"n":0}`, `{"n": -12, "x": 3.25}`, ` { "n" : 7 , "s" : "red" , "b" : true } `, `{"n":1,"b":false}`, "{\"n\":1,\n\"x\":0.5}\n",
	} {
		if !checkQuick(t, fv, raw) {
			t.Errorf("%q: want the fast path", raw)
		}
	}
	for _, raw := range []string{
		``, `[]`, `{}`, `{"n":1.5}`, `{"n":"1"}`, `{"n":1,"s":"blue"}`, `{"n":1,"zz":1}`, `{"n":1,"n":2}`, `{"n":1}x`,
		`{"n":01}`, `{"n":1e3}`, `{"n":null}`, `{"n":1,"s":"r\u0065d"}`, `{"\u006e":1}`, `{"n":1,}`, `{"n":1 "x":2}`,
		"{\"n\":1,\"s\":\"re\x01d\"}", `{"n":1,"b":tru}`, `{"n":-}`, `{"n":1.}`,
	} {
		if checkQuick(t, fv, raw) {
			t.Errorf("%q: the fast path must leave this to the full path", raw)
		}
	}
}

// Bounds are checked on the fast path, as the library checks them.
func TestQuickValidChecksBounds(t *testing.T) {
	fv := flatFor(t, quickSchemas[2])
	for _, raw := range []string{`{"n":0}`, `{"n":255}`, `{"n":-0,"x":0.1}`, `{"n":7,"x":-1.5}`, `{"n":1,"x":0.0999}`} {
		if !checkQuick(t, fv, raw) {
			t.Errorf("%q: want the fast path", raw)
		}
	}
	for _, raw := range []string{`{"n":256}`, `{"n":-1}`, `{"n":1,"x":0.1000000000000001}`, `{"n":1,"x":-1.6}`, `{"n":999999999999999}`} {
		if checkQuick(t, fv, raw) {
			t.Errorf("%q: out of bounds, yet plainly valid", raw)
		}
		if _, err := (&Validator{flat: fv}).Args(raw); err == nil {
			t.Errorf("%q: out of bounds, yet valid", raw)
		}
	}
}

// Random near-JSON: the fast path may only say yes when the full path does.
func TestQuickValidNeverAcceptsWhatTheFullPathRejects(t *testing.T) {
	pieces := []string{`{`, `}`, `"n"`, `"x"`, `"s"`, `"b"`, `"q"`, `"k"`, `"zz"`, `:`, `,`, ` `, `1`, `-3`, `0.5`, `1e2`, `01`, `255`, `256`, `0.1`, `-1.5`, `-0`,
		`"red"`, `"gr\"een"`, `"blue"`, `true`, `false`, `null`, `[1]`, `{}`, `"\u0041"`, `"a\\b"`, "\"\x02\"", `"`}
	rng := rand.New(rand.NewPCG(7, 11))
	accepted := 0
	for _, src := range quickSchemas {
		fv := flatFor(t, src)
		for i := 0; i < 20000; i++ {
			var b strings.Builder
			if rng.IntN(4) > 0 {
				// Mostly well-formed objects with random members.
				b.WriteString("{")
				for m, members := 0, rng.IntN(4); m < members; m++ {
					if m > 0 {
						b.WriteString(",")
					}
					b.WriteString(pieces[2+rng.IntN(7)] + ":" + pieces[12+rng.IntN(len(pieces)-12)])
				}
				b.WriteString("}")
			} else {
				for p, n := 0, rng.IntN(8); p < n; p++ {
					b.WriteString(pieces[rng.IntN(len(pieces))])
				}
			}
			if checkQuick(t, fv, b.String()) {
				accepted++
			}
		}
	}
	if accepted == 0 {
		t.Fatal("the fast path never accepted anything: the test proves nothing")
	}
}

func FuzzQuickValid(f *testing.F) {
	for _, s := range []string{`{"n":1}`, `{"n":1,"s":"red"}`, `{"n":-0.5}`, `{}`, `{"n":1,"n":1}`} {
		f.Add(s)
	}
	var fvs []*flatValidator
	for _, src := range quickSchemas {
		fvs = append(fvs, flatFor(f, src))
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, fv := range fvs {
			checkQuick(t, fv, raw)
		}
	})
}
