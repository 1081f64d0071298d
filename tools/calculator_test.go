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
		{"(-8) ^ 0.5", "not a finite number"}, // NaN
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
