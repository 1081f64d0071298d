package openai_test

import (
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// The validation the other tests rely on (openaitest.ValidateRequest, also
// run by the openaitest server on every body) must reject bad bodies.
func TestRequestValidationRejectsBadBodies(t *testing.T) {
	const user = `{"role":"user","content":"hi"}`
	const asstCalls = `{"role":"assistant","tool_calls":[` +
		`{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},` +
		`{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]}`
	good := []string{
		`{"model":"gpt-test","messages":[` + user + `]}`,
		`{"model":"gpt-test","messages":[` + user + `,` + asstCalls + `,` +
			`{"role":"tool","tool_call_id":"c2","content":"b"},{"role":"tool","tool_call_id":"c1","content":"a"},` +
			`{"role":"assistant","content":"done"},` + user + `],` +
			`"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],` +
			`"stream":true,"stream_options":{"include_usage":true},"temperature":0.5,"max_completion_tokens":10}`,
	}
	for _, b := range good {
		if err := openaitest.ValidateRequest([]byte(b)); err != nil {
			t.Errorf("valid body rejected: %v\n%s", err, b)
		}
	}
	bad := map[string]string{
		"not JSON":                 `{"model":`,
		"no model":                 `{"messages":[` + user + `]}`,
		"no messages":              `{"model":"gpt-test","messages":[]}`,
		"unknown role":             `{"model":"gpt-test","messages":[{"role":"robot","content":"hi"}]}`,
		"user without content":     `{"model":"gpt-test","messages":[{"role":"user"}]}`,
		"tool without call id":     `{"model":"gpt-test","messages":[` + user + `,{"role":"tool","content":"x"}]}`,
		"tool of wrong type":       `{"model":"gpt-test","messages":[` + user + `],"tools":[{"type":"fn","function":{"name":"f"}}]}`,
		"function without name":    `{"model":"gpt-test","messages":[` + user + `],"tools":[{"type":"function","function":{}}]}`,
		"temperature out of range": `{"model":"gpt-test","messages":[` + user + `],"temperature":7}`,
		"n out of range":           `{"model":"gpt-test","messages":[` + user + `],"n":0}`,
		"messages not an array":    `{"model":"gpt-test","messages":"hi"}`,
		"unknown parameter":        `{"model":"gpt-test","messages":[` + user + `],"temprature":0.5}`,
		"call with object args": `{"model":"gpt-test","messages":[` + user + `,{"role":"assistant","tool_calls":[` +
			`{"id":"c1","type":"function","function":{"name":"f","arguments":{}}}]},{"role":"tool","tool_call_id":"c1","content":"a"}]}`,
		// The conversation rule, which the schema cannot express.
		"tool answering nothing": `{"model":"gpt-test","messages":[` + user + `,{"role":"tool","tool_call_id":"c1","content":"x"}]}`,
		"tool answering an unknown call": `{"model":"gpt-test","messages":[` + user + `,` + asstCalls + `,` +
			`{"role":"tool","tool_call_id":"c1","content":"a"},{"role":"tool","tool_call_id":"c9","content":"b"}]}`,
		"call left unanswered before user": `{"model":"gpt-test","messages":[` + user + `,` + asstCalls + `,` +
			`{"role":"tool","tool_call_id":"c1","content":"a"},` + user + `]}`,
		"calls unanswered at the end": `{"model":"gpt-test","messages":[` + user + `,` + asstCalls + `]}`,
		"tool after a plain assistant": `{"model":"gpt-test","messages":[` + user + `,` + asstCalls + `,` +
			`{"role":"tool","tool_call_id":"c1","content":"a"},{"role":"tool","tool_call_id":"c2","content":"b"},` +
			`{"role":"assistant","content":"ok"},{"role":"tool","tool_call_id":"c2","content":"again"}]}`,
	}
	for name, b := range bad {
		err := openaitest.ValidateRequest([]byte(b))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		want := "schema: "
		switch name {
		case "not JSON":
			want = "not JSON: "
		case "tool answering nothing", "tool answering an unknown call", "call left unanswered before user",
			"calls unanswered at the end", "tool after a plain assistant":
			want = "conversation: "
		}
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %q does not start with %q", name, err, want)
		}
	}
}
