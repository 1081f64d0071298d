package offline

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

func TestFinalAnswerQuotesResults(t *testing.T) {
	tools := []ai.Tool{calcTool, clockTool, weatherTool}
	ask := "What is 15 multiplied by 23, plus 100? Also, what time is it in New York?"
	answer, turns, _ := run(t, user("", ask), tools, func(tc ai.ToolCall) (string, bool) {
		switch tc.Name {
		case "calculator":
			return "445", false
		case "current_time":
			return "Tuesday 09:41 EST", false
		}
		return "unexpected tool", true
	})
	if len(turns) != 1 || len(turns[0]) != 2 {
		t.Fatalf("turns = %v: want one turn of two calls", turns)
	}
	for _, want := range []string{"445", "Tuesday 09:41 EST", "calculator", "current_time"} {
		if !strings.Contains(answer.Message.Content, want) {
			t.Errorf("answer lacks %q:\n%s", want, answer.Message.Content)
		}
	}
	if answer.FinishReason != "stop" || len(answer.Message.ToolCalls) != 0 {
		t.Errorf("final response %+v", answer)
	}
}

func TestFinalAnswerReportsToolErrors(t *testing.T) {
	tools := []ai.Tool{calcTool, clockTool}
	answer, _, _ := run(t, user("", "What is 6 times 7? Also, what time is it in Paris?"), tools, func(tc ai.ToolCall) (string, bool) {
		if tc.Name == "current_time" {
			return "zone database unavailable", true
		}
		return "42", false
	})
	text := answer.Message.Content
	for _, want := range []string{`current_time tool failed: "zone database unavailable"`, "42", "did succeed"} {
		if !strings.Contains(text, want) {
			t.Errorf("answer lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "failed") > strings.Index(text, "42") {
		t.Errorf("the failure should come first:\n%s", text)
	}

	t.Run("every tool failed", func(t *testing.T) {
		answer, _, _ := run(t, user("", "What is 6 times 7?"), []ai.Tool{calcTool}, func(ai.ToolCall) (string, bool) {
			return "division by zero", true
		})
		text := answer.Message.Content
		if !strings.Contains(text, `"division by zero"`) || !strings.Contains(text, "cannot answer") {
			t.Errorf("answer:\n%s", text)
		}
	})
}

func TestFollowUpPollsWhileAToolAsksToCheckAgain(t *testing.T) {
	report := tool("build_report", "Build a report about a topic; it takes a while.", map[string]any{"topic": strP("Topic.")}, "topic")
	cases := []struct {
		name    string
		replies []string
		isError bool
		calls   int
		want    string
	}{
		{"finishes on the third check", []string{"Still processing, check again in a moment.", "In progress (60%).", "Report: sales rose 8%."}, false, 3, "Report: sales rose 8%."},
		{"pending then done", []string{"Status: pending", "Done: 12 rows."}, false, 2, "Done: 12 rows."},
		{"never finishes: bounded", []string{"still processing"}, false, maxRepeats, "still not finished after 5 attempts"},
		{"error asking to retry later", []string{"Service busy, try again later.", "Report ready."}, true, 2, "Report ready."},
		{"plain error with try again", []string{"Invalid topic, try again."}, true, 1, `failed: "Invalid topic, try again."`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			answer, turns, _ := run(t, user("", "Build a report about solar panels"), []ai.Tool{report}, func(call ai.ToolCall) (string, bool) {
				reply := tc.replies[min(n, len(tc.replies)-1)]
				n++
				return reply, tc.isError && n < len(tc.replies) || tc.isError && len(tc.replies) == 1
			})
			if len(turns) != tc.calls {
				t.Fatalf("%d turns, want %d", len(turns), tc.calls)
			}
			first := turns[0][0]
			for _, turn := range turns[1:] {
				if len(turn) != 1 || turn[0].Name != first.Name || turn[0].Arguments != first.Arguments || turn[0].ID == first.ID {
					t.Errorf("re-call %+v differs from the first call %+v", turn, first)
				}
			}
			if !strings.Contains(answer.Message.Content, tc.want) {
				t.Errorf("answer lacks %q:\n%s", tc.want, answer.Message.Content)
			}
		})
	}
}

func TestPipelineOfSingleInputTools(t *testing.T) {
	investigator := tool("investigator", "Delegate a task to the investigator agent and get its answer.", map[string]any{"input": strP("The task.")}, "input")
	composer := tool("composer", "Delegate a task to the composer agent and get its answer.", map[string]any{"input": strP("The task.")}, "input")
	tools := []ai.Tool{composer, investigator} // offered in the "wrong" order on purpose

	cases := []struct {
		ask   string
		order []string
	}{
		{"Investigate the history of tea, then compose a short poem about it.", []string{"investigator", "composer"}},
		{"Compose a limerick about cats and then investigate whether cats like it.", []string{"composer", "investigator"}},
	}
	for _, tc := range cases {
		t.Run(tc.order[0]+" first", func(t *testing.T) {
			var inputs []string
			answer, turns, _ := run(t, user("You coordinate a team.", tc.ask), tools, func(call ai.ToolCall) (string, bool) {
				var in struct{ Input string }
				in.Input = decode(t, call)["input"].(string)
				inputs = append(inputs, in.Input)
				return "RESULT-OF-" + strings.ToUpper(call.Name), false
			})
			if len(turns) != 2 || len(turns[0]) != 1 || len(turns[1]) != 1 {
				t.Fatalf("turns = %v: want one call per turn", turns)
			}
			if turns[0][0].Name != tc.order[0] || turns[1][0].Name != tc.order[1] {
				t.Fatalf("order = %s, %s; want %v", turns[0][0].Name, turns[1][0].Name, tc.order)
			}
			if !strings.Contains(inputs[0], tc.ask) {
				t.Errorf("first input %q lacks the request", inputs[0])
			}
			if !strings.Contains(inputs[1], tc.ask) || !strings.Contains(inputs[1], "RESULT-OF-"+strings.ToUpper(tc.order[0])) {
				t.Errorf("second input %q lacks the request or the first result", inputs[1])
			}
			for _, want := range []string{"RESULT-OF-INVESTIGATOR", "RESULT-OF-COMPOSER"} {
				if !strings.Contains(answer.Message.Content, want) {
					t.Errorf("answer lacks %q:\n%s", want, answer.Message.Content)
				}
			}
		})
	}

	t.Run("a failing step stops the pipeline", func(t *testing.T) {
		answer, turns, _ := run(t, user("", cases[0].ask), tools, func(call ai.ToolCall) (string, bool) {
			return "no sources reachable", true
		})
		if len(turns) != 1 {
			t.Fatalf("turns = %v, want the pipeline to stop after the failure", turns)
		}
		if !strings.Contains(answer.Message.Content, `investigator tool failed: "no sources reachable"`) {
			t.Errorf("answer:\n%s", answer.Message.Content)
		}
	})
}

func TestAnswersWithoutTools(t *testing.T) {
	cases := []struct {
		name   string
		msgs   []ai.Message
		tools  []ai.Tool
		want   []string
		forbid []string
	}{
		{"role from the instructions", user("You are a travel planner who loves detail.", "Plan a weekend in Rome with museums and good food."), nil,
			[]string{"As a travel planner,", "Plan a weekend in Rome", "- Museums", "- Good food", "no outside knowledge"}, nil},
		{"no role", user("", "Draft an agenda for the Monday meeting about hiring"), nil,
			[]string{"Task: Draft an agenda for the Monday meeting about hiring", "- Hiring"}, []string{"As "}},
		{"material is quoted, not invented", user("You are the writer of a small team.",
			"Write a short summary for the team.\n\nResult from researcher:\n- Cancelling the session stops the run.\n- Limits bound every run."), nil,
			[]string{"As the writer of a small team,", "- Cancelling the session stops the run.", "- Limits bound every run."}, []string{"Result from"}},
		{"greeting", user("You are a friendly concierge.", "Hello!"), []ai.Tool{calcTool}, []string{"Hello! I am a friendly concierge."}, []string{"Key points"}},
		{"question no tool fits", user("", "Who won the 1998 World Cup?"), []ai.Tool{calcTool, clockTool},
			[]string{"no outside knowledge"}, []string{"France"}},
		{"recall from the conversation", []ai.Message{
			{Role: ai.RoleUser, Content: "My favourite colour is green."},
			{Role: ai.RoleAssistant, Content: "Noted."},
			{Role: ai.RoleUser, Content: "What is my favourite colour?"},
		}, nil, []string{"You told me earlier that your favourite colour is green."}, nil},
		{"ask for a missing value", user("", "What time is it?"), []ai.Tool{clockTool},
			[]string{"current_time", "timezone"}, nil},
		{"empty user message", user("You are a tutor.", "   "), nil, []string{"As a tutor, I am ready to help"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := generate(t, tc.msgs, tc.tools...)
			if len(resp.Message.ToolCalls) != 0 || resp.FinishReason != "stop" {
				t.Fatalf("want a text answer, got calls %v", callNames(resp))
			}
			for _, w := range tc.want {
				if !strings.Contains(resp.Message.Content, w) {
					t.Errorf("answer lacks %q:\n%s", w, resp.Message.Content)
				}
			}
			for _, f := range tc.forbid {
				if strings.Contains(resp.Message.Content, f) {
					t.Errorf("answer contains %q:\n%s", f, resp.Message.Content)
				}
			}
		})
	}
}

func TestMalformedInput(t *testing.T) {
	t.Run("empty conversation", func(t *testing.T) {
		_, err := NewModel().Generate(context.Background(), ai.Request{})
		var me *ai.ModelError
		if !errors.As(err, &me) || !errors.Is(err, ai.ErrPermanent) || me.Provider != "offline" {
			t.Errorf("err = %v, want a permanent *ai.ModelError", err)
		}
	})

	oddTools := []ai.Tool{
		{Name: "nil_schema", Description: "Has no schema at all."},
		{Name: "string_schema", InputSchema: map[string]any{"type": "string"}},
		{Name: "bad_properties", InputSchema: map[string]any{"type": "object", "properties": []any{"x"}, "required": "x"}},
		{Name: "odd_props", Description: "Odd property shapes.", InputSchema: map[string]any{"type": "object",
			"properties": map[string]any{
				"a": "not a map", "b": nil, "c": map[string]any{"type": 42, "enum": "nope"},
				"d": map[string]any{"type": []any{"null", "integer"}, "minimum": "low"},
				"e": map[string]any{"anyOf": []any{map[string]any{"type": "null"}, map[string]any{"type": "number"}}},
				"f": map[string]any{"type": "array", "items": []any{"tuple"}},
				"g": map[string]any{"enum": []any{1.0, "two", true, nil}},
				"h": map[string]any{"type": "object", "properties": map[string]any{"deep": map[string]any{"type": "string"}}},
				"i": map[string]any{"weird": func() {}, "chan": make(chan int)},
			},
			"required": []any{"a", 7, "zz", "h"},
		}},
		{Name: "", Description: "nameless"},
		calcTool, calcTool, // a duplicate
	}
	cases := []struct {
		name string
		msgs []ai.Message
	}{
		{"only a system message", []ai.Message{{Role: ai.RoleSystem, Content: "You are terse."}}},
		{"only an assistant message", []ai.Message{{Role: ai.RoleAssistant, Content: "hello"}}},
		{"tool result without a call", []ai.Message{{Role: ai.RoleUser, Content: "Any news?"}, {Role: ai.RoleTool, Content: "orphan result"}}},
		{"tool result with an unknown call ID", []ai.Message{{Role: ai.RoleUser, Content: "x"}, {Role: ai.RoleTool, ToolCallID: "nope", Name: "ghost", Content: "boo", IsError: true}}},
		{"call without a result", []ai.Message{{Role: ai.RoleUser, Content: "What is 2 plus 2?"},
			{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c1", Name: "calculator", Arguments: `{"expression":"2 + 2"}`}}}}},
		{"malformed arguments being polled", []ai.Message{{Role: ai.RoleUser, Content: "Run odd props"},
			{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c1", Name: "odd_props", Arguments: `{not json`}}},
			{Role: ai.RoleTool, ToolCallID: "c1", Name: "odd_props", Content: "still processing"}}},
		{"every tool, odd request", user("", "odd props nil schema string schema bad properties 3 x 4 \"q\" a@b.co 'x' é ü 🚀")},
		{"unicode and punctuation", user("", "¿Qué hora es en Tokio? — «bonjour» … ‘quoted’ “double”")},
		{"huge numbers", user("", "What is 99999999999999999999999 times 1e400?")},
		{"deep parentheses", user("", "What is "+strings.Repeat("(", 200)+"1"+strings.Repeat(")", 200)+" + 1?")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := NewModel().Generate(context.Background(), ai.Request{Messages: tc.msgs, Tools: oddTools})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if resp.Message.Content == "" && len(resp.Message.ToolCalls) == 0 {
				t.Fatalf("empty response")
			}
			for _, call := range resp.Message.ToolCalls {
				decode(t, call)
				if call.Name == "" {
					t.Errorf("call without a name")
				}
			}
		})
	}

	t.Run("orphan results are reported", func(t *testing.T) {
		resp := generate(t, []ai.Message{{Role: ai.RoleUser, Content: "Any news?"},
			{Role: ai.RoleTool, Name: "news_feed", Content: "Markets closed higher."}})
		if !strings.Contains(resp.Message.Content, "Markets closed higher.") || !strings.Contains(resp.Message.Content, "news_feed") {
			t.Errorf("answer:\n%s", resp.Message.Content)
		}
	})

	t.Run("malformed arguments are not sent again", func(t *testing.T) {
		resp := generate(t, cases[5].msgs, oddTools...)
		if len(resp.Message.ToolCalls) != 0 || !strings.Contains(resp.Message.Content, "still processing") {
			t.Errorf("response = %+v", resp.Message)
		}
	})
}
