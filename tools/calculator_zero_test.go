package main

import (
	"math"
	"strings"
	"testing"
)

// 0 raised to a negative power is a pole (0^-1 is 1/0): a division by
// zero, not an overflow (breaker 11, L7).
func TestEvaluateZeroToANegativePower(t *testing.T) {
	for _, e := range []string{"0^-1", "0^(-1)", "0 ** -2", "(1-1) ^ -0.5", "-0 ^ -1"} {
		v, err := Evaluate(e)
		if err == nil {
			t.Errorf("Evaluate(%q) = %v, want a division-by-zero error", e, v)
			continue
		}
		if !strings.Contains(err.Error(), "division by zero") || strings.Contains(err.Error(), "overflow") {
			t.Errorf("Evaluate(%q) error = %q, want a division by zero, not an overflow", e, err)
		}
	}
	for e, want := range map[string]float64{"0^0": 1, "0^2": 0, "2^-1": 0.5, "0 ** 0.5": 0} {
		if v, err := Evaluate(e); err != nil || v != want {
			t.Errorf("Evaluate(%q) = %v, %v, want %v", e, v, err, want)
		}
	}
}

// A zero result is +0: "0 * -1" is 0, never -0 (breaker 11, L7).
func TestEvaluateNegativeZeroIsZero(t *testing.T) {
	for _, e := range []string{"0 * -1", "-0", "(-0)", "-(0)", "0 / -5", "-1e-320 * 1e-320"} {
		v, err := Evaluate(e)
		if err != nil || v != 0 || math.Signbit(v) {
			t.Errorf("Evaluate(%q) = %v (sign bit %v), %v; want +0", e, v, math.Signbit(v), err)
		}
	}
}
