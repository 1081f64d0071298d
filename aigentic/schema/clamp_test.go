package schema

import (
	"encoding/json"
	"testing"
)

// A count above math.MaxInt64 means "no limit" (max*) or "never" (min*);
// the validator's int conversion must not wrap it to a negative or 0
// bound that refuses every value (breaker 11, L1).
func TestCompileHugeCounts(t *testing.T) {
	tests := []struct {
		schema string
		value  string
		ok     bool
	}{
		{`{"type":"string","maxLength":9223372036854775807}`, `"x"`, true},
		{`{"type":"string","maxLength":1e19}`, `"x"`, true},
		{`{"type":"string","maxLength":1e300}`, `"xyz"`, true},
		{`{"type":"string","minLength":1e300}`, `"xyz"`, false},
		{`{"type":"array","maxItems":18446744073709551616}`, `[1,2]`, true},
		{`{"type":"array","minItems":1e300}`, `[1,2]`, false},
		{`{"type":"object","maxProperties":1e20}`, `{"a":1}`, true},
		{`{"type":"array","contains":{"type":"number"},"maxContains":1e20}`, `[1,2]`, true},
		{`{"type":"object","properties":{"s":{"type":"string","maxLength":1e19}}}`, `{"s":"x"}`, true},
		{`{"$defs":{"s":{"type":"string","maxLength":1e19}},"$ref":"#/$defs/s"}`, `"x"`, true},
		{`{"anyOf":[{"type":"string","maxLength":1e19}]}`, `"x"`, true},
		{`{"type":"string","maxLength":1}`, `"xy"`, false},
		// Data is not a schema: a const holding "maxLength" keeps its value.
		{`{"const":{"maxLength":1e300}}`, `{"maxLength":1e300}`, true},
		{`{"enum":[{"maxItems":1e300}]}`, `{"maxItems":1e300}`, true},
	}
	for _, tt := range tests {
		var s map[string]any
		var v any
		if err := json.Unmarshal([]byte(tt.schema), &s); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
			t.Fatal(err)
		}
		val, err := Compile(s)
		if err != nil {
			t.Errorf("Compile(%s): %v", tt.schema, err)
			continue
		}
		if err := val.Validate(v); (err == nil) != tt.ok {
			t.Errorf("Compile(%s).Validate(%s) = %v, want ok=%v", tt.schema, tt.value, err, tt.ok)
		}
	}
}
