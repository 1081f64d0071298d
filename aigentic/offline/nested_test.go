package offline

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Tools written only for these tests, with nested objects and arrays of
// objects: shapes none of the examples use.
var (
	shipmentCreateTool = tool("create_shipment", "Create a shipment.", map[string]any{
		"to": map[string]any{"type": "object", "properties": map[string]any{
			"name":     s("Recipient name."),
			"postcode": with(s("Postcode."), "pattern", "^[0-9]{4}-[0-9]{3}$"),
			"phone":    s("Phone number."),
		}, "required": []any{"name", "postcode"}, "additionalProperties": false},
		"weight_kg": map[string]any{"type": "number", "exclusiveMinimum": 0},
	}, "to", "weight_kg")
	appointmentTool = tool("book_appointment", "Book a clinic appointment.", map[string]any{
		"patient": map[string]any{"type": "object", "properties": map[string]any{
			"full_name": s(""), "born": with(s(""), "format", "date"),
		}, "required": []any{"full_name", "born"}},
		"slot": map[string]any{"type": "object", "properties": map[string]any{
			"day": with(s(""), "format", "date"), "room": map[string]any{"type": "integer", "minimum": 1, "maximum": 40},
		}, "required": []any{"day", "room"}},
	}, "patient", "slot")
	placeOrderTool = tool("place_order", "Place an order.", map[string]any{
		"customer": map[string]any{"type": "object", "properties": map[string]any{
			"contact": map[string]any{"type": "object", "properties": map[string]any{"email": with(s(""), "format", "email")}, "required": []any{"email"}},
		}, "required": []any{"contact"}},
		"lines": map[string]any{"type": "array", "minItems": 1, "items": map[string]any{"type": "object", "properties": map[string]any{
			"sku": with(s(""), "pattern", "^[A-Z]{3}-[0-9]{3}$"), "qty": map[string]any{"type": "integer", "minimum": 1},
		}, "required": []any{"sku", "qty"}}},
	}, "customer", "lines")
	giftTool = tool("send_gift", "Send a gift.", map[string]any{
		"recipient": s("Who receives it."),
		"card": map[string]any{"type": "object", "properties": map[string]any{
			"signed_by": s("Who signs the card."), "style": map[string]any{"type": "string", "enum": []any{"plain", "gold"}},
		}, "required": []any{"signed_by", "style"}},
	}, "recipient")
)

// A required object (an array of objects) is filled from the message like
// the top level, at any depth; the model asks only for the required leaves
// it cannot fill, by their path and constraints.
func TestNestedObjects(t *testing.T) {
	cases := []struct {
		name  string
		tools []ai.Tool
		msg   string
		call  string   // the exact arguments of the one call, or "" for none
		ask   []string // no call: the answer asks, containing these
		not   []string // and not these
	}{
		{"a required object filled from the message", []ai.Tool{shipmentCreateTool}, "Create a shipment of 3 kg to Ana Silva, postcode 1000-001.",
			`{"to":{"name":"Ana Silva","postcode":"1000-001"},"weight_kg":3}`, nil, nil},
		{"an optional leaf of it too", []ai.Tool{shipmentCreateTool}, "Create a shipment of 3 kg to Ana Silva, postcode 1000-001, phone 912345678.",
			`{"to":{"name":"Ana Silva","phone":"912345678","postcode":"1000-001"},"weight_kg":3}`, nil, nil},
		{"a missing leaf is asked for by its path, with its pattern", []ai.Tool{shipmentCreateTool}, "Create a shipment of 3 kg to Ana Silva.",
			"", []string{"create_shipment", "the to.postcode (Postcode; pattern ^[0-9]{4}-[0-9]{3}$)"}, []string{"to.name", "the to "}},
		{"the other leaf", []ai.Tool{shipmentCreateTool}, "Create a shipment of 3 kg, postcode 1000-001.",
			"", []string{"the to.name (Recipient name)"}, []string{"to.postcode"}},
		{"two objects side by side", []ai.Tool{appointmentTool}, "Book an appointment for Rui Costa, born 1980-02-03, on 2026-05-04 in room 12.",
			`{"patient":{"born":"1980-02-03","full_name":"Rui Costa"},"slot":{"day":"2026-05-04","room":12}}`, nil, nil},
		{"the leaves missing in two objects", []ai.Tool{appointmentTool}, "Book an appointment for Rui Costa in room 12.",
			"", []string{"the patient.born (format date) and the slot.day (format date)"}, []string{"patient.full_name", "slot.room"}},
		{"an array of objects: one item from the message, and an object two deep", []ai.Tool{placeOrderTool}, "Place an order for ana@x.example: 2 of ABC-123.",
			`{"customer":{"contact":{"email":"ana@x.example"}},"lines":[{"qty":2,"sku":"ABC-123"}]}`, nil, nil},
		{"a leaf two deep is asked for by its path", []ai.Tool{placeOrderTool}, "Place an order: 2 of ABC-123.",
			"", []string{"the customer.contact.email (format email)"}, []string{"lines"}},
		{"an array item's leaf", []ai.Tool{placeOrderTool}, "Place an order for ana@x.example.",
			"", []string{"the lines.sku (pattern ^[A-Z]{3}-[0-9]{3}$)", "the lines.qty"}, []string{"customer"}},
		{"an optional object left unfilled takes no value from the others", []ai.Tool{giftTool}, "Send a gift to Ana Silva.",
			`{"recipient":"Ana Silva"}`, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := generate(t, user("", c.msg), c.tools...)
			got := resp.Message.ToolCalls
			if c.call == "" {
				if len(got) != 0 {
					t.Fatalf("calls = %v, want none (an answer asking)", got)
				}
				for _, w := range c.ask {
					if !strings.Contains(resp.Message.Content, w) {
						t.Errorf("answer %q lacks %q", resp.Message.Content, w)
					}
				}
				for _, w := range c.not {
					if strings.Contains(resp.Message.Content, w) {
						t.Errorf("answer %q asks for %q, which the message gave", resp.Message.Content, w)
					}
				}
				return
			}
			if len(got) != 1 || got[0].Arguments != c.call {
				t.Fatalf("calls = %v, want one with %s (content %q)", got, c.call, resp.Message.Content)
			}
			if err := schemaErr(c.tools[0].InputSchema, got[0].Arguments); err != nil {
				t.Errorf("arguments %s invalid: %v", got[0].Arguments, err)
			}
		})
	}
}

// The reply to the model's question about a nested leaf completes the
// call: the question names the leaf, the reply gives it.
func TestNestedLeafAskedThenAnswered(t *testing.T) {
	msgs := user("", "Create a shipment of 3 kg to Ana Silva.")
	resp := generate(t, msgs, shipmentCreateTool)
	if len(resp.Message.ToolCalls) != 0 || !strings.Contains(resp.Message.Content, "the to.postcode") {
		t.Fatalf("first turn = %+v, want a question about the to.postcode", resp.Message)
	}
	msgs = append(msgs, resp.Message, ai.Message{Role: ai.RoleUser, Content: "It is 1000-001."})
	resp = generate(t, msgs, shipmentCreateTool)
	want := `{"to":{"name":"Ana Silva","postcode":"1000-001"},"weight_kg":3}`
	if len(resp.Message.ToolCalls) != 1 || resp.Message.ToolCalls[0].Arguments != want {
		t.Fatalf("after the reply: %+v, want create_shipment %s", resp.Message, want)
	}
}

// An array of objects gets an item per object the message holds, not
// only the first: an order of two lines is not placed with one.
func TestArrayOfObjectsTakesEveryItem(t *testing.T) {
	resp := generate(t, user("", "Place an order for ana@x.example: 2 of ABC-123 and 3 of XYZ-999."), placeOrderTool)
	if len(resp.Message.ToolCalls) != 1 {
		t.Fatalf("calls %+v; content %q", resp.Message.ToolCalls, resp.Message.Content)
	}
	var o struct {
		Lines []struct {
			SKU string `json:"sku"`
			Qty int    `json:"qty"`
		} `json:"lines"`
	}
	if err := json.Unmarshal([]byte(resp.Message.ToolCalls[0].Arguments), &o); err != nil || len(o.Lines) != 2 ||
		o.Lines[0].SKU != "ABC-123" || o.Lines[0].Qty != 2 || o.Lines[1].SKU != "XYZ-999" || o.Lines[1].Qty != 3 {
		t.Fatalf("place_order %s (%v), want both lines", resp.Message.ToolCalls[0].Arguments, err)
	}
}

// A name after a colon is a name, whole: "a contact: Ana Silva" is not
// "Silva".
func TestNameAfterAColon(t *testing.T) {
	contact := tool("save_contact", "Save a contact.", map[string]any{"name": s("Full name.")}, "name")
	resp := generate(t, user("", "Please save a contact: Ana Silva."), contact)
	if len(resp.Message.ToolCalls) != 1 || resp.Message.ToolCalls[0].Arguments != `{"name":"Ana Silva"}` {
		t.Fatalf("calls %+v; content %q", resp.Message.ToolCalls, resp.Message.Content)
	}
}
