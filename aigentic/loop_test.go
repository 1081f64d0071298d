package aigentic_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

type addInput struct {
	A int `json:"a" description:"first addend"`
	B int `json:"b" description:"second addend"`
}

func addTool(calls *int) aigentic.AgentTool {
	return aigentic.NewTool("add", "Add two integers.", func(run *aigentic.AgentRun, in addInput) (string, error) {
		*calls++
		return itoa(in.A + in.B), nil
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// The loop: a model turn with several tool calls, every result sent back
// with the matching ToolCallID/Name/IsError, another turn, then final text.
func TestLoopSeveralToolCallsPerTurnThenFinalText(t *testing.T) {
	var adds int
	echo := &countingTool{Res: func(args map[string]any) (*ai.ToolResult, error) {
		return ai.Text(args["text"].(string)), nil
	}}
	broken := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		return ai.ErrorText("record not found"), nil
	}}
	model := aitest.NewScripted(
		aitest.CallTools(
			aitest.Call("add", `{"a":1,"b":2}`),
			aitest.Call("echo", `{"text":"hi"}`),
			aitest.Call("broken", `{}`),
		),
		aitest.CallTools(aitest.Call("add", `{"a":3,"b":4}`)),
		aitest.Reply("the answer is 7"),
	)
	agent := aigentic.Agent{
		Model:        model,
		Name:         "looper",
		Instructions: "be brief",
		Logger:       discardLogger(),
		AgentTools: []aigentic.AgentTool{
			addTool(&adds),
			echo.Tool("echo", objectSchema(map[string]any{"text": map[string]any{"type": "string"}}, "text")),
			broken.Tool("broken", nil),
		},
	}
	run, err := agent.Start("add things")
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Wait(0)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if got != "the answer is 7" {
		t.Fatalf("answer = %q", got)
	}
	if model.Remaining() != 0 {
		t.Fatalf("script not consumed: %d steps left", model.Remaining())
	}
	reqs := model.Requests()
	if len(reqs) != 3 {
		t.Fatalf("model got %d requests, want 3", len(reqs))
	}

	// First request: system + user, every tool offered.
	first := reqs[0]
	if len(first.Messages) != 2 || first.Messages[0].Role != ai.RoleSystem || first.Messages[0].Content != "be brief" ||
		first.Messages[1].Role != ai.RoleUser || first.Messages[1].Content != "add things" {
		t.Fatalf("first request messages = %+v", first.Messages)
	}
	var names []string
	for _, tl := range first.Tools {
		names = append(names, tl.Name)
	}
	if !reflect.DeepEqual(names, []string{"add", "echo", "broken"}) {
		t.Fatalf("tools offered = %v", names)
	}

	// Second request: the assistant turn, then one tool message per call,
	// in order, each answering its call.
	second := reqs[1].Messages
	if len(second) != 6 {
		t.Fatalf("second request has %d messages, want 6: %+v", len(second), second)
	}
	asst := second[2]
	if asst.Role != ai.RoleAssistant || len(asst.ToolCalls) != 3 {
		t.Fatalf("assistant message = %+v", asst)
	}
	want := []struct {
		name, content string
		isErr         bool
	}{{"add", "3", false}, {"echo", "hi", false}, {"broken", "record not found", true}}
	for i, w := range want {
		m := second[3+i]
		if m.Role != ai.RoleTool || m.ToolCallID != asst.ToolCalls[i].ID || m.ToolCallID == "" ||
			m.Name != w.name || m.Content != w.content || m.IsError != w.isErr {
			t.Errorf("tool message %d = %+v, want id %q name %q content %q error %t",
				i, m, asst.ToolCalls[i].ID, w.name, w.content, w.isErr)
		}
	}
	third := toolMessages(reqs[2].Messages)
	if len(third) != 4 || third[3].Content != "7" || third[3].Name != "add" || third[3].IsError {
		t.Fatalf("third request tool messages = %+v", third)
	}
	if adds != 2 || echo.Count() != 1 || broken.Count() != 1 {
		t.Fatalf("executions: add %d echo %d broken %d", adds, echo.Count(), broken.Count())
	}

	s := run.Stats()
	if s.LLMCalls != 3 || s.ToolCalls != 4 || s.ToolErrors != 1 || s.Retries != 0 ||
		s.InputTokens != 30 || s.OutputTokens != 15 || s.Duration <= 0 {
		t.Fatalf("stats = %+v", s)
	}
	msgs := run.Messages()
	if last := msgs[len(msgs)-1]; last.Role != ai.RoleAssistant || last.Content != "the answer is 7" {
		t.Fatalf("last message = %+v", last)
	}
}

// Arguments are validated against the schema before Execute: invalid
// arguments never reach the tool, and the model sees an error result that
// names the problem.
func TestToolArgumentsValidatedBeforeExecute(t *testing.T) {
	cases := []struct {
		args string
		want []string // substrings of the error result
	}{
		{`{"a":"one","b":2}`, []string{`invalid arguments for tool "add"`, "/a", "string", "integer"}},
		{`{"a":1}`, []string{`invalid arguments for tool "add"`, "missing", "b"}},
		{`{"a":1,"b":2,"c":3}`, []string{"additional", "c"}},
		{`{"a":1.5,"b":2}`, []string{"/a", "integer"}},
		{`{"a":1,`, []string{"not a JSON object"}},
		{`[1,2]`, []string{"not a JSON object"}},
		{`{"a":1,"b":2} {"a":1,"b":2}`, []string{"not a JSON object", "after top-level value"}},
	}

	t.Run("NewTool", func(t *testing.T) {
		for _, c := range cases {
			var adds int
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("add", c.args)), aitest.Reply("sorry"))
			agent := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{addTool(&adds)}}
			got, err := agent.Execute("go")
			if err != nil || got != "sorry" {
				t.Fatalf("args %s: run = %q, %v; want the model to recover", c.args, got, err)
			}
			if adds != 0 {
				t.Fatalf("args %s: Execute ran %d times on invalid arguments", c.args, adds)
			}
			assertErrorResult(t, model, c.args, c.want)
		}
	})

	t.Run("hand-built InputSchema", func(t *testing.T) {
		for _, c := range cases {
			tool := &countingTool{}
			schema := objectSchema(map[string]any{
				"a": map[string]any{"type": "integer"},
				"b": map[string]any{"type": "integer"},
			}, "a", "b")
			model := aitest.NewScripted(aitest.CallTools(aitest.Call("add", c.args)), aitest.Reply("sorry"))
			agent := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool.Tool("add", schema)}}
			if got, err := agent.Execute("go"); err != nil || got != "sorry" {
				t.Fatalf("args %s: run = %q, %v", c.args, got, err)
			}
			if tool.Count() != 0 {
				t.Fatalf("args %s: Execute ran on invalid arguments", c.args)
			}
			assertErrorResult(t, model, c.args, c.want)
		}
	})

	t.Run("valid arguments run", func(t *testing.T) {
		var adds int
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("add", ` {"a":2,"b":2} `)), aitest.Reply("4"))
		agent := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{addTool(&adds)}}
		if _, err := agent.Execute("go"); err != nil {
			t.Fatal(err)
		}
		tm := toolMessages(model.Requests()[1].Messages)
		if adds != 1 || tm[0].IsError || tm[0].Content != "4" {
			t.Fatalf("adds=%d tool message %+v", adds, tm[0])
		}
	})
}

func assertErrorResult(t *testing.T, model *aitest.Scripted, args string, want []string) {
	t.Helper()
	reqs := model.Requests()
	if len(reqs) != 2 {
		t.Fatalf("args %s: %d requests, want 2", args, len(reqs))
	}
	tm := toolMessages(reqs[1].Messages)
	if len(tm) != 1 || !tm[0].IsError {
		t.Fatalf("args %s: tool messages %+v, want one error result", args, tm)
	}
	for _, w := range want {
		if !strings.Contains(tm[0].Content, w) {
			t.Errorf("args %s: error result %q does not mention %q", args, tm[0].Content, w)
		}
	}
}

type forecastInput struct {
	City  string   `json:"city" description:"The city name"`
	Days  int      `json:"days,omitempty" description:"How many days, 1-7"`
	Units string   `json:"units" description:"metric or imperial"`
	Tags  []string `json:"tags,omitempty"`
	Where struct {
		Lat float64 `json:"lat"`
		Lon float64 `json:"lon"`
	} `json:"where,omitempty"`
}

// NewTool derives the schema from the struct and decodes typed input.
func TestNewToolSchemaAndTypedDecoding(t *testing.T) {
	var got []forecastInput
	tool := aigentic.NewTool("forecast", "Weather forecast.", func(run *aigentic.AgentRun, in forecastInput) (string, error) {
		got = append(got, in)
		if in.City == "Atlantis" {
			return "", aigentic.Recoverable(errors.New("no such city: Atlantis"))
		}
		return "sunny in " + in.City, nil
	})

	s := tool.InputSchema
	if s["type"] != "object" || s["additionalProperties"] != false {
		t.Fatalf("schema = %v", s)
	}
	props, _ := s["properties"].(map[string]any)
	city, _ := props["city"].(map[string]any)
	if city["type"] != "string" || city["description"] != "The city name" {
		t.Fatalf("city property = %v", city)
	}
	days, _ := props["days"].(map[string]any)
	if days["type"] != "integer" || days["description"] != "How many days, 1-7" {
		t.Fatalf("days property = %v", days)
	}
	if tags, _ := props["tags"].(map[string]any); tags["type"] != "array" {
		t.Fatalf("tags property = %v", tags)
	}
	if !reflect.DeepEqual(s["required"], []any{"city", "units"}) {
		t.Fatalf("required = %v, want [city units] (omitempty fields optional)", s["required"])
	}

	model := aitest.NewScripted(
		aitest.CallTools(
			aitest.Call("forecast", `{"city":"Paris","days":3,"units":"metric","tags":["x","y"],"where":{"lat":48.85,"lon":2.35}}`),
			aitest.Call("forecast", `{"city":"Atlantis","units":"metric"}`),
		),
		aitest.Reply("done"),
	)
	agent := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}
	if _, err := agent.Execute("weather?"); err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if !reflect.DeepEqual(model.Requests()[0].Tools[0].InputSchema, s) {
		t.Fatalf("the schema offered to the model differs from the tool's")
	}
	if len(got) != 2 {
		t.Fatalf("tool ran %d times", len(got))
	}
	p := got[0]
	if p.City != "Paris" || p.Days != 3 || p.Units != "metric" || !reflect.DeepEqual(p.Tags, []string{"x", "y"}) ||
		p.Where.Lat != 48.85 || p.Where.Lon != 2.35 {
		t.Fatalf("decoded input = %+v", p)
	}
	tm := toolMessages(model.Requests()[1].Messages)
	if tm[0].IsError || tm[0].Content != "sunny in Paris" {
		t.Fatalf("first result = %+v", tm[0])
	}
	// Recoverable: an error result the model sees; the run went on.
	if !tm[1].IsError || tm[1].Content != "no such city: Atlantis" {
		t.Fatalf("Recoverable result = %+v", tm[1])
	}
}

// A tool with no required argument works when the model sends empty
// arguments (some providers send "" for a call without arguments).
func TestNewToolEmptyArguments(t *testing.T) {
	type noArgs struct {
		Verbose bool `json:"verbose,omitempty"`
	}
	var ran int
	tool := aigentic.NewTool("now", "Current time.", func(run *aigentic.AgentRun, in noArgs) (string, error) {
		ran++
		return "noon", nil
	})
	for _, args := range []string{"", "  ", "{}", "null"} {
		ran = 0
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("now", args)), aitest.Reply("ok"))
		agent := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}
		if _, err := agent.Execute("time?"); err != nil {
			t.Fatal(err)
		}
		tm := toolMessages(model.Requests()[1].Messages)
		if ran != 1 || tm[0].IsError || tm[0].Content != "noon" {
			t.Errorf("arguments %q: ran %d, result %+v", args, ran, tm[0])
		}
	}
}

func TestNewToolRejectsNonStruct(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewTool[int] did not panic")
		}
	}()
	aigentic.NewTool("bad", "", func(run *aigentic.AgentRun, in int) (string, error) { return "", nil })
}

// Bad tool definitions are configuration errors, found before any call.
func TestInvalidToolDefinitions(t *testing.T) {
	ok := func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) { return ai.Text(""), nil }
	cases := map[string][]aigentic.AgentTool{
		"bad name":       {{Name: "has space", Execute: ok}},
		"empty name":     {{Name: "", Execute: ok}},
		"duplicate":      {{Name: "x", Execute: ok}, {Name: "x", Execute: ok}},
		"no execute":     {{Name: "x"}},
		"invalid schema": {{Name: "x", Execute: ok, InputSchema: map[string]any{"type": 12}}},
	}
	for name, tools := range cases {
		model := aitest.NewScripted(aitest.Reply("never"))
		_, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: tools}.Execute("hi")
		if !errors.Is(err, aigentic.ErrInvalidAgent) {
			t.Errorf("%s: err = %v, want ErrInvalidAgent", name, err)
		}
		if model.Calls() != 0 {
			t.Errorf("%s: model called", name)
		}
	}
}
