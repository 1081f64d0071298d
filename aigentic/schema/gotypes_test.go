package schema

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// textID is a user's identifier type with text methods, as UUID types
// have: an array Go encodes as a string.
type textID [4]byte

func (id textID) MarshalText() ([]byte, error) { return fmt.Appendf(nil, "%x", id[:]), nil }

func (id *textID) UnmarshalText(b []byte) error {
	if len(b) != 8 {
		return fmt.Errorf("want 8 hex digits")
	}
	_, err := hex.Decode(id[:], b)
	return err
}

// jsonLevel has its own JSON encoding: For leaves it to invopop.
type jsonLevel int

func (l jsonLevel) MarshalJSON() ([]byte, error) { return json.Marshal(fmt.Sprint(int(l))) }

func prop(t *testing.T, m map[string]any, name string) map[string]any {
	t.Helper()
	p, ok := m["properties"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no property %q in %v", name, m)
	}
	return p
}

// Types encoding/json decodes with UnmarshalText are strings in the
// schema (invopop alone describes their Go fields: an empty object for
// netip.Addr, which no value satisfies that Go decodes), with the field's
// tags applied; time.Time stays a date-time.
func TestTextTypesAreStrings(t *testing.T) {
	type in struct {
		Host   netip.Addr    `json:"host" description:"IP to ping"`
		Net    *netip.Prefix `json:"net,omitempty"`
		ID     textID        `json:"id" jsonschema:"pattern=^[0-9a-f]{8}$"`
		At     time.Time     `json:"at"`
		Level  jsonLevel     `json:"level"`
		Labels []netip.Addr  `json:"labels,omitempty"`
	}
	m, err := For(reflect.TypeOf(in{}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"host":  {"type": "string", "description": "IP to ping"},
		"net":   {"type": "string"},
		"id":    {"type": "string", "pattern": "^[0-9a-f]{8}$"},
		"at":    {"type": "string", "format": "date-time"},
		"level": {"type": "integer"}, // invopop's, by kind: a json.Marshaler's JSON is its own
	}
	for name, w := range want {
		if got := prop(t, m, name); !reflect.DeepEqual(got, w) {
			t.Errorf("%s: %v, want %v", name, got, w)
		}
	}
	if got := prop(t, m, "labels")["items"]; !reflect.DeepEqual(got, map[string]any{"type": "string"}) {
		t.Errorf("labels items: %v", got)
	}
	// What the schema accepts, Go decodes — the point of the schema.
	v, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	raw := `{"host":"10.0.0.1","net":"10.0.0.0/8","id":"0a0b0c0d","at":"2026-03-14T10:00:00Z","level":1,"labels":["::1"]}`
	if _, err := v.Args(raw); err != nil {
		t.Fatalf("valid arguments refused: %v", err)
	}
	var got in
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if got.Host != netip.MustParseAddr("10.0.0.1") || got.ID != (textID{10, 11, 12, 13}) {
		t.Fatalf("decoded %+v", got)
	}
}

// Each Go integer type's range is in its schema, so a number it cannot
// hold is a validation error the model reads; a tag's tighter bound wins
// and a looser one does not widen the type's; a ",string" field is a
// string, without bounds.
func TestIntegerBounds(t *testing.T) {
	type in struct {
		U8    uint8  `json:"u8"`
		I16   int16  `json:"i16"`
		U32   uint32 `json:"u32"`
		I     int    `json:"i"`
		U     uint   `json:"u"`
		Tight int8   `json:"tight" jsonschema:"minimum=1,maximum=10"`
		Loose uint8  `json:"loose" jsonschema:"minimum=-5,maximum=1000"`
		Str   int    `json:"str,string"`
	}
	m, err := For(reflect.TypeOf(in{}))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][2]float64{
		"u8": {0, 255}, "i16": {-32768, 32767}, "u32": {0, 4294967295},
		"i": {-(1<<63 - 1024), 1<<63 - 1024}, "u": {0, 1<<64 - 2048},
		"tight": {1, 10}, "loose": {0, 255},
	} {
		p := prop(t, m, name)
		if p["type"] != "integer" || p["minimum"] != b[0] || p["maximum"] != b[1] {
			t.Errorf("%s: %v, want minimum %v, maximum %v", name, p, b[0], b[1])
		}
	}
	if p := prop(t, m, "str"); !reflect.DeepEqual(p, map[string]any{"type": "string"}) {
		t.Errorf("str: %v", p)
	}
	for _, s := range []string{"", boundsKey, durationKey} {
		if s != "" && strings.Contains(fmt.Sprint(m), s) {
			t.Errorf("the schema still holds %q: %v", s, m)
		}
	}
	v, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	base := `"i16":0,"u32":0,"i":0,"u":0,"tight":1,"loose":0,"str":"1"`
	for raw, want := range map[string]string{
		`{"u8":300,` + base + `}`: "/u8: maximum: got 300, want 255",
		`{"u8":-1,` + base + `}`:  "/u8: minimum: got -1, want 0",
		`{"u8":1,` + strings.Replace(base, `"i":0`, `"i":1e+23`, 1) + `}`: "/i: maximum: got 1×10²³, want 9.223372036854775×10¹⁸",
	} {
		_, err := v.Args(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", raw, err, want)
		}
	}
}

// The 64-bit bounds: whatever number the validator accepts, encoding/json
// decodes into the Go type from the same raw text — including at the
// edges, where a JSON number rounds to a float64 outside the type (2⁶³
// for 9223372036854775808, which int64 cannot hold).
func TestSixtyFourBitBoundsDecode(t *testing.T) {
	type in struct {
		I int64  `json:"i"`
		U uint64 `json:"u"`
	}
	m, err := For(reflect.TypeOf(in{}))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	var nums []string
	for _, edge := range []string{"9223372036854775807", "-9223372036854775808", "18446744073709551615", "0"} {
		e, _ := new(big.Int).SetString(edge, 10)
		for d := int64(-3000); d <= 3000; d += 97 {
			nums = append(nums, new(big.Int).Add(e, big.NewInt(d)).String())
		}
	}
	// Only plain integers: encoding/json refuses a fraction or an exponent
	// (1.0, 1e2) for a Go integer, which JSON Schema counts as integers —
	// a decoding error, after validation, that no bound can prevent.
	accepted := 0
	for _, n := range nums {
		for _, raw := range []string{`{"i":` + n + `,"u":0}`, `{"i":0,"u":` + n + `}`} {
			if _, err := v.Args(raw); err != nil {
				continue
			}
			accepted++
			var got in
			if err := json.Unmarshal([]byte(raw), &got); err != nil {
				t.Errorf("%s: valid by the schema, but Go cannot decode it: %v", raw, err)
			}
		}
	}
	if accepted < 100 {
		t.Fatalf("only %d accepted: the test proves little", accepted)
	}
}

// A Duration is an integer of nanoseconds (encoding/json): the schema says
// so, in the description or after the field's own.
func TestDurationSaysNanoseconds(t *testing.T) {
	type in struct {
		Wait    time.Duration  `json:"wait"`
		Timeout *time.Duration `json:"timeout,omitempty" description:"how long to wait"`
		Told    time.Duration  `json:"told" description:"delay in nanoseconds"`
	}
	m, err := For(reflect.TypeOf(in{}))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"wait":    durationNote,
		"timeout": "how long to wait (" + durationNote + ")",
		"told":    "delay in nanoseconds",
	} {
		p := prop(t, m, name)
		if p["description"] != want || p["type"] != "integer" {
			t.Errorf("%s: %v, want description %q", name, p, want)
		}
	}
}

// Fields that encoding/json resolves differently from the schema are an
// error naming them; the cases encoding/json resolves as the schema does
// are not.
func TestConflictingFieldsAreRefused(t *testing.T) {
	// Built with reflect.StructOf: go vet refuses such struct literals,
	// but nothing stops a program from declaring them.
	dup := reflect.StructOf([]reflect.StructField{
		{Name: "A", Type: reflect.TypeFor[int](), Tag: `json:"a"`},
		{Name: "B", Type: reflect.TypeFor[int](), Tag: `json:"a"`},
	})
	type left struct {
		X string `json:"x"`
	}
	type Right struct {
		X int `json:"x"`
	}
	type Left left
	twoEmbedded := reflect.StructOf([]reflect.StructField{
		{Name: "Left", Type: reflect.TypeFor[Left](), Anonymous: true},
		{Name: "Right", Type: reflect.TypeFor[Right](), Anonymous: true},
	})
	type shadowedLater struct { // invopop keeps the embedded X: Go the outer one
		X int `json:"x"`
		left
	}
	type taggedFirst struct { // Go decodes the tagged A, invopop keeps X
		A string `json:"X"`
		X int
	}
	for typ, want := range map[reflect.Type][]string{
		dup:                             {"A and B", `"a"`},
		twoEmbedded:                     {"Left.X", "Right.X"},
		reflect.TypeOf(shadowedLater{}): {"shadowedLater.left.X", "shadowedLater.X"},
		reflect.TypeOf(taggedFirst{}):   {"taggedFirst.A", "taggedFirst.X"},
		reflect.StructOf([]reflect.StructField{{Name: "Items", Type: reflect.SliceOf(dup), Tag: `json:"items"`}}): {"A and B"},
	} {
		_, err := For(typ)
		if !errors.Is(err, ErrFieldConflict) {
			t.Errorf("%v: err %v, want ErrFieldConflict", typ, err)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %v does not name %s", typ, err, w)
			}
		}
	}
	type taggedWins struct {
		X int
		A int `json:"X"`
	}
	type shadowedFirst struct {
		left
		X int `json:"x"`
	}
	type ignored struct {
		A int `json:"a"`
		B int `json:"-"`
	}
	for _, typ := range []reflect.Type{reflect.TypeOf(taggedWins{}), reflect.TypeOf(shadowedFirst{}), reflect.TypeOf(ignored{})} {
		m, err := For(typ)
		if err != nil {
			t.Errorf("%v: %v", typ, err)
			continue
		}
		// The schema describes the field Go decodes: an integer.
		for _, p := range m["properties"].(map[string]any) {
			if p.(map[string]any)["type"] != "integer" {
				t.Errorf("%v: %v", typ, m)
			}
		}
	}
}

// Schemas For derives for the usual tool shapes keep the allocation-free
// fast path: bounds on integers do not send every call to the library.
func TestForSchemasKeepTheFastPath(t *testing.T) {
	m, err := For(reflect.TypeOf(benchInput{}))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	if v.flat == nil || !v.PlainlyValid(benchArgs) {
		t.Fatalf("no fast path for %v", m)
	}
	if v.PlainlyValid(strings.Replace(benchArgs, `"limit":20`, `"limit":256`, 1)) {
		t.Fatal("PlainlyValid accepted 256 for a uint8")
	}
}
