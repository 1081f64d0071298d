package aigentic

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// DefaultOutputFollowUps is how many times a run asks the model again for
// a typed answer that does not match its schema, when
// OutputOptions.FollowUps is 0: a model that errs twice gets a third try.
const DefaultOutputFollowUps = 2

// NoFollowUps, as OutputOptions.FollowUps, fails on the first answer that
// does not match.
const NoFollowUps = -1

// ErrInvalidOutput is matched (errors.Is) by an *OutputError: the model's
// final answer did not match the typed answer's schema, even after the
// follow-ups.
var ErrInvalidOutput = errors.New("aigentic: the answer does not match its schema")

// OutputError is why a typed answer failed: the model's last answer, and
// what was wrong with it. A run ends with it (inside a *HaltError, which
// keeps the transcript) when the answers run out of follow-ups.
type OutputError struct {
	// Schema is the typed answer's schema name.
	Schema string
	// Raw is the model's last answer, as it gave it.
	Raw string
	// Problem is what was wrong, as the model was told: not JSON (it
	// wraps the *json.SyntaxError), a schema violation ("/path: what",
	// one line), or a value Go cannot decode into the type.
	Problem error
	// Answers is how many final answers were checked (1 + follow-ups).
	Answers int
}

// Error implements error. Raw is left out: it may be long.
func (e *OutputError) Error() string {
	return fmt.Sprintf("aigentic: typed answer %q rejected after %d answer(s): %v", e.Schema, e.Answers, e.Problem)
}

// Unwrap returns the problem.
func (e *OutputError) Unwrap() error { return e.Problem }

// Is matches ErrInvalidOutput.
func (e *OutputError) Is(target error) bool { return target == ErrInvalidOutput }

// OutputOptions configure a typed answer ([NewOutput]). The zero value
// names the schema after the type and allows DefaultOutputFollowUps.
type OutputOptions struct {
	// Name names the schema for the provider (OpenAI's json_schema.name):
	// 1-64 letters, digits, _ or -. "" uses the type's name ("answer" for
	// an unnamed one).
	Name string
	// Description says what the answer is for; optional, sent with the
	// schema.
	Description string
	// FollowUps is how many times the model is asked again, with what was
	// wrong, after a final answer that does not match: 0 means
	// DefaultOutputFollowUps, NoFollowUps none. Each is a model call like
	// any other (Agent.MaxLLMCalls, Budget, Stats.LLMCalls and
	// Stats.FollowUps).
	FollowUps int
}

// Output is a typed answer of type T: its strict JSON schema and how it is
// checked. Build it once with NewOutput (which refuses a T the schema
// rules cannot express) and use it for any number of runs, concurrently.
type Output[T any] struct {
	format    ai.ResponseFormat
	validator *schema.Validator
	followUps int
}

// NewOutput builds the typed answer T, which must be a struct (after
// pointers). Its schema is NewTool's — field names from `json` tags,
// descriptions from `description` tags, enums from `jsonschema:"enum=…"`
// tags — made strict by OpenAI's rules (Structured Outputs, "Supported
// schemas"): every property required, an optional (omitempty) one made
// nullable — a field that may be left out says omitempty, pointer or
// not — every object closed (additionalProperties false). A T those
// rules cannot express is refused with an error wrapping ErrOutputType
// that names the field: a map (the model would choose its keys), an
// interface, a channel, a function, a complex number, a recursive type, a
// json.RawMessage, an unsupported keyword from a tag, objects nested more
// than 10 deep, more than 5,000 properties or 1,000 enum values.
func NewOutput[T any](opts OutputOptions) (*Output[T], error) {
	t := reflect.TypeFor[T]()
	m, err := outputSchema(t)
	if err != nil {
		return nil, err
	}
	name := opts.Name
	if name == "" {
		name = outputName(t)
	} else if !validSchemaName(name) {
		return nil, fmt.Errorf("%w: schema name %q: use 1-64 letters, digits, _ or -", ErrOutputType, name)
	}
	v, err := schema.Compile(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrOutputType, t, err)
	}
	n := opts.FollowUps
	switch {
	case n == 0:
		n = DefaultOutputFollowUps
	case n < 0:
		n = 0
	}
	return &Output[T]{
		format:    ai.ResponseFormat{Name: name, Description: opts.Description, Schema: m, Strict: true},
		validator: v,
		followUps: n,
	}, nil
}

// Name is the schema's name.
func (o *Output[T]) Name() string { return o.format.Name }

// Schema returns a copy of the strict JSON schema the answer must match.
func (o *Output[T]) Schema() map[string]any { return cloneSchema(o.format.Schema) }

// Parse checks an answer as a run does and decodes it: the JSON object
// found in text (see [Output.Execute] for what is accepted), valid against
// the schema, decoded into T. The error is an *OutputError (Answers 1).
func (o *Output[T]) Parse(text string) (T, error) {
	v, _, problem := o.check(text)
	if problem != nil {
		var zero T
		return zero, &OutputError{Schema: o.format.Name, Raw: text, Problem: problem, Answers: 1}
	}
	return v, nil
}

// Execute runs a on message and returns its final answer as a T. It runs
// a copy of a whose interceptors end with one of the Output's own, which,
// on each model call of this run (not of sub-agents, which answer their
// parent in text):
//
//   - asks for the schema: Request.ResponseFormat, strict — the provider
//     sends it natively (OpenAI's response_format json_schema) or as
//     instructions, as its server family allows. Tool calls may come
//     first; the final answer (text without tool calls) is the typed one;
//   - checks the final answer: it must be a JSON object, alone or — as
//     pydantic-ai accepts it — in the first markdown code fence
//     ("```json\n{…}\n```", any language tag) with text around it; a
//     fenced answer's run result is the JSON alone. It must then be valid
//     against the schema and decode into T;
//   - when it is not, asks again (hook.ModelCall.FollowUp) with what was
//     wrong, at most OutputOptions.FollowUps times, each reported as a
//     hook.Decision (By "typed:NAME", Action "retry"); then stops the run
//     with a *HaltError wrapping an *OutputError (ErrInvalidOutput).
//
// With a.Stream the answer's text streams as usual (events of a rejected
// answer included, followed by a *DecisionEvent); the value is checked
// when it is complete. The run is bound to ctx as ExecuteContext's is; its
// errors are ExecuteContext's, and ErrOutputType before anything runs.
func (o *Output[T]) Execute(ctx context.Context, a Agent, message string) (T, error) {
	var zero T
	result, err := o.agent(a).ExecuteContext(ctx, message)
	if err != nil {
		return zero, err
	}
	return o.Parse(result)
}

// Start is Execute in the background, as StartContext: read the run's
// events from Next and its value from Wait.
func (o *Output[T]) Start(ctx context.Context, a Agent, message string) (*TypedRun[T], error) {
	r, err := o.agent(a).StartContext(ctx, message)
	if err != nil {
		return nil, err
	}
	return &TypedRun[T]{AgentRun: r, out: o}, nil
}

// agent is a copy of a with the Output's interceptor innermost, so the
// agent's own interceptors (guards) see the checked answer.
func (o *Output[T]) agent(a Agent) Agent {
	a.Interceptors = append(slices.Clip(a.Interceptors), &outputCheck[T]{out: o})
	return a
}

// TypedRun is a run started by Output.Start or StartAs: an *AgentRun whose
// Wait returns the typed value.
type TypedRun[T any] struct {
	*AgentRun
	out *Output[T]
}

// Wait waits for the run as AgentRun.Wait does and returns its answer
// decoded into T.
func (r *TypedRun[T]) Wait(timeout time.Duration) (T, error) {
	result, err := r.AgentRun.Wait(timeout)
	if err != nil {
		var zero T
		return zero, err
	}
	return r.out.Parse(result)
}

// outputs caches the Output of each type for ExecuteAs and StartAs.
var outputs sync.Map // reflect.Type → *Output[T] or error

// outputFor is the default Output of T, built once.
func outputFor[T any]() (*Output[T], error) {
	t := reflect.TypeFor[T]()
	if v, ok := outputs.Load(t); ok {
		if err, ok := v.(error); ok {
			return nil, err
		}
		return v.(*Output[T]), nil
	}
	o, err := NewOutput[T](OutputOptions{})
	if err != nil {
		outputs.Store(t, err)
		return nil, err
	}
	v, _ := outputs.LoadOrStore(t, o)
	return v.(*Output[T]), nil
}

// ExecuteAs runs a on message and returns its answer as a T: Output.Execute
// with the default OutputOptions (the schema named after T, two
// follow-ups). A T the schema rules cannot express is an error wrapping
// ErrOutputType; nothing runs.
//
//	type Ticket struct {
//		Category string `json:"category" jsonschema:"enum=billing,enum=bug,enum=other"`
//		Summary  string `json:"summary" description:"one sentence"`
//	}
//	t, err := aigentic.ExecuteAs[Ticket](ctx, agent, "My invoice is wrong")
func ExecuteAs[T any](ctx context.Context, a Agent, message string) (T, error) {
	o, err := outputFor[T]()
	if err != nil {
		var zero T
		return zero, err
	}
	return o.Execute(ctx, a, message)
}

// StartAs is ExecuteAs in the background: Output.Start with the default
// OutputOptions.
func StartAs[T any](ctx context.Context, a Agent, message string) (*TypedRun[T], error) {
	o, err := outputFor[T]()
	if err != nil {
		return nil, err
	}
	return o.Start(ctx, a, message)
}
