package offline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// results answers every call with the text of its tool's entry; a missing
// entry is an error result.
func results(byTool map[string]string) executor {
	return func(tc ai.ToolCall) (string, bool) {
		out, ok := byTool[tc.Name]
		if !ok {
			return "unknown SKU: not in the catalogue", true
		}
		return out, false
	}
}

func TestAnswerFromToolResults(t *testing.T) {
	cases := []struct {
		name  string
		msg   string
		tools []ai.Tool
		exec  executor
		want  string
	}{
		{"one result", "How many units of ABC-123 are in stock?", []ai.Tool{stockTool},
			results(map[string]string{"check_stock": "42 units in stock"}),
			`The check_stock tool (sku: "ABC-123") returned: 42 units in stock`},
		{"a result of several lines", "How many units of ABC-123 are in stock?", []ai.Tool{stockTool},
			results(map[string]string{"check_stock": "Lisbon: 40\nPorto: 2"}),
			"The check_stock tool (sku: \"ABC-123\") returned: Lisbon: 40\nPorto: 2"},
		{"two tools", "How many units of XYZ-900 are in stock? Also convert 20 USD to EUR.", []ai.Tool{stockTool, fxTool},
			results(map[string]string{"check_stock": "7 units", "convert_currency": "18.40 EUR"}),
			"Here is what I found:\n- check_stock (sku: \"XYZ-900\"): 7 units\n- convert_currency (amount: 20, from: \"USD\", to: \"EUR\"): 18.40 EUR"},
		{"a second tool lacking a value asks after the first one's result", "How many units of XYZ-900 are in stock? Also convert USD to EUR.",
			[]ai.Tool{stockTool, fxTool}, results(map[string]string{"check_stock": "7 units"}),
			"The check_stock tool (sku: \"XYZ-900\") returned: 7 units\n\nTo use the convert_currency tool I need the amount. Please tell me the amount."},
		{"an error result", "How many units of ABC-123 are in stock?", []ai.Tool{stockTool}, results(nil),
			"The check_stock tool failed: \"unknown SKU: not in the catalogue\"\nNo tool gave me a usable result, so I cannot answer your request reliably."},
		{"one fails, one succeeds", "How many units of XYZ-900 are in stock? Also convert 20 USD to EUR.", []ai.Tool{stockTool, fxTool},
			results(map[string]string{"convert_currency": "18.40 EUR"}),
			"The check_stock tool failed: \"unknown SKU: not in the catalogue\"\nHere is what I found:\n- convert_currency (amount: 20, from: \"USD\", to: \"EUR\"): 18.40 EUR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, turns := drive(t, ai.Request{Messages: user("", c.msg), Tools: c.tools}, c.exec)
			if len(turns) != 1 {
				t.Fatalf("%d tool turns, want 1: %v", len(turns), turns)
			}
			if resp.Message.Content != c.want {
				t.Errorf("answer:\n%s\nwant:\n%s", resp.Message.Content, c.want)
			}
		})
	}
}

// After its answer, or after results that ask to be checked again, the
// model does not call tools again: it never loops.
func TestNeverCallsToolsAfterResults(t *testing.T) {
	msgs := append(user("", "How many units of ABC-123 are in stock?"),
		ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c1", Name: "check_stock", Arguments: `{"sku":"ABC-123"}`}}},
		ai.Message{Role: ai.RoleTool, ToolCallID: "c1", Name: "check_stock", Content: "Still counting, check again in a minute."})
	resp := generate(t, msgs, stockTool)
	if len(resp.Message.ToolCalls) != 0 || !strings.Contains(resp.Message.Content, "Still counting") {
		t.Fatalf("after a result: %+v", resp.Message)
	}
	resp = generate(t, append(msgs, resp.Message), stockTool)
	if len(resp.Message.ToolCalls) != 0 {
		t.Fatalf("after its own answer the model called %v", resp.Message.ToolCalls)
	}
}

// Sub-agents ({"input": ...} tools) named in order run one after the
// other, the second getting the first one's result; the answer is the
// last one's text. A failure stops the chain.
func TestSubAgentPipeline(t *testing.T) {
	input := map[string]any{"input": s("The task or question for the agent, with the context it needs.")}
	researcher := tool("researcher", "Research a topic and report the facts found.", input, "input")
	writer := tool("writer", "Write a short, clear text from the facts it is given.", input, "input")
	const msg = "Research tidal power, then write a summary."
	var inputs []string
	exec := func(tc ai.ToolCall) (string, bool) {
		inputs = append(inputs, tc.Arguments)
		if tc.Name == "researcher" {
			return "Tidal power uses the tides.", false
		}
		return "Summary: tides make power.", false
	}
	resp, turns := drive(t, ai.Request{Messages: user("", msg), Tools: []ai.Tool{writer, researcher}}, exec)
	if len(turns) != 2 || turns[0][0].Name != "researcher" || turns[1][0].Name != "writer" {
		t.Fatalf("turns = %v, want researcher then writer", turns)
	}
	if inputs[0] != `{"input":"Research tidal power"}` || !strings.Contains(inputs[1], `Result from researcher:\nTidal power uses the tides.`) {
		t.Errorf("inputs = %q", inputs)
	}
	if resp.Message.Content != "Summary: tides make power." {
		t.Errorf("answer = %q", resp.Message.Content)
	}

	failing := func(tc ai.ToolCall) (string, bool) { return "model overloaded", true }
	resp, turns = drive(t, ai.Request{Messages: user("", msg), Tools: []ai.Tool{writer, researcher}}, failing)
	if len(turns) != 1 || !strings.HasPrefix(resp.Message.Content, `The researcher tool failed: "model overloaded"`) {
		t.Errorf("after a failure: turns %v, answer %q", turns, resp.Message.Content)
	}
}

// The writer sub-agent itself has no tools: it restates the material it
// was handed, adding nothing.
func TestPlainAnswers(t *testing.T) {
	cases := []struct{ msg, want string }{
		{"", "I did not receive a question or a task. What would you like me to do?"},
		{"Write a summary.\n\nResult from researcher:\n- Tides rise twice a day.\n- The Rance plant opened in 1966.",
			"Here is what the material I was given says, restated without additions:\n- Tides rise twice a day.\n- The Rance plant opened in 1966."},
		{"Tell me a joke.", `I am the built-in offline model: I answer by calling tools, and I was given no tools for this request ("Tell me a joke."). I have no knowledge of my own to answer it with.`},
	}
	for _, c := range cases {
		if got := generate(t, user("You are a writer.", c.msg)).Message.Content; got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.msg, got, c.want)
		}
	}
}

func TestAskNamesWhatIsMissing(t *testing.T) {
	got := generate(t, user("", "Set the thermostat, please."), thermoTool).Message.Content
	want := `To use the set_thermostat tool I need the mode (enum ["heat","cool","fan_only"]) and the target_c (Target in degrees Celsius; minimum 10; maximum 30). Please tell me the mode and the target_c.`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// Call IDs never repeat an ID already in the conversation.
func TestCallIDsAreUnique(t *testing.T) {
	msgs := []ai.Message{
		{Role: ai.RoleUser, Content: "Check stock for ABC-123 and XYZ-900."},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "call_1_1", Name: "x"}, {ID: "call_2_2", Name: "x"}}},
		{Role: ai.RoleTool, ToolCallID: "call_1_1", Content: "?"},
		{Role: ai.RoleAssistant, Content: "Sorry."},
		{Role: ai.RoleUser, Content: "Check stock for ABC-123 and XYZ-900."},
	}
	calls := generate(t, msgs, stockTool).Message.ToolCalls
	if len(calls) != 2 || calls[0].ID != "call_3_1" || calls[1].ID != "call_3_2" {
		t.Errorf("calls = %+v", calls)
	}
}

// Bad requests get a clear error or a plain answer, never a panic.
func TestMalformedInput(t *testing.T) {
	_, err := NewModel().Generate(context.Background(), ai.Request{})
	var me *ai.ModelError
	if !errors.As(err, &me) || !errors.Is(err, ai.ErrPermanent) {
		t.Errorf("no messages: %v", err)
	}
	odd := []ai.Tool{
		{Name: ""},
		{Name: "nil_schema"},
		{Name: "nil_schema"},
		{Name: "odd", InputSchema: map[string]any{"type": "object", "properties": "nope", "required": 7}},
		{Name: "bad_pattern", InputSchema: map[string]any{"type": "object", "properties": map[string]any{
			"x": map[string]any{"type": "string", "pattern": "([", "minLength": "3"}}, "required": []string{"x"}}},
	}
	for _, msg := range []string{"nil schema please", "odd", "bad pattern x", "", "\"unclosed 'quote"} {
		resp := generate(t, []ai.Message{{Role: ai.RoleTool, Content: "orphan"}, {Role: ai.RoleUser, Content: msg}}, odd...)
		for _, tc := range resp.Message.ToolCalls {
			if tc.Name == "" || tc.ID == "" {
				t.Errorf("%q: call %+v", msg, tc)
			}
		}
	}
}

// The note package window puts before the first user message it keeps —
// how many earlier messages were left out, and their summary delimited as
// data (window/compact.go, prefix) — is context, not the user's words: the
// model fills the tool's arguments from the question after it, never from
// the note's count or the summary's order numbers.
func TestWindowNoteIsNotTheQuestion(t *testing.T) {
	const q = "How many units of ABC-123 are in stock?"
	summary := "[12 earlier messages of this conversation were left out to fit the model's context window. A summary of them:]\n" +
		untrusted.Delimit("conversation-summary", "The user asked about XYZ-900 and DEF-456.\n\nBoth were in stock.") + "\n\n"
	for name, note := range map[string]string{
		"note":         "[12 earlier messages of this conversation were left out to fit the model's context window.]\n\n",
		"with summary": summary,
	} {
		t.Run(name, func(t *testing.T) {
			resp := generate(t, user("", note+q), stockTool)
			if calls := resp.Message.ToolCalls; len(calls) != 1 || calls[0].Arguments != `{"sku":"ABC-123"}` {
				t.Fatalf("calls %+v; want check_stock with ABC-123", calls)
			}
		})
	}
}

// A tool schema whose $ref names a file is never read: what the file
// holds cannot steer the model (a schema that does not compile checks
// nothing, so the SKU in the question is used as it is).
func TestSchemaRefToAFileIsNotRead(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(file, []byte(`{"type":"string","const":"SECRET-FROM-FILE"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tl := tool("check_stock", "Look up stock for a product", map[string]any{"sku": map[string]any{"$ref": "file://" + file, "description": "the product SKU, like ABC-123"}}, "sku")
	resp := generate(t, user("", "How many units of ABC-123 are in stock?"), tl)
	if calls := resp.Message.ToolCalls; len(calls) != 1 || calls[0].Arguments != `{"sku":"ABC-123"}` {
		t.Fatalf("the file steered the model: %s", fmt.Sprint(resp.Message))
	}
}

// A reply to the model's own question is read with the request it asked about: the tool is called with the request's
// values and the reply's, in as many rounds as it takes. A reply that is a request of its own is read alone.
func TestReplyToItsQuestion(t *testing.T) {
	converse := func(t *testing.T, tools []ai.Tool, said ...string) *ai.Response {
		t.Helper()
		var msgs []ai.Message
		var resp *ai.Response
		for i, text := range said {
			if msgs = append(msgs, ai.Message{Role: ai.RoleUser, Content: text}); i < len(said)-1 {
				if resp = generate(t, msgs, tools...); len(resp.Message.ToolCalls) > 0 || !strings.HasPrefix(resp.Message.Content, "To use the ") {
					t.Fatalf("after %q: %+v, want a question", text, resp.Message)
				}
				msgs = append(msgs, resp.Message)
			}
		}
		return generate(t, msgs, tools...)
	}
	cases := []struct {
		name  string
		tools []ai.Tool
		said  []string
		calls []wantCall
		says  string // with no call, the answer contains it
	}{
		{"the amount asked for", []ai.Tool{refundIDTool}, []string{"Refund order #1042.", "$25"},
			[]wantCall{{"refund_order", `{"amount":25,"order_id":"#1042"}`}}, ""},
		{"the reply's value joins the request's among other tools", []ai.Tool{stockTool, refundIDTool}, []string{"Refund order #1042.", "25 dollars, please"},
			[]wantCall{{"refund_order", `{"amount":25,"order_id":"#1042"}`}}, ""},
		{"two questions, two replies", []ai.Tool{thermoTool}, []string{"Set the thermostat, please.", "cool", "21 degrees"},
			[]wantCall{{"set_thermostat", `{"mode":"cool","target_c":21}`}}, ""},
		{"a reply that is a request of its own", []ai.Tool{refundIDTool, forecastTool}, []string{"Refund order #1042.", "What is the weather in Paris for 3 days?"},
			[]wantCall{{"get_weather", `{"city":"Paris"}`}}, ""},
		{"a reply that takes the request back", []ai.Tool{refundIDTool}, []string{"Refund order #1042.", "Actually, don't refund it."},
			nil, "I did not call refund_order: your message says not to refund"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := converse(t, c.tools, c.said...)
			got := resp.Message.ToolCalls
			if len(got) != len(c.calls) || !strings.Contains(resp.Message.Content, c.says) {
				t.Fatalf("calls = %v, want %v; answer %q", got, c.calls, resp.Message.Content)
			}
			for i, w := range c.calls {
				if got[i].Name != w.name || got[i].Arguments != w.args {
					t.Errorf("call %d = %s %s, want %s %s", i, got[i].Name, got[i].Arguments, w.name, w.args)
				}
			}
		})
	}
}
