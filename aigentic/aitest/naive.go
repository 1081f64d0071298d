package aitest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// DefaultNaiveAnswer is the text a [Naive] model answers with unless
// [NaiveOptions.Answer] sets another.
const DefaultNaiveAnswer = "Done."

// NaiveOptions configure a [Naive] model. The zero value is a model with
// no latency that answers [DefaultNaiveAnswer].
type NaiveOptions struct {
	// Answer is the fixed final text; "" means DefaultNaiveAnswer.
	Answer string
	// Latency is waited before every response (0: none).
	Latency time.Duration
	// Sleep waits d or until ctx ends, returning ctx's error then; nil
	// waits on a real timer. Tests inject one that returns at once, so a
	// 1.5 s latency costs no real time.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Naive is a model that makes the plainest choices an OpenAI-compatible
// server's model can make, and none of the choices an example hopes for:
//
//   - while the conversation since the last user message holds no tool
//     result and tools are offered, it calls the FIRST tool offered, with
//     arguments built from the tool's schema by [NaiveArguments];
//   - otherwise it answers with fixed text, whatever the tool said.
//
// It never looks at the question. Use it (behind openaitest's server) to
// check that an example shows its pattern on a model that does not
// cooperate. It is safe for concurrent use.
type Naive struct {
	opts NaiveOptions

	mu    sync.Mutex
	calls int
}

// NewNaive returns a naive model.
func NewNaive(opts NaiveOptions) *Naive {
	if opts.Answer == "" {
		opts.Answer = DefaultNaiveAnswer
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	return &Naive{opts: opts}
}

// ModelName implements ai.Model.
func (n *Naive) ModelName() string { return "naive" }

// Ping implements ai.Model; it is always reachable.
func (n *Naive) Ping(ctx context.Context) (*ai.PingResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &ai.PingResult{Provider: "aitest", Model: "naive", Detail: "first tool, then a fixed answer"}, nil
}

// Calls is the number of Generate calls received.
func (n *Naive) Calls() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls
}

// Generate implements ai.Model. After the latency (ending early with the
// context's error) it returns a call of the first offered tool, or the
// fixed answer (streamed once through req.OnDelta when set).
func (n *Naive) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	n.mu.Lock()
	n.calls++
	call := n.calls
	n.mu.Unlock()
	if err := n.opts.Sleep(ctx, n.opts.Latency); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	usage := ai.Usage{InputTokens: 10, OutputTokens: 5}
	if len(req.Tools) > 0 && !answeredByTool(req.Messages) {
		args, err := json.Marshal(NaiveArguments(req.Tools[0].InputSchema))
		if err != nil {
			return nil, &ai.ModelError{Provider: "aitest", Message: "naive arguments", Err: err}
		}
		return &ai.Response{
			Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{
				ID: fmt.Sprintf("call_naive_%d", call), Name: req.Tools[0].Name, Arguments: string(args),
			}}},
			Usage:        usage,
			FinishReason: "tool_calls",
		}, nil
	}
	if req.OnDelta != nil {
		req.OnDelta(n.opts.Answer)
	}
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: n.opts.Answer}, Usage: usage, FinishReason: "stop"}, nil
}

// answeredByTool reports whether a tool result follows the last user
// message.
func answeredByTool(msgs []ai.Message) bool {
	for i := len(msgs) - 1; i >= 0; i-- {
		switch msgs[i].Role {
		case ai.RoleTool:
			return true
		case ai.RoleUser:
			return false
		}
	}
	return false
}

// NaiveArguments builds the arguments a naive model sends for an object
// schema: each REQUIRED property only, with the first enum value (or the
// const), else its first example (or default) if the runtime's validator
// (aigentic/schema) takes it, else by type: a string (see below), a number
// (see naiveNumber: 1 moved into minimum/maximum and their exclusive
// forms, a whole number for "integer", a multiple of an integral
// multipleOf), false for a boolean, a nested object built the same way,
// an array of one such item (minItems items, 64 at most; none for maxItems
// 0; distinct items for uniqueItems where the item's enum or a varied
// string or number allows; [] where minItems is 0 and the item would reach
// the depth bound, as the leaves of a recursive tree). "$ref" into the
// root's "$defs"/"definitions" is followed. A schema it cannot read gives
// an empty object.
//
// A string is the first of these the validator takes, padded to minLength
// (repeating its last character, else "x") and cut to maxLength: a sample
// of the format (email, date-time, date, time, uri, uuid, ipv4, ipv6,
// hostname), the pattern's shortest match (see patternSample), "x". When
// none is taken (a pattern Go cannot compile or no string matches, lengths
// the pattern excludes) it is the pattern's shortest match when there is
// one, else "x": the runtime refuses the call, as a real model's mistake.
//
// It does not honour, so the runtime may refuse its call as it would a
// real model's: allOf beyond its first branch (anyOf and oneOf take the
// first too: a oneOf whose branches overlap refuses it), not,
// if/then/else, dependentRequired and dependentSchemas, minProperties and
// maxProperties, patternProperties, contains, a fractional multipleOf,
// minItems above 64, minLength above 4096 bytes (maxNaiveString),
// uniqueItems where no variant of the item validates, a pattern Go cannot
// compile (lookahead), and a number bound so large that adding 1 does not
// change it.
func NaiveArguments(schema map[string]any) map[string]any {
	g := naiveGen{root: schema}
	v, _ := g.value(schema, 0).(map[string]any)
	if v == nil {
		v = map[string]any{}
	}
	return v
}

// formatSamples are valid values of string formats (RFC 3339, RFC 4122;
// RFC 5737's and RFC 3849's documentation addresses).
var formatSamples = map[string]string{
	"email": "x@example.com", "date-time": "2026-01-02T03:04:05Z", "date": "2026-01-02", "time": "03:04:05Z",
	"uri": "https://example.com/x", "uuid": "123e4567-e89b-42d3-a456-426614174000",
	"ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "hostname": "example.com",
}

const maxNaiveString = 4096 // bounds a generated string, in bytes

// naiveString is the string NaiveArguments sends for s (see there).
func naiveString(s map[string]any) string {
	pattern, _ := s["pattern"].(string)
	sample, matched := patternSample(pattern)
	for i, b := range []string{formatSamples[fmt.Sprint(s["format"])], sample, "x"} {
		for _, pad := range []string{"", "x"} { // its last character, else x
			if v := fitLength(b, pad, s); (b != "" || i == 1 && matched) && validates(s, v) {
				return v
			}
		}
	}
	if !matched {
		return "x"
	}
	return sample
}

// fitLength pads v to s's minLength with pad (v's last character when "")
// and cuts it to s's maxLength, counting characters as JSON Schema does.
func fitLength(v, pad string, s map[string]any) string {
	r := []rune(v)
	if pad == "" && len(r) > 0 {
		pad = string(r[len(r)-1])
	}
	for n := intLimit(s["minLength"], 0, maxNaiveString); pad != "" && len(r) < n; {
		r = append(r, []rune(pad)...)
	}
	// Compared as float64s: int(n) of a huge maxLength (1e19, MaxInt64 as
	// a float64) would overflow; n < len(r) here, so int(n) cannot.
	if n, ok := number(s["maxLength"]); ok && n >= 0 && float64(len(r)) > n {
		r = r[:int(n)]
	}
	return string(r)
}

// validates reports whether the runtime's validator takes v for s; a
// schema it cannot compile (a "$ref" into a root it lacks) takes anything.
func validates(s map[string]any, v any) bool {
	val, err := schema.Compile(s)
	return err != nil || val.Validate(v) == nil
}

// patternSample returns a shortest string the regular expression pattern
// (Go's syntax, which JSON schemas' patterns mostly share) matches, and
// whether it does. It walks the parsed expression: literals as written, a
// class's first digit or letter (else its first printable character, else
// its first), "x" for any character, a repeat's minimum count, the first
// alternative that gives a string, nothing for anchors, boundaries, * and
// ?; then regexp.MatchString confirms. "", false for "", a pattern Go
// cannot compile, or one whose walk does not match (a^b, [^\x00-\x{10FFFF}],
// x\by: its anchors and boundaries).
func patternSample(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if pattern == "" || err != nil {
		return "", false
	}
	s, ok := shortest(re)
	matched, _ := regexp.MatchString(pattern, s)
	return s, ok && matched
}

// shortest returns a shortest string re matches; false when it finds none
// of at most maxNaiveString bytes.
func shortest(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpNoMatch:
		return "", false
	case syntax.OpLiteral:
		return string(re.Rune), true
	case syntax.OpCharClass:
		r, ok := classRune(re.Rune)
		return string(r), ok
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return "x", true
	case syntax.OpCapture, syntax.OpPlus:
		return shortest(re.Sub[0])
	case syntax.OpRepeat:
		s, ok := shortest(re.Sub[0])
		return strings.Repeat(s, min(re.Min, maxNaiveString)), ok && len(s)*re.Min <= maxNaiveString
	case syntax.OpConcat:
		var b strings.Builder
		for _, sub := range re.Sub {
			s, ok := shortest(sub)
			if b.WriteString(s); !ok || b.Len() > maxNaiveString {
				return "", false
			}
		}
		return b.String(), true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if s, ok := shortest(sub); ok {
				return s, true
			}
		}
		return "", false
	}
	return "", true // empty match, anchors, boundaries, star, quest
}

// classRune picks a class's (sorted lo-hi pairs) first digit or letter,
// else its first printable ASCII character, else its first character.
func classRune(ranges []rune) (rune, bool) {
	for _, want := range [][2]rune{{'0', '9'}, {'A', 'Z'}, {'a', 'z'}, {'!', '~'}, {0, unicode.MaxRune}} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if lo, hi := max(ranges[i], want[0]), min(ranges[i+1], want[1]); lo <= hi {
				return lo, true
			}
		}
	}
	return 0, false
}
