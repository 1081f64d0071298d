package aigentic_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

func TestRedact(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "envSecretValue987")
	t.Setenv("AIGENTIC_API_KEY", "")
	cases := []struct {
		in     string
		secret string // must be gone
		keep   string // must stay
	}{
		{"key sk-abcdefghijklmnop in text", "sk-abcdefghijklmnop", "in text"},
		{"project key sk-proj-AbC_dEf-1234567890", "AbC_dEf-1234567890", "project key"},
		{"Authorization: Bearer abc.def-ghi_jkl~mno", "abc.def-ghi_jkl~mno", "Authorization"},
		{"authorization=Bearer sk-live-1234567890", "1234567890", "authorization"},
		{`{"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}`, "dXNlcjpwYXNzd29yZA==", "Authorization"},
		{"header bearer tokenvalue12345", "tokenvalue12345", "header"},
		{`{"api_key": "abcd1234efgh"}`, "abcd1234efgh", "api_key"},
		{"api-key=abcd1234efgh&x=1", "abcd1234efgh", "x=1"},
		{"apikey: zyxw98765", "zyxw98765", "apikey"},
		{"x-api-key: foo123456bar", "foo123456bar", "x-api-key"},
		{"OPENAI_API_KEY=otherKeyValue42 in .env", "otherKeyValue42", "in .env"},
		{"the env value envSecretValue987 anywhere", "envSecretValue987", "anywhere"},
	}
	for _, c := range cases {
		got := aigentic.Redact(c.in)
		if strings.Contains(got, c.secret) || !strings.Contains(got, "[REDACTED]") || !strings.Contains(got, c.keep) {
			t.Errorf("Redact(%q) = %q: want %q gone, %q kept", c.in, got, c.secret, c.keep)
		}
	}
	for _, clean := range []string{"", "hello world", "monkey business", "sk-short", "a keyboard: qwerty", "token budget",
		"set OPENAI_API_KEY to use OpenAI", "authorization failed: invalid", "monkey: banana"} {
		if got := aigentic.Redact(clean); got != clean {
			t.Errorf("Redact(%q) = %q, want it unchanged", clean, got)
		}
	}
}

// A short env value is not redacted verbatim (it would shred ordinary
// text); the patterns still apply.
func TestRedactIgnoresTinyEnvValue(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "a")
	if got := aigentic.Redact("a cat"); got != "a cat" {
		t.Fatalf("Redact = %q", got)
	}
}

// Every string the runtime logs passes through Redact: messages, string
// and error attributes, groups, and attributes added with With.
func TestLoggerRedactsAttributes(t *testing.T) {
	const key = "sk-test-0123456789abcdef"
	t.Setenv("OPENAI_API_KEY", key)
	logger, buf := newJSONLogger()
	// A failing model carrying the key in its error reaches the logs at
	// Error; the agent's name (an id on every record) carries it too.
	model := aitest.NewScripted(aitest.Fail(errors.New("401 for key " + key)))
	_, err := aigentic.Agent{Model: model, Logger: logger, Name: "agent " + key}.Execute("prompt with " + key)
	if err == nil {
		t.Fatal("run succeeded")
	}
	logs := buf.String()
	if strings.Contains(logs, key) || !strings.Contains(logs, "[REDACTED]") {
		t.Fatalf("logs leak the key:\n%s", logs)
	}
	// The ids every record carries are redacted too.
	for _, r := range records(t, buf) {
		if !strings.Contains(r["agent"].(string), "[REDACTED]") {
			t.Fatalf("agent attribute = %v", r["agent"])
		}
	}
}

// Attributes a tool or the user's code adds through the run's logger path
// (groups, With) are redacted as well: the handler chain is the agent's.
func TestLoggerRedactsGroupsAndWith(t *testing.T) {
	const key = "sk-test-0123456789abcdef"
	logger, buf := newJSONLogger()
	tool := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) {
		return ai.ErrorText("upstream said: api_key=" + key), nil // logged at Warn
	}}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("t", `{"auth":"Bearer `+key+`"}`)), aitest.Reply("ok"))
	_, err := aigentic.Agent{
		Model: model, Logger: logger.With("component", "test").WithGroup("g"), LogLevel: slog.LevelDebug,
		AgentTools: []aigentic.AgentTool{tool.Tool("t", nil)},
	}.Execute("hi")
	if err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if strings.Contains(logs, key) || !strings.Contains(logs, "[REDACTED]") || !strings.Contains(logs, `"g":{`) {
		t.Fatalf("logs:\n%s", logs)
	}
}
