// Package golden renders an agent run as a stable text transcript — the
// model calls, the tool calls with their arguments, the results, the
// answer and the outcome — and compares it with a file under testdata/,
// so that a change in what an agent does (a new prompt, model or library
// version) shows in review as a diff of what it did.
//
//	func TestAgentTranscript(t *testing.T) {
//		run, _ := agent.Start("What is 2 + 2?")
//		answer, err := run.Wait(0)
//		golden.Assert(t, "testdata/sum.golden", golden.RenderRun(run, answer, err))
//	}
//
// A failing comparison prints a unified diff (- golden, + now); run the
// test with -update to accept the change: `go test -run TestAgentTranscript -update`.
//
// The text holds nothing that changes from run to run: no tool call ids
// (a result follows its call; an id quoted in text becomes call#N), no
// run or session ids, times or durations in the error, no token counts.
// Arguments are JSON with sorted keys. The renderer takes a transcript
// ([]ai.Message) and an [Outcome], so anything that has those — a run
// today (AgentRun.Messages, Stats, the error), an observer of the
// runtime's steps later — can be rendered.
package golden

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// update is -update: rewrite golden files instead of comparing.
var update = flag.Bool("update", false, "golden: write the golden files under testdata with what the tests produce, instead of comparing")

// Outcome is how a run ended.
type Outcome struct {
	// Answer is the final answer ("" when the run failed).
	Answer string
	// Err is the error the run ended with, nil on success.
	Err error
	// Retries is the number of retried attempts (Stats.Retries); shown
	// when not 0.
	Retries int
}

// Option adjusts [Render].
type Option func(*options)

type options struct {
	system   bool
	replaces []replace
}

type replace struct {
	re   *regexp.Regexp
	with string
}

// WithSystem includes the system prompt (left out by default: the
// transcript is about what the agent did; a replayed test already fails
// on a changed prompt).
func WithSystem() Option { return func(o *options) { o.system = true } }

// Replace rewrites, in the rendered text, every match of re with with
// (regexp.ReplaceAllString): for run-specific values of your own, such as
// a timestamp a tool returns.
func Replace(re *regexp.Regexp, with string) Option {
	return func(o *options) { o.replaces = append(o.replaces, replace{re, with}) }
}

// FromRun returns a run's transcript and outcome: AgentRun.Messages, and
// the answer and error the run returned (from Wait or Execute), with the
// retries from Stats.
func FromRun(run *aigentic.AgentRun, answer string, err error) ([]ai.Message, Outcome) {
	return run.Messages(), Outcome{Answer: answer, Err: err, Retries: run.Stats().Retries}
}

// RenderRun is [Render] of [FromRun].
func RenderRun(run *aigentic.AgentRun, answer string, err error, opts ...Option) string {
	msgs, o := FromRun(run, answer, err)
	return Render(msgs, o, opts...)
}

var (
	// idLike matches the runtime's run and session ids (run_, ses_ and 12
	// hex digits).
	idLike = regexp.MustCompile(`\b(run|ses)_[0-9a-f]{12}\b`)
	// durationLike matches Go durations as time.Duration prints them.
	durationLike = regexp.MustCompile(`\b\d+(\.\d+)?(h|m|s|ms|µs|us|ns)(\d+(\.\d+)?(m|s|ms|µs|us|ns))*\b`)
)

// Render writes msgs and the outcome as text, one block per message:
//
//	user:
//	  What is 2 + 2?
//	model call 1:
//	  → calculator {"expression":"2 + 2"}
//	tool calculator:
//	  2 + 2 = 4
//	model call 2:
//	  The answer is 4.
//	outcome: answered
//
// A tool result that is an error is "tool NAME (error):"; an answer that
// is not the last model text is shown after the outcome; a failed run
// shows its kind ("stopped by a limit", "stopped (cancelled or timed
// out)", "model call failed", "tool failed", "failed") and its error
// text, with ids and durations normalised. The whole text is redacted
// (aigentic.Redact): a golden file is committed.
func Render(msgs []ai.Message, out Outcome, opts ...Option) string {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	var b strings.Builder
	ids := map[string]string{}
	calls, lastText := 0, ""
	for _, m := range msgs {
		switch m.Role {
		case ai.RoleSystem:
			if o.system {
				block(&b, "system:", m.Content)
			}
		case ai.RoleUser:
			block(&b, "user:", m.Content)
		case ai.RoleAssistant:
			calls++
			fmt.Fprintf(&b, "model call %d:\n", calls)
			lastText = m.Content
			if m.Content != "" {
				lines(&b, m.Content)
			}
			for _, tc := range m.ToolCalls {
				if len(tc.ID) >= 6 {
					if _, ok := ids[tc.ID]; !ok {
						ids[tc.ID] = fmt.Sprintf("call#%d", len(ids)+1)
					}
				}
				fmt.Fprintf(&b, "  → %s %s\n", tc.Name, arguments(tc.Arguments))
			}
			if m.Content == "" && len(m.ToolCalls) == 0 {
				b.WriteString("  (empty)\n")
			}
		case ai.RoleTool:
			head := "tool " + m.Name
			if m.IsError {
				head += " (error)"
			}
			block(&b, head+":", m.Content)
		default:
			block(&b, string(m.Role)+":", m.Content)
		}
	}
	outcome(&b, out, lastText)
	text := b.String()
	for id, n := range ids {
		text = strings.ReplaceAll(text, id, n)
	}
	for _, r := range o.replaces {
		text = r.re.ReplaceAllString(text, r.with)
	}
	return aigentic.Redact(text) // a golden file is committed: no secret in it
}

// outcome writes how the run ended.
func outcome(b *strings.Builder, out Outcome, lastText string) {
	if out.Retries > 0 {
		fmt.Fprintf(b, "retries: %d\n", out.Retries)
	}
	if out.Err == nil {
		b.WriteString("outcome: answered\n")
		if out.Answer != lastText {
			block(b, "answer:", out.Answer)
		}
		return
	}
	fmt.Fprintf(b, "outcome: %s\n", kind(out.Err))
	text := aigentic.Redact(out.Err.Error())
	text = idLike.ReplaceAllString(text, "${1}_…")
	text = durationLike.ReplaceAllString(text, "<duration>")
	block(b, "error:", text)
}

// kind names the way a run failed, from the runtime's typed errors.
func kind(err error) string {
	var (
		le *aigentic.LimitError
		se *aigentic.StoppedError
		me *aigentic.ModelCallError
		te *aigentic.ToolError
	)
	switch {
	case errors.As(err, &le):
		return "stopped by a limit"
	case errors.As(err, &se):
		return "stopped (cancelled or timed out)"
	case errors.As(err, &me):
		return "model call failed"
	case errors.As(err, &te):
		return "tool failed"
	}
	return "failed"
}

// block writes a heading and text indented under it.
func block(b *strings.Builder, head, text string) {
	b.WriteString(head)
	b.WriteByte('\n')
	lines(b, text)
}

// lines writes text indented by two spaces, line endings made \n and
// trailing spaces dropped; empty text is "(empty)".
func lines(b *strings.Builder, text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if strings.TrimSpace(text) == "" {
		b.WriteString("  (empty)\n")
		return
	}
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			b.WriteByte('\n')
			continue
		}
		b.WriteString("  ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
}

// arguments is a tool call's arguments as compact JSON with sorted keys,
// or the raw text marked when it is not JSON.
func arguments(raw string) string {
	var v any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return fmt.Sprintf("%s (not valid JSON)", raw)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return raw
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
