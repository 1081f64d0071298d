package aigentic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// fencedJSON finds a JSON object in the first markdown code fence that
// holds one: pydantic-ai's rule (pydantic_ai._utils.strip_markdown_fences),
// "```" with an optional language tag, a line end, the object, then the
// closing fence or the end of the text.
var fencedJSON = regexp.MustCompile("(?s)```(?:\\w+)?\\r?\\n(\\{.*?\\})\\s*(?:\\r?\\n?```|\\z)")

// extractJSON is the JSON an answer gives: the answer itself when it
// starts with "{" (after white space), else the object in its first code
// fence, else the answer unchanged (which then fails to parse, and the
// model is told so).
func extractJSON(text string) string {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") {
		return t
	}
	if m := fencedJSON.FindStringSubmatch(t); m != nil {
		return m[1]
	}
	return t
}

// errEmptyAnswer is the problem of an answer with no text.
var errEmptyAnswer = errors.New("the answer is empty: answer with a JSON object")

// check finds the answer's JSON, validates it and decodes it: the value,
// the JSON text, or the problem to tell the model.
func (o *Output[T]) check(text string) (T, string, error) {
	var v T
	js := extractJSON(text)
	if js == "" {
		return v, "", errEmptyAnswer
	}
	var doc any
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		return v, "", fmt.Errorf("the answer is not a JSON object: %w", err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return v, "", fmt.Errorf("the answer is JSON but not an object: answer with one JSON object")
	}
	if err := o.validator.Validate(doc); err != nil {
		return v, "", fmt.Errorf("the answer does not match the schema: %w", err)
	}
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		return v, "", fmt.Errorf("the answer cannot be decoded: %w", err)
	}
	return v, js, nil
}

// outputCheck is the interceptor of one typed run (Output.agent): it asks
// for the schema and checks the final answers of the first run whose model
// calls it sees — its own, whose first call comes before any tool could
// start another. Sub-agents inherit it and pass through.
type outputCheck[T any] struct {
	out *Output[T]
	run *hook.RunInfo
	// asked counts the follow-ups asked.
	asked int
}

// maxReason bounds the reason of a Decision: a problem can list many
// schema violations.
const maxReason = 300

// InterceptModel implements hook.Interceptor.
func (c *outputCheck[T]) InterceptModel(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
	if c.run == nil {
		c.run = call.Run
	}
	if call.Run != c.run {
		return next(ctx, call)
	}
	call.Request.ResponseFormat = &c.out.format
	resp, err := next(ctx, call)
	if err != nil || resp == nil || len(resp.Message.ToolCalls) > 0 {
		return resp, err
	}
	raw := resp.Message.Content
	_, js, problem := c.out.check(raw)
	if problem == nil {
		if js != raw {
			answer := *resp
			answer.Message.Content = js
			return &answer, nil
		}
		return resp, nil
	}
	if c.asked >= c.out.followUps {
		return nil, &OutputError{Schema: c.out.format.Name, Raw: raw, Problem: problem, Answers: c.asked + 1}
	}
	c.asked++
	call.FollowUp = []ai.Message{{Role: ai.RoleUser, Content: fmt.Sprintf(
		"Your answer was not accepted: %v. Answer again with only a JSON object that matches the schema %q, with no other text.",
		problem, c.out.format.Name)}}
	call.Run.Report(ctx, &hook.Decision{Run: call.Run, By: "typed:" + c.out.format.Name, Step: "output",
		Action: "retry", Reason: clipReason(problem.Error())})
	return resp, nil
}

// InterceptTool implements hook.Interceptor: tool calls pass.
func (c *outputCheck[T]) InterceptTool(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
	return next(ctx, call)
}

// clipReason cuts s to maxReason bytes at a rune boundary.
func clipReason(s string) string {
	if len(s) <= maxReason {
		return s
	}
	i := maxReason
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
