package schema

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
)

// countKeywords are the JSON Schema keywords whose value is a count
// (a non-negative integer) that santhosh-tekuri/jsonschema v6 reads into
// a Go int (objcompiler.go: intVal, int(n.Num().Int64())).
var countKeywords = map[string]bool{
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true,
	"minProperties": true, "maxProperties": true, "minContains": true, "maxContains": true,
}

// dataKeywords hold instance data, not schemas: nothing in them is a
// keyword.
var dataKeywords = map[string]bool{"const": true, "enum": true, "default": true, "examples": true}

var maxCount = big.NewRat(math.MaxInt64, 1)

// clampCounts rewrites, in a schema decoded by jsonschema.UnmarshalJSON
// (numbers as json.Number), every count keyword above math.MaxInt64 to
// math.MaxInt64, which means the same: no string, array or object is
// that long. Without it the validator's int conversion wraps: maxLength
// 9223372036854775807 (a "no limit" as a float64 is 2^63), 1e19 or 1e300
// would become negative or 0 and refuse every string.
func clampCounts(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if dataKeywords[k] {
				continue
			}
			if n, ok := x.(json.Number); ok && countKeywords[k] {
				if r, ok := new(big.Rat).SetString(string(n)); ok && r.Cmp(maxCount) > 0 {
					v[k] = json.Number(strconv.FormatInt(math.MaxInt64, 10))
				}
				continue
			}
			clampCounts(x)
		}
	case []any:
		for _, x := range v {
			clampCounts(x)
		}
	}
}
