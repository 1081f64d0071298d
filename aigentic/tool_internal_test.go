package aigentic

import (
	"encoding/json"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// integerText writes an integral JSON number as an integer, exactly, and
// refuses a fraction, a bad or huge exponent and more digits than a Go
// integer holds, without building a long string first.
func TestIntegerText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"3.0", "3"}, {"-3.00", "-3"}, {"2e1", "20"}, {"2E+1", "20"}, {"1.50e2", "150"}, {"-0.0", "0"},
		{"0.000", "0"}, {"1500e-2", "15"}, {"9007199254740993.0", "9007199254740993"},
		{"18446744073709551615.0", "18446744073709551615"},
		{"3", ""}, {"3.5", ""}, {"1e-1", ""}, {"15e-1", ""}, {"1e999999999", ""}, {"1e-999999999", ""},
		{"1e21", ""}, {"123456789012345678901234.0", ""}, {"1ex", ""},
		// The exponent's bounds, -2×maxIntDigits and maxIntDigits, at
		// and past each: a long mantissa brings a low exponent back.
		{"1" + strings.Repeat("0", 42) + "e-42", "1"}, {"1" + strings.Repeat("0", 43) + "e-43", ""},
		{"1" + strings.Repeat("0", 11) + "e-11", "1"}, {"0.1e21", "100000000000000000000"},
	} {
		got, ok := integerText(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("integerText(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// Only encoding/json refusing a number for an integer is retried: another
// decoding error, or arguments with nothing to rewrite, are not.
func TestIntegralNumbersOnlyForNumbers(t *testing.T) {
	var n int
	err := json.Unmarshal([]byte(`"x"`), &n)
	if _, ok := integralNumbers([]byte(`{"n":"x","m":1.0}`), err); ok {
		t.Error("rewrote arguments after a string was refused")
	}
	err = json.Unmarshal([]byte(`1.5`), &n)
	if _, ok := integralNumbers([]byte(`{"n":1.5}`), err); ok {
		t.Error("rewrote a fraction")
	}
	err = json.Unmarshal([]byte(`2.0`), &n)
	if fixed, ok := integralNumbers([]byte(`{"a":[2.0,{"b":3e0}],"c":"4.0"}`), err); !ok || !strings.Contains(string(fixed), `[2,{"b":3}]`) || !strings.Contains(string(fixed), `"4.0"`) {
		t.Errorf("fixed %s, %v", fixed, ok)
	}
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// What integerText returns is the number it was given: the same rational
// value (math/big, on inputs short enough to compute), and an integer.
func FuzzIntegerText(f *testing.F) {
	for _, s := range []string{"3.0", "-0.0", "1.50e2", "1500e-2", "1e21", "3.5", "1e", "-", ".", "e5", "1.e1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := integerText(in)
		if !ok {
			return
		}
		if strings.Trim(strings.TrimPrefix(got, "-"), "0123456789") != "" || got == "" || got == "-0" {
			t.Fatalf("integerText(%q) = %q: not an integer", in, got)
		}
		want, valid := new(big.Rat).SetString(in)
		if len(in) > 40 || !valid || !jsonNumber.MatchString(in) {
			return // integerText sees only JSON numbers
		}
		n, isInt := new(big.Int).SetString(got, 10)
		if !isInt || !want.IsInt() || want.Num().Cmp(n) != 0 {
			t.Fatalf("integerText(%q) = %q, want %s", in, got, want.RatString())
		}
	})
}

// When the rewritten arguments still do not decode, the error is theirs:
// the number refused first (2.0) is one the rewrite fixed, and the model
// is told of the one that is still wrong (1e400).
func TestDecodeAndCallReportsTheRewrittenError(t *testing.T) {
	type in struct {
		N int8    `json:"n"`
		F float64 `json:"f"`
	}
	called := false
	res, err := decodeAndCall(nil, []byte(`{"n":2.0,"f":1e400}`), func(*AgentRun, in) (*ai.ToolResult, error) {
		called = true
		return ai.Text("ok"), nil
	})
	if err != nil || called || !res.Error || !strings.Contains(res.String(), "1e400") || strings.Contains(res.String(), "2.0") {
		t.Fatalf("called %v; result %+v, err %v", called, res, err)
	}
}
