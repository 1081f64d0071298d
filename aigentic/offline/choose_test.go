package offline

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The weights of tool choice: a plural meets its singular, generic name
// words weigh little, description words count 3 at most, and a nested
// object counts only the evidence of its own values.
func TestToolChoiceWeights(t *testing.T) {
	bare := func(name, desc string) ai.Tool { return tool(name, desc, map[string]any{}) }
	cases := []struct {
		name  string
		tools []ai.Tool
		msg   string
		want  string // the tool called, "" for none
	}{
		{"a plural meets its singular", []ai.Tool{bare("payments", "")}, "Show my last payment.", "payments"},
		{"generic words alone do not fit", []ai.Tool{bare("get_data", "Returns rows.")}, "Get me the data, please.", ""},
		{"description words count 3 at most: a tie goes to the tool offered first",
			[]ai.Tool{bare("refund", ""), bare("ticket_note", "Adds a note when a customer wants money back: a refund, a return or a replacement.")},
			"I want a refund: my money back for the return, or a replacement.", "refund"},
		{"a contraction's letter is no unit nor word", []ai.Tool{bare("plan_day", ""), bare("read_meter", "")}, "I'd say I'm done.", ""},
		{"an object filled by fallbacks proves nothing", []ai.Tool{tool("xyz", "", map[string]any{
			"payload": map[string]any{"type": "object", "properties": map[string]any{"text": s("The text.")}, "required": []any{"text"}}}, "payload")},
			"hello there friend", ""},
	}
	for _, c := range cases {
		calls, got := generate(t, user("", c.msg), c.tools...).Message.ToolCalls, ""
		if len(calls) > 0 {
			got = calls[0].Name
		}
		if got != c.want {
			t.Errorf("%s: calls %v, want %q", c.name, calls, c.want)
		}
	}
}
