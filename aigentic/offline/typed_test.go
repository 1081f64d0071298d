package offline

import (
	"context"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

func obj(required []any, props map[string]any) map[string]any {
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// Typed answers: with Request.ResponseFormat, the answer is JSON valid
// against the schema, each value taken from the tool results and the
// request, the rest the schema's smallest valid values.
func TestTypedAnswers(t *testing.T) {
	weatherCall := append(user("", "What's the weather in Lisbon?"),
		ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c1", Name: "get_weather", Arguments: `{"city":"Lisbon"}`}}},
		ai.Message{Role: ai.RoleTool, ToolCallID: "c1", Content: "Lisbon: 21 °C and sunny. Light wind from the north; take sunglasses."})
	cases := []struct {
		name   string
		msgs   []ai.Message
		schema map[string]any
		want   string
	}{
		{"from a tool result", weatherCall, obj([]any{"city", "temp_c", "conditions", "advice"}, map[string]any{
			"city": s("The city."), "temp_c": map[string]any{"type": "number", "description": "Temperature in °C."},
			"conditions": map[string]any{"type": "string", "enum": []any{"sunny", "cloudy", "rainy"}},
			"advice":     s("One sentence of advice."),
		}), `{"advice":"Lisbon: 21 °C and sunny","city":"Lisbon","conditions":"sunny","temp_c":21}`},
		{"enum, date, array, boolean, bounds, nested object",
			user("", "File it as high priority, due 2026-06-30, labels bug and urgent, escalate it, 3 copies, contact ops@corp.example."),
			map[string]any{"type": "object", "required": []any{"priority", "due", "labels", "escalate", "copies", "contact"}, "properties": map[string]any{
				"priority": map[string]any{"type": "string", "enum": []any{"low", "medium", "high"}},
				"due":      with(s("Due date."), "format", "date"),
				"labels":   map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []any{"bug", "urgent", "docs"}}},
				"escalate": map[string]any{"type": "boolean"},
				"copies":   map[string]any{"type": "integer", "minimum": 1, "maximum": 5},
				"contact":  obj([]any{"email"}, map[string]any{"email": with(s("E-mail."), "format", "email")}),
			}}, `{"contact":{"email":"ops@corp.example"},"copies":3,"due":"2026-06-30","escalate":true,"labels":["bug","urgent"],"priority":"high"}`},
		{"nothing to take: the smallest valid values", user("", "Nothing useful here."),
			obj([]any{"code", "when", "id", "n", "ok", "list", "name"}, map[string]any{
				"code": with(s("A code."), "pattern", "^[A-Z]{2}[0-9]{3}$"), "when": with(s("When."), "format", "date-time"),
				"id": with(s("ID."), "format", "uuid"), "n": map[string]any{"type": "integer", "minimum": 5}, "ok": map[string]any{"type": "boolean"},
				"list": map[string]any{"type": "array", "items": map[string]any{"type": "number"}, "minItems": 2},
				"name": map[string]any{"type": "string", "minLength": 3, "maxLength": 5},
			}), `{"code":"AA000","id":"00000000-0000-0000-0000-000000000000","list":[0,0],"n":5,"name":"Nothi","ok":false,"when":"1970-01-01T00:00:00Z"}`},
		{"a prose property takes a clause, not a name", append(user("", "I was charged twice for order 1042."),
			ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c1", Name: "lookup_order", Arguments: `{"order_id":"1042"}`}}},
			ai.Message{Role: ai.RoleTool, ToolCallID: "c1", Content: "Order 1042: one lamp, charged twice on 3 March; status: paid."}),
			obj([]any{"summary"}, map[string]any{"summary": s("The problem in one sentence.")}),
			`{"summary":"Order 1042: one lamp, charged twice on 3 March"}`},
		{"default and examples", user("", "Anything."), obj([]any{"lang", "tone"}, map[string]any{
			"lang": map[string]any{"type": "string", "default": "en"}, "tone": map[string]any{"type": "string", "examples": []any{"friendly"}},
		}), `{"lang":"en","tone":"friendly"}`},
		{"an ID nothing names is null where the schema takes null, not an excerpt", user("", "The export button crashes the app."),
			obj([]any{"order_id", "summary"}, map[string]any{
				"order_id": map[string]any{"type": []any{"string", "null"}, "description": "the order the ticket is about, if any"},
				"summary":  s("The problem in one sentence."),
			}), `{"order_id":null,"summary":"The export button crashes the app."}`},
		{"a root that is not an object", user("", "Pick red and blue."),
			map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []any{"red", "green", "blue"}}}, `["red","blue"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := NewModel().Generate(context.Background(), ai.Request{Messages: c.msgs,
				ResponseFormat: &ai.ResponseFormat{Name: "answer", Schema: c.schema, Strict: true}})
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Message.Content; got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if err := schemaErr(c.schema, resp.Message.Content); err != nil {
				t.Errorf("invalid against the schema: %v", err)
			}
		})
	}
}

// Tools first, the typed answer last.
func TestTypedAnswerAfterTools(t *testing.T) {
	schema := obj([]any{"sku", "units"}, map[string]any{
		"sku":   with(s("The SKU."), "pattern", "^[A-Z]{3}-[0-9]{3}$"),
		"units": map[string]any{"type": "integer", "minimum": 0},
	})
	req := ai.Request{Messages: user("", "How many units of ABC-123 are in stock?"), Tools: []ai.Tool{stockTool},
		ResponseFormat: &ai.ResponseFormat{Name: "stock", Schema: schema}}
	resp, turns := drive(t, req, results(map[string]string{"check_stock": "42 units in stock."}))
	if len(turns) != 1 || turns[0][0].Arguments != `{"sku":"ABC-123"}` {
		t.Fatalf("turns = %v", turns)
	}
	if resp.Message.Content != `{"sku":"ABC-123","units":42}` {
		t.Errorf("answer = %s", resp.Message.Content)
	}
}
