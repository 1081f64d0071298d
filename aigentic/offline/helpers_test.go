package offline

import (
	"context"
	"encoding/json"
	"testing"

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

func strP(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

func typeP(typ, desc string) map[string]any { return map[string]any{"type": typ, "description": desc} }

func enumP(desc string, vals ...any) map[string]any {
	return map[string]any{"type": "string", "description": desc, "enum": vals}
}

// Some tool sets with deliberately varied names.
var (
	calcTool    = tool("calculator", "Evaluate an arithmetic expression such as 2 + 3 * 4.", map[string]any{"expression": strP("The arithmetic expression.")}, "expression")
	mathTool    = tool("mathEval", "Evaluates math formulas and returns the number.", map[string]any{"formula": strP("Formula to evaluate.")}, "formula")
	clockTool   = tool("current_time", "Returns the current time in an IANA time zone.", map[string]any{"timezone": strP("IANA zone name such as Europe/Paris.")}, "timezone")
	zoneTool    = tool("zoneClock", "Tells the clock time for a place.", map[string]any{"location": strP("Where.")}, "location")
	weatherTool = tool("get_weather", "Weather forecast for a city.", map[string]any{
		"city": strP("City name."), "unit": enumP("Temperature unit.", "celsius", "fahrenheit"), "days": typeP("integer", "Number of days."),
	}, "city")
	mailTool = tool("dispatchMail", "Send an e-mail message to one recipient.", map[string]any{
		"recipient": strP("E-mail address of the recipient."), "subject": strP("Subject line."), "body": strP("Message text."),
	}, "recipient", "subject", "body")
	storeTool = tool("store_fact", "Store a fact about the user so it can be remembered later.", map[string]any{
		"key": strP("Short name of the fact."), "value": strP("The fact itself."),
	}, "key", "value")
	fetchTool = tool("fetch_fact", "Recall a fact stored earlier.", map[string]any{"key": strP("Name of the fact.")}, "key")
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

func generate(t *testing.T, msgs []ai.Message, tools ...ai.Tool) *ai.Response {
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

// decode parses a call's arguments, failing the test when they are not a
// JSON object.
func decode(t *testing.T, tc ai.ToolCall) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(tc.Arguments), &m); err != nil {
		t.Fatalf("arguments of %s are not a JSON object: %v: %s", tc.Name, err, tc.Arguments)
	}
	return m
}

// callNames lists the names of a response's tool calls.
func callNames(resp *ai.Response) []string {
	var out []string
	for _, tc := range resp.Message.ToolCalls {
		out = append(out, tc.Name)
	}
	return out
}

// executor answers a tool call: the result text and whether it is an error.
type executor func(tc ai.ToolCall) (string, bool)

// run drives msgs through the model like an agent would, executing tool
// calls with exec, until a text answer. It returns the answer, the tool call
// turns, and the transcript.
func run(t *testing.T, msgs []ai.Message, tools []ai.Tool, exec executor) (*ai.Response, [][]ai.ToolCall, []ai.Message) {
	t.Helper()
	var turns [][]ai.ToolCall
	m := NewModel()
	for i := 0; i < 20; i++ {
		resp, err := m.Generate(context.Background(), ai.Request{Messages: msgs, Tools: tools})
		if err != nil {
			t.Fatalf("Generate (turn %d): %v", i+1, err)
		}
		msgs = append(msgs, resp.Message)
		if len(resp.Message.ToolCalls) == 0 {
			return resp, turns, msgs
		}
		if resp.FinishReason != "tool_calls" {
			t.Fatalf("finish reason %q with tool calls", resp.FinishReason)
		}
		turns = append(turns, resp.Message.ToolCalls)
		for _, tc := range resp.Message.ToolCalls {
			out, isErr := exec(tc)
			msgs = append(msgs, ai.Message{Role: ai.RoleTool, ToolCallID: tc.ID, Name: tc.Name, Content: out, IsError: isErr})
		}
	}
	t.Fatalf("no final answer after 20 model calls")
	return nil, nil, nil
}
