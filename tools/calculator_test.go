package main

import (
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

func TestEvaluate(t *testing.T) {
	good := []struct {
		expr string
		want string
	}{
		{"15 * 23 + 100", "445"},
		{"  15*23+100  ", "445"},
		{"(15 + 23) * 100", "3800"},
		{"10 / 4", "2.5"},
		{"1 / 3", "0.333333333333333"},
		{"0.1 + 0.2", "0.3"},
		{"17 % 5", "2"},
		{"7.5 % 2", "1.5"},
		{"2 ^ 10", "1024"},
		{"2 ** 0.5", "1.4142135623731"},
		{"2 ^ -1", "0.5"},
		{"-(3 - 5)", "2"},
		{"+4", "4"},
		{"1 - -1", "2"},
		{"1.5e3 + 1E-3", "1500.001"},
		{"9223372036854775807 + 1", "9.22337203685478e+18"}, // float64: no integer wrap-around
		{"9223372036854775807 * 2", "1.84467440737096e+19"},
		{"-0 * 5", "0"},
		{"100000000000000000000", "1e+20"},                   // beyond int64, as a float64
		{"100000000000000000000 * 2e-20 + 1e+1", "12"},       // exponents are left as they are
		{"9223372036854775808.5 - 9223372036854775808", "0"}, // a decimal is left as it is
		{"((((((((((1))))))))))", "1"},
		{strings.Repeat("1+", 127) + "1", "128"},                         // 255 bytes, within the limit
		{strings.Repeat("1/", 127) + "1", "1"},                           // the node budget allows the longest input
		{strings.Repeat("(", 127) + "1" + strings.Repeat(")", 127), "1"}, // deep nesting within the limit
	}
	for _, c := range good {
		v, err := Evaluate(c.expr)
		if err != nil {
			t.Errorf("Evaluate(%.40q) error: %v", c.expr, err)
			continue
		}
		if got := FormatNumber(v); got != c.want {
			t.Errorf("Evaluate(%.40q) = %s, want %s", c.expr, got, c.want)
		}
	}

	bad := []struct {
		expr string
		want string // in the error message
	}{
		{"", "empty"},
		{"   ", "empty"},
		{strings.Repeat("1+", 128) + "1", "limit is 256"},
		{strings.Repeat("9", 100000), "limit is 256"},
		// Injection attempts: names, calls, strings, members, builtins.
		{"os.Exit(1)", "'o' at position 1"},
		{`exec("rm -rf /")`, "'e' at position 1"},
		{"len([1,2,3])", "'l' at position 1"},
		{"now()", "'n'"},
		{`"a" + "b"`, `'"'`},
		{"'a'", `'\''`},
		{"[1, 2]", "'['"},
		{"{a: 1}", "'{'"},
		{"x", "'x'"},
		{"__div(1, 0)", "'_'"},
		{"1; 2", "';'"},
		{"1 < 2", "'<'"},
		{"1 == 1", "'='"},
		{"true", "'t'"},
		{"1 ? 2 : 3", "'?'"},
		{"0x10", "'x'"},
		{"1_000", "'_'"},
		{"1e3e", "invalid expression"},
		{"e3", "'e' at position 1"}, // e only right after a digit or '.'
		{"2 e 3", "'e' at position 3"},
		{"1\x00", `'\x00'`},
		{"1 + 1\n; os.Exit(1)", `'\n'`},
		// Operators that are not arithmetic.
		{"1..3", `operator ".."`},
		{"1 .. 3", `operator ".."`},
		// Syntax errors.
		{"1 +", "invalid expression"},
		{"()", "invalid expression"},
		{"(1", "invalid expression"},
		{"1e", "invalid expression"},
		{"1.2.3", "invalid expression"},
		// Arithmetic failures.
		{"1/0", "division by zero"},
		{"0/0", "division by zero"},
		{"5 % 0", "division by zero"},
		{"5 + 1/(1/0)", "division by zero"},
		{"1 / (2 - 2)", "division by zero"},
		{"2 ** 2000", "not a finite number"},
		{"1e308 * 10", "not a finite number"},
		{"(1e308 * 10) - (1e308 * 10)", "not a finite number"},
		{"(-8) ^ 0.5", "not a finite number (NaN"},
		{"(-8) ^ (1/3)", "not a finite number (NaN"},
		{"(1e308 * 10) - (1e308 * 10)", "(NaN"},
		{"1e308 * 10", "(overflow"},
	}
	for _, c := range bad {
		v, err := Evaluate(c.expr)
		if err == nil {
			t.Errorf("Evaluate(%.40q) = %v, want an error", c.expr, v)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Evaluate(%.40q) error = %q, want it to contain %q", c.expr, err, c.want)
		}
		if len(err.Error()) > 400 {
			t.Errorf("Evaluate(%.40q): error message is %d bytes long", c.expr, len(err.Error()))
		}
	}
}

func TestCalculatorTool(t *testing.T) {
	tool := newCalculatorTool()
	if tool.Name != "calculator" {
		t.Fatalf("name = %q", tool.Name)
	}
	// The schema comes from the typed input.
	props, _ := tool.InputSchema["properties"].(map[string]any)
	expr, _ := props["expression"].(map[string]any)
	if expr["type"] != "string" || !strings.Contains(expr["description"].(string), "15 * 23 + 100") {
		t.Fatalf("schema = %v", tool.InputSchema)
	}
	if req, _ := tool.InputSchema["required"].([]any); len(req) != 1 || req[0] != "expression" {
		t.Fatalf("required = %v", tool.InputSchema["required"])
	}

	res, err := tool.Execute(nil, map[string]any{"expression": "15 * 23 + 100"})
	if err != nil || res.Error || res.String() != "15 * 23 + 100 = 445" {
		t.Fatalf("result = %+v, %v", res, err)
	}
	// A bad expression is an error result for the model, not a Go error.
	res, err = tool.Execute(nil, map[string]any{"expression": "os.Exit(1)"})
	if err != nil || !res.Error || !strings.Contains(res.String(), "not allowed") {
		t.Fatalf("bad expression: %+v, %v", res, err)
	}
	res, err = tool.Execute(nil, map[string]any{"expression": 42})
	if err != nil || !res.Error {
		t.Fatalf("non-string expression: %+v, %v", res, err)
	}
	var _ *ai.ToolResult = res
}

func TestFormatNumber(t *testing.T) {
	for v, want := range map[float64]string{
		445: "445", -3: "-3", 2.5: "2.5", 1 << 53: "9007199254740992", 1e20: "1e+20", 0.1 + 0.2: "0.3", 1e-7: "1e-07",
	} {
		if got := FormatNumber(v); got != want {
			t.Errorf("FormatNumber(%v) = %s, want %s", v, got, want)
		}
	}
}

// The last layers of the hardening hold on their own, whatever the checks
// before them let through: no variables, no builtins, a node budget.
func TestCompileArithmeticLayers(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"x + 1", "unknown name x"},
		{`len("abc")`, "unknown name len"},
		{"now()", "unknown name now"},
		{strings.Repeat("1/", 300) + "1", "exceeds maximum allowed nodes"},
	} {
		if _, err := compileArithmetic(c.src); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("compileArithmetic(%.30q) = %v, want an error containing %q", c.src, err, c.want)
		}
	}
	if _, err := compileArithmetic(strings.Repeat("1/", 127) + "1"); err != nil {
		t.Errorf("the longest input does not compile: %v", err)
	}
}

// Only integer literals too long for an int64 become float literals, and
// never the digits of a decimal or an exponent.
func TestFloatLiterals(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"12 + 3", "12 + 3"},
		{"1000000000000000000", "1000000000000000000.0"},
		{"1e+1000000000000000000", "1e+1000000000000000000"},
		{"1.1000000000000000000", "1.1000000000000000000"},
		{"1000000000000000000.5", "1000000000000000000.5"},
		{"1000000000000000000e2", "1000000000000000000e2"},
		{"2-1000000000000000000", "2-1000000000000000000.0"},
		{"(1000000000000000000)", "(1000000000000000000.0)"},
	} {
		if got := floatLiterals(c.in); got != c.want {
			t.Errorf("floatLiterals(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
