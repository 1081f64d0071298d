package aigentic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// AgentTool is a tool the agent offers to its model.
//
// Execute returns a result the model sees — set Error: true for a failure
// the model should handle (bad input, nothing found) — or a Go error, which
// stops the run with a *ToolError wrapping it. Return an error marked with
// ai.Transient to have the step retried within the agent's Retries budget.
// A panic in Execute is recovered and stops the run with a *ToolError
// wrapping a *PanicError. Execute must honour run.Context().
type AgentTool struct {
	// Name is the tool's name as the model sees it: letters, digits, _ and -.
	Name string
	// Description tells the model what the tool does and when to use it.
	Description string
	// InputSchema is the JSON schema of the arguments (an object schema).
	// The model's arguments are validated against it before Execute runs;
	// invalid arguments become an error result the model sees. Nil means
	// an object with any properties.
	InputSchema map[string]interface{}
	// Execute runs the tool.
	Execute func(run *AgentRun, args map[string]interface{}) (*ai.ToolResult, error)
	// RequireApproval makes the run ask before executing: it emits an
	// *ApprovalEvent on Next() and waits for AgentRun.Approve. A denial,
	// or no answer within Agent.ApprovalTimeout, reaches the model as an
	// error result and the tool does not run. A sub-agent's request goes
	// to the top-level run's Next() and Approve. A run without events (one
	// started by Execute, or a sub-agent of one) cannot ask: it denies at
	// once.
	RequireApproval bool
	// Validate, when set, checks a call's arguments after they passed the
	// schema and before anything else happens (as in the aigentic
	// library): its ValidationResult is shown in the *ApprovalEvent of a
	// RequireApproval tool — Message is the human-readable note (what will
	// happen, warnings), Values what to display (nil shows the arguments).
	// A returned error becomes an error result the model sees ("invalid
	// arguments for tool ...") and the tool does not run; so do
	// ValidationErrors on a tool without RequireApproval (with it, the
	// person deciding sees them). A panic stops the run like a panic in
	// Execute. Validate does not rewrite the arguments: Execute gets the
	// model's arguments.
	Validate func(run *AgentRun, args map[string]interface{}) (ValidationResult, error)

	// Timeout bounds each run of the tool (each attempt); 0 means
	// Agent.ToolTimeout. Past it the tool's context is cancelled and,
	// whether it returns then or is abandoned after Agent.StopGrace, the
	// model gets an error result saying it timed out (Stats.ToolTimeouts);
	// the run goes on. A transient error before the timeout is still
	// retried.
	Timeout time.Duration

	// Meta holds facts about the tool for observers, never sent to the
	// model (ai.Tool.Meta): an MCP tool names its server here.
	Meta map[string]string

	// compiled is set by NewTool; hand-built tools compile on first use.
	compiled *schema.Validator
	// executeRaw, set by NewTool, decodes the raw arguments straight into
	// the typed input instead of going through the map.
	executeRaw func(run *AgentRun, raw []byte) (*ai.ToolResult, error)
}

// RecoverableError is an error a tool built with [NewTool] returns to report
// a failure to the model (a ToolResult with Error: true) instead of
// stopping the run. Build one with [Recoverable].
type RecoverableError struct{ Err error }

// Error implements error.
func (e *RecoverableError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *RecoverableError) Unwrap() error { return e.Err }

// Recoverable marks err as a failure the model should see and handle: a
// tool built with [NewTool] that returns Recoverable(err) produces an error
// result, and the run goes on.
func Recoverable(err error) error {
	if err == nil {
		return nil
	}
	return &RecoverableError{Err: err}
}

// NewTool builds an AgentTool from a typed function. The JSON schema is
// derived from T, which must be a struct: field names from `json` tags,
// descriptions from `description` (or `jsonschema_description`) tags,
// fields without `omitempty` required, extra properties rejected. The
// model's arguments are validated against that schema, then decoded into T
// (an integer sent as 3.0 or 2e1, which the schema accepts, reaches an int
// field as that integer; arguments that still do not decode are an error
// result the model sees).
//
// fn's string is the tool's text result. An error wrapped with
// [Recoverable] becomes an error result the model sees; any other error
// stops the run (use ai.Transient to have it retried).
//
// NewTool panics if name is not a tool name model APIs accept (1-64 of
// a-z, A-Z, 0-9, _ and -) or T cannot be described as a JSON object
// schema: those are programming errors found at start-up, like
// regexp.MustCompile.
func NewTool[T any](name, description string, fn func(run *AgentRun, input T) (string, error)) AgentTool {
	if !validToolName(name) {
		panic(fmt.Sprintf("aigentic.NewTool(%q): a tool name is 1-64 letters, digits, _ or -", name))
	}
	var zero T
	t := reflect.TypeOf(zero)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("aigentic.NewTool(%q): input type %T must be a struct", name, zero))
	}
	sch, err := schema.For(t)
	if err != nil {
		panic(fmt.Sprintf("aigentic.NewTool(%q): %v", name, err))
	}
	compiled, err := schema.Compile(sch)
	if err != nil {
		panic(fmt.Sprintf("aigentic.NewTool(%q): %v", name, err))
	}
	call := func(run *AgentRun, in T) (*ai.ToolResult, error) {
		out, err := fn(run, in)
		if err != nil {
			var re *RecoverableError
			if errors.As(err, &re) {
				return ai.ErrorText(err.Error()), nil
			}
			return nil, err
		}
		return ai.Text(out), nil
	}
	return AgentTool{
		Name:        name,
		Description: description,
		InputSchema: sch,
		compiled:    compiled,
		Execute: func(run *AgentRun, args map[string]interface{}) (*ai.ToolResult, error) {
			raw, err := json.Marshal(args)
			if err != nil {
				return ai.ErrorText("invalid arguments: " + err.Error()), nil
			}
			return decodeAndCall(run, raw, call)
		},
		executeRaw: func(run *AgentRun, raw []byte) (*ai.ToolResult, error) {
			return decodeAndCall(run, raw, call)
		},
	}
}

func decodeAndCall[T any](run *AgentRun, raw []byte, call func(*AgentRun, T) (*ai.ToolResult, error)) (*ai.ToolResult, error) {
	var in T
	if err := json.Unmarshal(raw, &in); err != nil {
		// JSON Schema counts 1.0 as an integer, and models send it for
		// one; encoding/json will not put it in a Go int. Retried with
		// integral numbers written as integers, only on this failure.
		fixed, ok := integralNumbers(raw, err)
		if ok {
			// The rewritten arguments' own error, if any: the number
			// refused first may be one the rewrite fixed.
			in = *new(T)
			err = json.Unmarshal(fixed, &in)
		}
		if err != nil {
			return ai.ErrorText("invalid arguments: " + err.Error()), nil
		}
	}
	return call(run, in)
}

// integralNumbers returns raw with every number that is an integer written
// another way (1.0, 2e1, 1.50e2) rewritten as one (1, 20, 150), exactly
// (from the decimal text, never through float64), when err is
// encoding/json refusing a number for a Go integer. ok is false when there
// was nothing to rewrite.
func integralNumbers(raw []byte, err error) (fixed []byte, ok bool) {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || !strings.HasPrefix(te.Value, "number") {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	changed := false
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case json.Number:
			if n, ok := integerText(string(x)); ok {
				changed = true
				return json.Number(n)
			}
		}
		return x
	}
	v = walk(v)
	if !changed {
		return nil, false
	}
	fixed, err = json.Marshal(v)
	return fixed, err == nil
}

// maxIntDigits bounds integerText's result: more digits than any Go
// integer holds (uint64: 20) cannot decode into one anyway, and an
// exponent such as 1e999999999 must not make a billion-digit string.
const maxIntDigits = 21

// integerText returns the JSON number n written as an integer ("1.50e2" →
// "150", "-0.0" → "0") when n has a fraction or an exponent and is an
// integer of at most maxIntDigits digits; else ok is false.
func integerText(n string) (string, bool) {
	if !strings.ContainsAny(n, ".eE") {
		return "", false
	}
	neg := strings.HasPrefix(n, "-")
	mant, exp := strings.TrimPrefix(n, "-"), 0
	if i := strings.IndexAny(mant, "eE"); i >= 0 {
		e, err := strconv.Atoi(mant[i+1:])
		if err != nil || e < -maxIntDigits*2 || e > maxIntDigits {
			return "", false
		}
		mant, exp = mant[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	digits, point := whole+frac, len(whole)+exp
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false // not a JSON number (json.Number has only these)
	}
	if point < 0 {
		point = 0
	}
	for point > len(digits) {
		digits += "0"
	}
	if strings.Trim(digits[point:], "0") != "" {
		return "", false // a fraction
	}
	out := strings.TrimLeft(digits[:point], "0")
	switch {
	case out == "":
		return "0", true
	case len(out) > maxIntDigits:
		return "", false
	case neg:
		return "-" + out, true
	}
	return out, true
}

// SchemaFor derives the JSON object schema of a Go struct type the way
// [NewTool] does, as a map ready for AgentTool.InputSchema (schema.For).
func SchemaFor(t reflect.Type) (map[string]any, error) { return schema.For(t) }

// validToolName reports whether name is acceptable to model APIs.
func validToolName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// compiledFor is t's compiled input schema.
func compiledFor(t *AgentTool) (*schema.Validator, error) {
	if t.compiled != nil {
		return t.compiled, nil
	}
	return schema.Compile(t.InputSchema)
}
