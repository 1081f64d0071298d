package schema

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"time"

	invopop "github.com/invopop/jsonschema"
)

// How For describes Go types whose JSON encoding invopop's reflection
// does not see (its Reflector.Mapper hook, see mapType), and the bounds a
// Go integer type puts on the numbers it can decode.

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	jsonMarshalerType   = reflect.TypeFor[json.Marshaler]()
	durationType        = reflect.TypeFor[time.Duration]()
	ownSchemaType       = reflect.TypeFor[interface{ JSONSchema() *invopop.Schema }]()
	extendSchemaType    = reflect.TypeFor[interface{ JSONSchemaExtend(*invopop.Schema) }]()
)

// boundsKey is a keyword mapType puts on a Go integer's schema, holding the
// type's [minimum, maximum]; For replaces it with the minimum and maximum
// keywords (applyBounds), so it never leaves For. It is not written as
// minimum and maximum directly because a field's `jsonschema:"minimum=…"`
// tag, applied by invopop after the mapper, would replace them: the type's
// bound must hold even under a looser tag.
const boundsKey = "x-aigentic-go-bounds"

// durationKey marks a time.Duration's schema for applyBounds, which
// completes the field's description with durationNote.
const durationKey = "x-aigentic-go-duration"

// durationNote is how For describes a time.Duration: encoding/json writes
// and reads it as an integer number of nanoseconds, so a model asked to
// "wait 5s" that sends 5 gets 5ns. The schema stays an integer (a string
// like "5s" is what a model would rather send, but encoding/json cannot
// decode it into a Duration) and says the unit: as the description when
// the field has none, appended to the field's own description when that
// does not mention nanoseconds.
const durationNote = "duration in nanoseconds, an integer: 1s is 1000000000"

// decodesText reports whether encoding/json decodes t from a JSON string
// with its UnmarshalText method (netip.Addr, a UUID type, …): t or *t
// implements encoding.TextUnmarshaler and neither implements
// json.Unmarshaler, which encoding/json would use instead.
func decodesText(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(textUnmarshalerType) && !pt.Implements(jsonUnmarshalerType)
}

// ownJSON reports whether t has a JSON encoding of its own
// (json.Marshaler or json.Unmarshaler, on t or *t).
func ownJSON(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshalerType) || pt.Implements(jsonMarshalerType)
}

// mapType is For's invopop Reflector.Mapper: the schema of t where invopop's
// own reflection would be wrong, nil to leave t to invopop. invopop applies
// a field's tags (description, jsonschema keywords) to what it returns.
//
//   - A type encoding/json decodes with UnmarshalText (decodesText) is
//     {"type": "string"} — invopop would describe its Go fields (an empty
//     object for netip.Addr, an array of 16 integers for a [16]byte UUID),
//     so the model could never send a value Go decodes.
//   - A Go integer is {"type": "integer"} with its type's bounds
//     (intBounds), so a number the type cannot hold is a validation error
//     the model reads, not a decoding failure after validation passed.
//   - A time.Duration is an integer of nanoseconds (durationNote).
//
// Types that say how to describe themselves (a JSONSchema or
// JSONSchemaExtend method) are left to invopop, and so are types with
// their own JSON encoding (json.Marshaler, json.Unmarshaler: time.Time,
// big.Int, slog.Level, …): their JSON could be anything, and only they
// know it. invopop describes those by their Go kind and fields — a
// json.Marshaler that writes a string is described wrongly; give such a
// type a JSONSchema method.
func mapType(t reflect.Type) *invopop.Schema {
	if t.Implements(ownSchemaType) || t.Implements(extendSchemaType) || ownJSON(t) {
		return nil
	}
	if decodesText(t) {
		return &invopop.Schema{Type: "string"}
	}
	lo, hi, ok := intBounds(t)
	if !ok {
		return nil
	}
	s := &invopop.Schema{Type: "integer", Extras: map[string]any{boundsKey: []float64{lo, hi}}}
	if t == durationType {
		s.Extras[durationKey] = true
	}
	return s
}

// intBounds is the range of Go integer type t as the minimum and maximum
// a schema states. For types up to 32 bits it is the type's range. For
// 64-bit types (int64, uint64, and int, uint and uintptr on 64-bit
// platforms) it is the largest range whose bounds are exactly float64
// values: ±(2⁶³−1024) and [0, 2⁶⁴−2048]. A decoded JSON number is a
// float64 (encoding/json; the validator compares its shortest decimal
// form), and 2⁶³−1 is not one: it rounds up to 2⁶³, which int64 cannot
// hold. With these bounds any number the validator accepts is one Go
// decodes — the raw text rounds to a float64 within the bound only if it
// is below 2⁶³−512 (2⁶⁴−1024), inside the type — at the price of
// refusing the last 1024 (2048) values of the type's range. (A number
// written with a fraction or an exponent, 1.0 or 1e2, is an integer to
// JSON Schema but not to encoding/json, which refuses it for a Go
// integer: that stays a decoding error, reported after validation.)
func intBounds(t reflect.Type) (lo, hi float64, ok bool) {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if t.Bits() == 64 {
			return -(1<<63 - 1024), 1<<63 - 1024, true
		}
		return -math.Ldexp(1, t.Bits()-1), math.Ldexp(1, t.Bits()-1) - 1, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if t.Bits() == 64 {
			return 0, 1<<64 - 2048, true
		}
		return 0, math.Ldexp(1, t.Bits()) - 1, true
	}
	return 0, 0, false
}

// applyBounds walks a schema from invopop (decoded: maps, slices, float64
// numbers) and turns the marks mapType left into keywords: a Go integer's
// bounds become minimum and maximum — a tag's own bound stays where it is
// tighter — when the schema is still an integer (a `json:",string"` field
// is a string); a Duration's description gains its unit.
func applyBounds(node any) {
	switch n := node.(type) {
	case []any:
		for _, v := range n {
			applyBounds(v)
		}
	case map[string]any:
		for _, v := range n {
			applyBounds(v)
		}
		if b, ok := n[boundsKey].([]any); ok && len(b) == 2 {
			delete(n, boundsKey)
			lo, _ := b[0].(float64)
			hi, _ := b[1].(float64)
			if n["type"] == "integer" {
				if m, ok := n["minimum"].(float64); !ok || m < lo {
					n["minimum"] = lo
				}
				if m, ok := n["maximum"].(float64); !ok || m > hi {
					n["maximum"] = hi
				}
			}
		}
		if _, ok := n[durationKey]; ok {
			delete(n, durationKey)
			d, _ := n["description"].(string)
			switch {
			case d == "":
				n["description"] = durationNote
			case !strings.Contains(strings.ToLower(d), "nanosecond"):
				n["description"] = d + " (" + durationNote + ")"
			}
		}
	}
}
