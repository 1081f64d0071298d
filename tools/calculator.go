package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// MaxExpressionLen bounds the calculator's input, in bytes.
const MaxExpressionLen = 256

// calculatorInput is the calculator's typed input: NewTool derives the JSON
// schema the model sees from it.
type calculatorInput struct {
	Expression string `json:"expression" description:"Arithmetic expression to evaluate, using numbers, + - * / % ^ and parentheses, e.g. \"15 * 23 + 100\"."`
}

// newCalculatorTool is the calculator, built with aigentic.NewTool from a
// typed input. A bad expression is a Recoverable error: the model sees it
// as an error result and can try again; the run goes on.
func newCalculatorTool() aigentic.AgentTool {
	return aigentic.NewTool("calculator",
		"Calculate the value of an arithmetic expression (add, subtract, multiply, divide, remainder, power). Use it for any math instead of working it out yourself.",
		func(run *aigentic.AgentRun, in calculatorInput) (string, error) {
			v, err := Evaluate(in.Expression)
			if err != nil {
				return "", aigentic.Recoverable(err)
			}
			return strings.TrimSpace(in.Expression) + " = " + FormatNumber(v), nil
		})
}

// Evaluate computes an arithmetic expression with expr, hardened so that
// only arithmetic is possible:
//
//   - the input is at most MaxExpressionLen bytes of digits, '.', white
//     space, + - * / % ^ and parentheses (and e/E inside a number such as
//     1e3): no names, strings, calls or member access can even be written;
//   - the parsed tree is checked to hold only numbers and the arithmetic
//     operators, before compiling;
//   - it compiles with an empty environment (no variables), every builtin
//     disabled, a node budget, and a float64 result;
//   - every number is a float64, so integer overflow cannot wrap around;
//   - division and remainder by zero, 0 raised to a negative power, and a
//     result that is not a finite number (overflow, 0/0), are errors;
//   - a zero result is +0, never -0.
func Evaluate(expression string) (float64, error) {
	s := strings.TrimSpace(expression)
	if s == "" {
		return 0, errors.New("the expression is empty; give one such as \"15 * 23 + 100\"")
	}
	if len(s) > MaxExpressionLen {
		return 0, fmt.Errorf("the expression is %d bytes long, the limit is %d", len(s), MaxExpressionLen)
	}
	if err := checkCharacters(s); err != nil {
		return 0, err
	}
	src := floatLiterals(s)
	tree, err := parser.Parse(src)
	if err != nil {
		return 0, fmt.Errorf("invalid expression %q: %s", s, firstLine(err))
	}
	if err := checkArithmetic(tree.Node); err != nil {
		return 0, err
	}
	program, err := compileArithmetic(src)
	if err != nil {
		return 0, fmt.Errorf("invalid expression %q: %s", s, firstLine(err))
	}
	out, err := expr.Run(program, struct{}{})
	if err != nil {
		return 0, fmt.Errorf("cannot evaluate %q: %s", s, firstLine(err))
	}
	v, ok := out.(float64)
	switch {
	case !ok:
		return 0, fmt.Errorf("cannot evaluate %q: result is %T, not a number", s, out)
	case math.IsInf(v, 0):
		return 0, fmt.Errorf("cannot evaluate %q: the result is not a finite number (overflow: too large for a float64)", s)
	case math.IsNaN(v):
		return 0, fmt.Errorf("cannot evaluate %q: the result is not a finite number (NaN: not a real number, such as a fractional power of a negative number)", s)
	case v == 0:
		return 0, nil // +0, never -0 ("0 * -1")
	}
	return v, nil
}

// compileArithmetic compiles src, already checked, with the last layers of
// the hardening: an empty environment (no variables), every builtin
// disabled, a node budget, a float64 result, and / and % checked. Each
// holds on its own (TestCompileArithmeticLayers), whatever the checks
// before it let through.
func compileArithmetic(src string) (*vm.Program, error) {
	return expr.Compile(src,
		expr.Env(struct{}{}), // no variables
		expr.DisableAllBuiltins(),
		expr.AsFloat64(),
		expr.MaxNodes(2*MaxExpressionLen), // the patch adds nodes for / and %
		expr.Function(divName, checkedDiv, new(func(float64, float64) float64)),
		expr.Function(modName, checkedMod, new(func(float64, float64) float64)),
		expr.Function(powName, checkedPow, new(func(float64, float64) float64)),
		expr.Patch(floatArithmetic{}),
	)
}

// floatLiterals writes each integer literal of s too long for an int64
// (19 digits or more, not part of a decimal or an exponent) as a float
// literal ("100000000000000000000" → "100000000000000000000.0"), so that
// it is a float64 like every other number rather than expr's "integer
// literal out of range". Shorter ones are left as written, so positions in
// error messages stay those of s. s holds only what checkCharacters
// allows.
func floatLiterals(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		b.WriteString(s[i:j])
		prev := strings.TrimRight(s[:i], "+-")
		inNumber := i > 0 && (s[i-1] == '.' || s[i-1] == 'e' || s[i-1] == 'E' ||
			len(prev) < i && len(prev) > 0 && (prev[len(prev)-1] == 'e' || prev[len(prev)-1] == 'E'))
		if j-i >= 19 && !inNumber && (j == len(s) || s[j] != '.' && s[j] != 'e' && s[j] != 'E') {
			b.WriteString(".0")
		}
		i = j
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// checkCharacters allows digits, '.', white space, the operators and
// parentheses, and 'e'/'E' right after a digit or '.' (an exponent).
func checkCharacters(s string) error {
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ' ', r == '\t',
			strings.ContainsRune("+-*/%^()", r):
		case (r == 'e' || r == 'E') && i > 0 && (s[i-1] >= '0' && s[i-1] <= '9' || s[i-1] == '.'):
		default:
			return fmt.Errorf("the expression may contain only numbers, + - * / %% ^ and parentheses; %q at position %d is not allowed", r, i+1)
		}
	}
	return nil
}

// checkArithmetic rejects any node that is not a number, a unary +/-, or
// an arithmetic binary operator.
func checkArithmetic(n ast.Node) error {
	switch n := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		return nil
	case *ast.UnaryNode:
		if n.Operator != "-" && n.Operator != "+" {
			return fmt.Errorf("the operator %q is not allowed", n.Operator)
		}
		return checkArithmetic(n.Node)
	case *ast.BinaryNode:
		switch n.Operator {
		case "+", "-", "*", "/", "%", "^", "**":
		default:
			return fmt.Errorf("the operator %q is not allowed; use + - * / %% ^", n.Operator)
		}
		if err := checkArithmetic(n.Left); err != nil {
			return err
		}
		return checkArithmetic(n.Right)
	default:
		return fmt.Errorf("only numbers and arithmetic operators are allowed, not %T", n)
	}
}

// Names of the checked operations the patch substitutes for / and %.
// checkCharacters makes them impossible to write in an expression.
const (
	divName = "__div"
	modName = "__mod"
	powName = "__pow"
)

// floatArithmetic makes every integer a float64 (no wrap-around on
// overflow) and sends /, % and ^ (or **) through the checked functions.
type floatArithmetic struct{}

func (floatArithmetic) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IntegerNode:
		ast.Patch(node, &ast.FloatNode{Value: float64(n.Value)})
	case *ast.BinaryNode:
		name := ""
		switch n.Operator {
		case "/":
			name = divName
		case "%":
			name = modName
		case "^", "**":
			name = powName
		default:
			return
		}
		ast.Patch(node, &ast.CallNode{
			Callee:    &ast.IdentifierNode{Value: name},
			Arguments: []ast.Node{n.Left, n.Right},
		})
	}
}

var errDivisionByZero = errors.New("division by zero")

func checkedDiv(args ...any) (any, error) {
	a, b := args[0].(float64), args[1].(float64)
	if b == 0 {
		return nil, errDivisionByZero
	}
	return a / b, nil
}

func checkedMod(args ...any) (any, error) {
	a, b := args[0].(float64), args[1].(float64)
	if b == 0 {
		return nil, errDivisionByZero
	}
	return math.Mod(a, b), nil
}

// checkedPow is math.Pow, except that 0 raised to a negative power (a
// pole: 0^-1 is 1/0) is errDivisionByZero rather than +Inf, which Evaluate
// would report as an overflow.
func checkedPow(args ...any) (any, error) {
	a, b := args[0].(float64), args[1].(float64)
	if a == 0 && b < 0 {
		return nil, fmt.Errorf("%w (0 raised to a negative power)", errDivisionByZero)
	}
	return math.Pow(a, b), nil
}

// FormatNumber writes integers up to 2^53 in full ("445"), and other
// numbers with 15 significant digits, which hides binary rounding noise
// (0.1 + 0.2 is "0.3").
func FormatNumber(v float64) string {
	if v == 0 {
		return "0" // not "-0"
	}
	if v == math.Trunc(v) && math.Abs(v) <= 1<<53 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 15, 64)
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
