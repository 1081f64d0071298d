package offline

import (
	"math"
	"reflect"
	"testing"

	"github.com/expr-lang/expr"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// only calls the model with one tool and returns the arguments of its one
// call.
func only(t *testing.T, tl ai.Tool, ask string) map[string]any {
	t.Helper()
	resp := generate(t, user("", ask), tl)
	if len(resp.Message.ToolCalls) != 1 {
		t.Fatalf("%q: calls = %v, want one call of %s (text: %q)", ask, callNames(resp), tl.Name, resp.Message.Content)
	}
	return decode(t, resp.Message.ToolCalls[0])
}

// eval computes an arithmetic expression with expr-lang.
func eval(t *testing.T, expression string) float64 {
	t.Helper()
	out, err := expr.Eval(expression, nil)
	if err != nil {
		t.Fatalf("expr cannot evaluate %q: %v", expression, err)
	}
	switch v := out.(type) {
	case int:
		return float64(v)
	case float64:
		return v
	}
	t.Fatalf("expr gave %T for %q", out, expression)
	return 0
}

func TestExpressionArguments(t *testing.T) {
	cases := []struct {
		ask  string
		want float64
	}{
		{"What is 15 multiplied by 23, plus 100?", 445},
		{"What is 2 plus 3, times 4?", 20},
		{"what's 2 plus 3 times 4", 14},
		{"What is 100 divided by 4?", 25},
		{"Compute 7 squared", 49},
		{"Please subtract 3 from 10.", 7},
		{"Evaluate (4 + 5) * 2", 18},
		{"What is the sum of 12 and 30?", 42},
		{"twenty three times two?", 46},
		{"What is 2 to the power of 10?", 1024},
		{"What's the square root of 16?", 4},
		{"10 - 3 - 2 = ?", 5},
		{"How much is 3 x 4?", 12},
		{"Multiply 6 by 7, then add 1.", 43},
		{"What is 20% of 50?", 10},
		{"What is 1,000 minus 1?", 999},
		{"Calculate 2.5 times 4", 10},
		{"What is 9 - -1?", 10},
		{"What is (2 + 3) squared?", 25},
	}
	for _, tool := range []ai.Tool{calcTool, mathTool} {
		prop := "expression"
		if tool.Name == "mathEval" {
			prop = "formula"
		}
		for _, tc := range cases {
			t.Run(tool.Name+"/"+tc.ask, func(t *testing.T) {
				args := only(t, tool, tc.ask)
				s, ok := args[prop].(string)
				if !ok || len(args) != 1 {
					t.Fatalf("arguments %v: want only a string %q", args, prop)
				}
				if got := eval(t, s); math.Abs(got-tc.want) > 1e-9 {
					t.Errorf("%q → %q = %v, want %v", tc.ask, s, got, tc.want)
				}
			})
		}
	}
	t.Run("spec phrasing", func(t *testing.T) {
		args := only(t, calcTool, "What is 15 multiplied by 23, plus 100? Also, what time is it in New York?")
		if args["expression"] != "15 * 23 + 100" {
			t.Errorf("expression = %q, want \"15 * 23 + 100\"", args["expression"])
		}
	})
}

func TestTimeZoneArguments(t *testing.T) {
	cases := []struct{ ask, want string }{
		{"What time is it in New York?", "America/New_York"},
		{"what time is it in new york city", "America/New_York"},
		{"Current time in Tokyo please", "Asia/Tokyo"},
		{"What's the time in London right now?", "Europe/London"},
		{"Time in São Paulo?", "America/Sao_Paulo"},
		{"What time is it in Europe/Berlin?", "Europe/Berlin"},
		{"Give me the time in UTC", "UTC"},
		{"What time is it in Sydney, Australia?", "Australia/Sydney"},
		{"time in America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"},
	}
	for _, tc := range cases {
		t.Run(tc.ask, func(t *testing.T) {
			if got := only(t, clockTool, tc.ask)["timezone"]; got != tc.want {
				t.Errorf("timezone = %v, want %s", got, tc.want)
			}
			// a "location" property of a clock tool is a zone too
			if got := only(t, zoneTool, tc.ask)["location"]; got != tc.want {
				t.Errorf("zoneClock location = %v, want %s", got, tc.want)
			}
		})
	}
}

func TestNumberEnumAndPlaceArguments(t *testing.T) {
	convert := tool("convert_temperature", "Convert a temperature between units.", map[string]any{
		"value": typeP("number", "The temperature."), "to_unit": enumP("Target unit.", "celsius", "fahrenheit", "kelvin"),
	}, "value", "to_unit")
	ticket := tool("open_ticket", "Open a support ticket.", map[string]any{
		"title":    strP("Short title."),
		"priority": enumP("Priority.", "low", "normal", "very_high"),
		"count":    map[string]any{"type": "integer", "minimum": 1, "maximum": 10},
	}, "title", "priority")
	cases := []struct {
		name string
		tool ai.Tool
		ask  string
		want map[string]any
	}{
		{"integer, place and enum", weatherTool, "What's the weather in Paris for the next 3 days in Fahrenheit?",
			map[string]any{"city": "Paris", "days": float64(3), "unit": "fahrenheit"}},
		{"number words", weatherTool, "Weather forecast for Reykjavik for five days",
			map[string]any{"city": "Reykjavik", "days": float64(5)}},
		{"place not in the table", weatherTool, "What's the weather in Springfield?", map[string]any{"city": "Springfield"}},
		{"decimal number", convert, "Convert 21.5 degrees to kelvin", map[string]any{"value": 21.5, "to_unit": "kelvin"}},
		{"enum with underscores, quoted title by keyword", ticket, `Open a ticket titled "Printer broken" with very high priority`,
			map[string]any{"title": "Printer broken", "priority": "very_high"}},
		{"number bounded by the schema", ticket, `Open 3 tickets titled "Login fails", priority low, 250 users affected`,
			map[string]any{"title": "Login fails", "priority": "low", "count": float64(3)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := only(t, tc.tool, tc.ask); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("arguments = %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("integer vs number typing in JSON", func(t *testing.T) {
		resp := generate(t, user("", "Weather in Oslo for 2 days"), weatherTool)
		if got := resp.Message.ToolCalls[0].Arguments; got != `{"city":"Oslo","days":2}` {
			t.Errorf("arguments = %s", got)
		}
		resp = generate(t, user("", "Convert 20 degrees to fahrenheit"), convert)
		if got := resp.Message.ToolCalls[0].Arguments; got != `{"to_unit":"fahrenheit","value":20}` {
			t.Errorf("arguments = %s", got)
		}
		wide := tool("round_number", "Round a number.", map[string]any{"n": typeP("integer", "")}, "n")
		resp = generate(t, user("", "Round number 7.6"), wide)
		if got := resp.Message.ToolCalls[0].Arguments; got != `{"n":8}` {
			t.Errorf("integer from 7.6 = %s, want 8", got)
		}
	})
}

func TestEmailAndQuotedArguments(t *testing.T) {
	cases := []struct {
		name, ask string
		want      map[string]any
	}{
		{"subject then body", `Email bob@example.com with subject "Lunch" saying "See you at noon".`,
			map[string]any{"recipient": "bob@example.com", "subject": "Lunch", "body": "See you at noon"}},
		{"body then subject", `Send a mail to carol.smith@example.org saying “The Q3 report is ready.” with the subject 'Q3 report'`,
			map[string]any{"recipient": "carol.smith@example.org", "subject": "Q3 report", "body": "The Q3 report is ready."}},
		{"keyword with a colon", `mail dan@example.net, subject: "Hi", body: "Call me back"`,
			map[string]any{"recipient": "dan@example.net", "subject": "Hi", "body": "Call me back"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := only(t, mailTool, tc.ask); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("arguments = %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("to and from by keyword", func(t *testing.T) {
		fwd := tool("forward_message", "Forward an email.", map[string]any{
			"from": strP("Sender email address."), "to": strP("Recipient email address."),
		}, "to")
		got := only(t, fwd, "Forward the email from ann@example.com to bo@example.com")
		want := map[string]any{"from": "ann@example.com", "to": "bo@example.com"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("arguments = %v, want %v", got, want)
		}
	})
}

func TestKeyValueArguments(t *testing.T) {
	cases := []struct{ ask, key, value string }{
		{"Remember that my favourite colour is blue.", "favourite colour", "blue"},
		{"Please remember: home city = Lisbon", "home city", "Lisbon"},
		{"Store this — shoe size: 42", "shoe size", "42"},
		{"Save 42 as the answer", "answer", "42"},
		{"Set my nickname to Ace", "nickname", "Ace"},
		{"Note that my dog's name is Rex!", "dog's name", "Rex"},
	}
	for _, tc := range cases {
		t.Run(tc.ask, func(t *testing.T) {
			got := only(t, storeTool, tc.ask)
			if want := map[string]any{"key": tc.key, "value": tc.value}; !reflect.DeepEqual(got, want) {
				t.Errorf("arguments = %v, want %v", got, want)
			}
		})
	}
	t.Run("name alone for a recall tool", func(t *testing.T) {
		for _, ask := range []string{"What is my favourite colour?", "What's my favourite colour", "Recall my favourite colour"} {
			if got := only(t, fetchTool, ask)["key"]; got != "favourite colour" {
				t.Errorf("%q: key = %v", ask, got)
			}
		}
	})
}

func TestFreeTextAndBooleanArguments(t *testing.T) {
	search := tool("search_web", "Search the internet.", map[string]any{"query": strP("Search words.")}, "query")
	task := tool("summarizer", "Summarize a text.", map[string]any{"input": strP("The text or task.")}, "input")
	notes := tool("search_notes", "Search the notes.", map[string]any{
		"query": strP("Words to look for."), "include_archived": typeP("boolean", "Also search archived notes."),
	}, "query")
	cases := []struct {
		name string
		tool ai.Tool
		ask  string
		want map[string]any
	}{
		{"focused query", search, "Search the web for Go generics tutorials", map[string]any{"query": "Go generics tutorials"}},
		{"query after a question", notes, "What do our notes say about cancellation?", map[string]any{"query": "cancellation"}},
		{"whole request without politeness", task, "Hi! Could you please summarize the plot of Hamlet in three lines?",
			map[string]any{"input": "Summarize the plot of Hamlet in three lines?"}},
		{"quoted text wins for a single text property", task, `Summarize "The quick brown fox jumps over the lazy dog"`,
			map[string]any{"input": "The quick brown fox jumps over the lazy dog"}},
		{"boolean mentioned", notes, "Search notes for budget including archived ones", map[string]any{"query": "budget", "include_archived": true}},
		{"boolean negated", notes, "Search notes for budget, not archived", map[string]any{"query": "budget", "include_archived": false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := only(t, tc.tool, tc.ask); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("arguments = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestOnlySchemaPropertiesAreEmitted(t *testing.T) {
	odd := tool("book_table", "Book a restaurant table.", map[string]any{
		"guests":   typeP("integer", "How many people."),
		"city":     strP("City."),
		"vip":      typeP("boolean", "VIP table."),
		"tags":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"optional": map[string]any{"type": []any{"string", "null"}, "description": "A nullable field."},
	}, "guests", "city")
	args := only(t, odd, `Book a table for 4 guests in Rome, tags "window" and "quiet"`)
	allowed := map[string]bool{"guests": true, "city": true, "vip": true, "tags": true, "optional": true}
	for k := range args {
		if !allowed[k] {
			t.Errorf("argument %q is not in the schema", k)
		}
	}
	if args["guests"] != float64(4) || args["city"] != "Rome" {
		t.Errorf("arguments = %v", args)
	}
	if tags, _ := args["tags"].([]any); !reflect.DeepEqual(tags, []any{"window", "quiet"}) {
		t.Errorf("tags = %v", args["tags"])
	}
}
