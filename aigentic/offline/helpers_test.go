package offline

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// tool builds an ai.Tool with an object schema.
func tool(name, desc string, props map[string]any, required ...string) ai.Tool {
	req := []any{}
	for _, r := range required {
		req = append(req, r)
	}
	return ai.Tool{Name: name, Description: desc, InputSchema: map[string]any{
		"type": "object", "properties": props, "required": req, "additionalProperties": false,
	}}
}

// A few everyday tools, for the model's own tests.
var (
	calcTool    = tool("calculator", "Evaluate an arithmetic expression.", map[string]any{"expression": s(`The expression, e.g. "2 + 3 * 4".`)}, "expression")
	clockTool   = tool("current_time", "Returns the current time in an IANA time zone.", map[string]any{"timezone": s("IANA zone name such as Europe/Paris.")}, "timezone")
	weatherTool = tool("get_weather", "Weather forecast for a city.", map[string]any{
		"city": s("City name."), "unit": map[string]any{"type": "string", "enum": []any{"celsius", "fahrenheit"}},
		"days": map[string]any{"type": "integer", "minimum": 1, "maximum": 14},
	}, "city")
	mailTool = tool("send_mail", "Send an e-mail message to one recipient.", map[string]any{
		"recipient": s("E-mail address of the recipient."), "subject": s("Subject line."), "body": s("Message text."),
	}, "recipient", "subject", "body")
	storeTool = tool("store_fact", "Store a fact about the user so it can be remembered later.", map[string]any{
		"key": s("Short name of the fact."), "value": s("The fact itself."),
	}, "key", "value")
)

// user builds a conversation of an optional system message and one user
// message.
func user(system, text string) []ai.Message {
	var msgs []ai.Message
	if system != "" {
		msgs = append(msgs, ai.Message{Role: ai.RoleSystem, Content: system})
	}
	return append(msgs, ai.Message{Role: ai.RoleUser, Content: text})
}

func generate(t testing.TB, msgs []ai.Message, tools ...ai.Tool) *ai.Response {
	t.Helper()
	resp, err := NewModel().Generate(context.Background(), ai.Request{Messages: msgs, Tools: tools})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if resp.Message.Role != ai.RoleAssistant {
		t.Fatalf("role = %q, want assistant", resp.Message.Role)
	}
	return resp
}

// schemaErr validates a JSON text against a schema with
// santhosh-tekuri/jsonschema (draft 2020-12, formats asserted): the
// check the tests trust, independent of the model's own.
func schemaErr(schema map[string]any, doc string) error {
	raw, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	sdoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("s.json", sdoc); err != nil {
		return err
	}
	sch, err := c.Compile("s.json")
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(doc)))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// executor answers a tool call: the result text and whether it is an error.
type executor func(tc ai.ToolCall) (string, bool)

// drive runs msgs through the model like an agent would, executing tool
// calls with exec, until a text answer or 10 model calls. It returns the
// final response and the tool call turns.
func drive(t testing.TB, req ai.Request, exec executor) (*ai.Response, [][]ai.ToolCall) {
	t.Helper()
	var turns [][]ai.ToolCall
	m := NewModel()
	for i := 0; i < 10; i++ {
		resp, err := m.Generate(context.Background(), req)
		if err != nil {
			t.Fatalf("Generate (turn %d): %v", i+1, err)
		}
		req.Messages = append(req.Messages, resp.Message)
		if len(resp.Message.ToolCalls) == 0 {
			return resp, turns
		}
		if resp.FinishReason != "tool_calls" {
			t.Fatalf("finish reason %q with tool calls", resp.FinishReason)
		}
		turns = append(turns, resp.Message.ToolCalls)
		for _, tc := range resp.Message.ToolCalls {
			out, isErr := exec(tc)
			req.Messages = append(req.Messages, ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: out, IsError: isErr})
		}
	}
	t.Fatalf("no final answer after 10 model calls")
	return nil, nil
}
