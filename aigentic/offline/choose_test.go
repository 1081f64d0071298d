package offline

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

func TestToolChoice(t *testing.T) {
	reportTool := tool("generate_report", "Generate the sales report for a period.", map[string]any{
		"period": enumP("The period.", "daily", "weekly", "monthly", "quarterly")}, "period")
	orderTool := tool("lookup_order", "Look up a customer order by its numeric ID.", map[string]any{
		"order_id": map[string]any{"type": "integer", "minimum": 1}}, "order_id")
	statusTool := tool("check_system_status", "Check the health of one component.", map[string]any{
		"component": enumP("Component.", "api", "database", "cache", "payments")}, "component")
	searchTool := tool("search_web", "Search the internet.", map[string]any{"query": strP("Search words.")}, "query")
	all := []ai.Tool{mailTool, weatherTool, calcTool, clockTool, storeTool, fetchTool, reportTool, orderTool, statusTool, searchTool}

	cases := []struct {
		name  string
		tools []ai.Tool
		ask   string
		want  []string // tool names, in call order; empty: a text answer
	}{
		{"two-part question", all, "What is 15 multiplied by 23, plus 100? Also, what time is it in New York?", []string{"calculator", "current_time"}},
		{"two-part question, other tool names", []ai.Tool{mailTool, mathTool, zoneTool, weatherTool},
			"What is 15 multiplied by 23, plus 100? Also, what time is it in New York?", []string{"mathEval", "zoneClock"}},
		{"two parts joined by and", all, "Calculate 12 times 4 and what time is it in Tokyo?", []string{"calculator", "current_time"}},
		{"symbols only select by the expression", []ai.Tool{clockTool, mathTool, mailTool}, "(4 + 5) * 2 = ?", []string{"mathEval"}},
		{"weather", all, "What's the weather like in Paris tomorrow?", []string{"get_weather"}},
		{"e-mail", all, `Email bob@example.com with subject "Lunch" saying "See you at noon".`, []string{"dispatchMail"}},
		{"remember saves, not recalls", all, "Remember that my favourite colour is blue.", []string{"store_fact"}},
		{"question recalls", all, "What is my favourite colour?", []string{"fetch_fact"}},
		{"enum value selects", all, "Generate the quarterly sales report.", []string{"generate_report"}},
		{"order lookup", all, "Where is my order 1042? It hasn't arrived yet.", []string{"lookup_order"}},
		{"status of a component", all, "Is the payments service healthy? Check the status of the payments component.", []string{"check_system_status"}},
		{"search", all, "Search the web for Go generics tutorials", []string{"search_web"}},
		{"nothing fits", all, "Tell me a joke about penguins.", nil},
		{"greeting", all, "Hello!", nil},
		{"no tools offered", nil, "What is 2 plus 2?", nil},
		{"a date is not arithmetic", []ai.Tool{calcTool}, "My birthday is on 1990-05-17.", nil},
		{"a phone number is not arithmetic", []ai.Tool{calcTool}, "Call me at 555-1234.", nil},
		{"computing is not calculating", []ai.Tool{calcTool}, "Tell me about quantum computing.", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := generate(t, user("You are a helpful assistant.", tc.ask), tc.tools...)
			got := callNames(resp)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("calls = %v, want %v (text: %q)", got, tc.want, resp.Message.Content)
			}
			if len(tc.want) == 0 && (resp.Message.Content == "" || resp.FinishReason != "stop") {
				t.Errorf("want a text answer, got %+v", resp)
			}
			for _, call := range resp.Message.ToolCalls {
				decode(t, call)
			}
		})
	}
}

func TestParallelCallIDsAreUnique(t *testing.T) {
	msgs := user("", "What is 2 plus 2? Also, what time is it in Paris?")
	resp := generate(t, msgs, calcTool, clockTool)
	if len(resp.Message.ToolCalls) != 2 {
		t.Fatalf("calls = %v", callNames(resp))
	}
	a, b := resp.Message.ToolCalls[0].ID, resp.Message.ToolCalls[1].ID
	if a == "" || a == b || !strings.HasPrefix(a, "call_") {
		t.Errorf("IDs %q and %q", a, b)
	}

	// IDs already used anywhere in the conversation are not reused.
	history := []ai.Message{
		{Role: ai.RoleUser, Content: "earlier"},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "call_3_1", Name: "calculator", Arguments: "{}"}, {ID: "call_3_2", Name: "x", Arguments: "{}"}}},
		{Role: ai.RoleTool, ToolCallID: "call_3_1", Content: "1"},
		{Role: ai.RoleTool, ToolCallID: "call_3_2", Content: "2"},
		{Role: ai.RoleAssistant, Content: "done"},
		{Role: ai.RoleUser, Content: "What is 2 plus 2? Also, what time is it in Paris?"},
	}
	// two assistant messages so far: the next turn would be 3
	resp = generate(t, history, calcTool, clockTool)
	seen := map[string]bool{"call_3_1": true, "call_3_2": true}
	for _, tc := range resp.Message.ToolCalls {
		if seen[tc.ID] {
			t.Errorf("ID %q reused", tc.ID)
		}
		seen[tc.ID] = true
	}
}

func TestCallOrderFollowsTheRequest(t *testing.T) {
	resp := generate(t, user("", "What time is it in Berlin, and what is 6 times 7?"), calcTool, clockTool)
	var names []string
	for _, tc := range resp.Message.ToolCalls {
		names = append(names, tc.Name)
	}
	if !reflect.DeepEqual(names, []string{"current_time", "calculator"}) {
		t.Errorf("calls = %v, want the clock first as the request asks", names)
	}
	sort.Strings(names)
}

func TestOneCallPerValue(t *testing.T) {
	cases := []struct {
		ask   string
		tools []ai.Tool
		want  []string // the arguments of the calls, in order
	}{
		{"What time is it in Tokyo and in London?", []ai.Tool{clockTool, weatherTool},
			[]string{`{"timezone":"Asia/Tokyo"}`, `{"timezone":"Europe/London"}`}},
		{"What is 2 + 2 and 3 * 3?", []ai.Tool{mathTool},
			[]string{`{"formula":"2 + 2"}`, `{"formula":"3 * 3"}`}},
		{"Weather in Paris and Berlin for 3 days", []ai.Tool{weatherTool, clockTool},
			[]string{`{"city":"Paris","days":3}`, `{"city":"Berlin","days":3}`}},
		{"Remember that my favourite colour is blue. Also remember that my home city is Lisbon.", []ai.Tool{weatherTool, storeTool, fetchTool},
			[]string{`{"key":"favourite colour","value":"blue"}`, `{"key":"home city","value":"Lisbon"}`}},
		// the city of the second part belongs to the clock, not the weather
		{"What's the weather in Paris and what time is it in Tokyo?", []ai.Tool{weatherTool, clockTool},
			[]string{`{"city":"Paris"}`, `{"timezone":"Asia/Tokyo"}`}},
	}
	for _, tc := range cases {
		t.Run(tc.ask, func(t *testing.T) {
			resp := generate(t, user("", tc.ask), tc.tools...)
			var got []string
			for _, call := range resp.Message.ToolCalls {
				got = append(got, call.Arguments)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("calls %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHintsAloneDoNotSelect(t *testing.T) {
	for _, ask := range []string{
		"I grew up in Lisbon.",         // a city is not a weather or clock request
		"Fahrenheit is an odd scale.",  // nor is an enum value
		"My number is 42, by the way.", // nor a number
	} {
		resp := generate(t, user("", ask), weatherTool, clockTool)
		if len(resp.Message.ToolCalls) != 0 {
			t.Errorf("%q: calls %v, want none", ask, callNames(resp))
		}
	}
}
