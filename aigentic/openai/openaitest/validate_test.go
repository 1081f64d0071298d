package openaitest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

const validBody = `{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}`

// post sends body to the server's chat completions route, with key as the
// bearer key when not empty, and returns the status and the decoded body.
func post(t *testing.T, srv *openaitest.Server, key, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out
}

func TestInvalidBodiesAreRejectedAndRecorded(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("fine"))
	srv := openaitest.NewServer(t, model, openaitest.AllowInvalidRequests(), openaitest.WithFaults(openaitest.Status(500)))
	cases := []struct {
		name, body        string
		code, param, says string
	}{
		{"tool message without a preceding call",
			`{"model":"gpt-test","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_1","content":"x"}]}`,
			"invalid_conversation", "", "conversation: messages[1]: tool message does not follow an assistant message with tool_calls"},
		{"unknown top-level parameter",
			`{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"temprature":0.2}`,
			"unknown_parameter", "temprature", "schema: unknown parameter 'temprature'"},
		{"messages of the wrong type",
			`{"model":"gpt-test","messages":"hi"}`,
			"invalid_type", "messages", "at '/messages': got string, want array"},
		{"no model",
			`{"messages":[{"role":"user","content":"hi"}]}`,
			"missing_required_parameter", "model", "missing property 'model'"},
		{"unknown role",
			`{"model":"gpt-test","messages":[{"role":"robot","content":"hi"}]}`,
			"invalid_value", "messages[0]", "at '/messages/0/role'"},
		{"temperature out of range",
			`{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"temperature":3}`,
			"invalid_value", "temperature", "maximum: got 3, want 2"},
		{"not JSON", `{"model":`, "invalid_json", "", "not JSON: "},
	}
	for i, tc := range cases {
		code, out := post(t, srv, "", tc.body)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		param, _ := e["param"].(string)
		if code != http.StatusBadRequest || e["type"] != "invalid_request_error" || e["code"] != tc.code ||
			param != tc.param || !strings.Contains(msg, tc.says) {
			t.Errorf("%s: %d %v", tc.name, code, out)
		}
		v := srv.Violations()
		if len(v) != i+1 {
			t.Fatalf("%s: %d violations recorded", tc.name, len(v))
		}
		if s := v[i].Error(); !strings.Contains(s, tc.says) || !strings.Contains(s, tc.body) {
			t.Errorf("%s: violation %q", tc.name, s)
		}
	}
	// An invalid body is answered before faults: the 500 is still queued.
	if srv.Validated() != 0 || model.Calls() != 0 || srv.PendingFaults() != 1 {
		t.Errorf("validated %d, model calls %d, pending faults %d", srv.Validated(), model.Calls(), srv.PendingFaults())
	}
	if code, _ := post(t, srv, "", validBody); code != http.StatusInternalServerError {
		t.Errorf("faulted valid body: %d", code)
	}
	if code, out := post(t, srv, "", validBody); code != http.StatusOK {
		t.Errorf("valid body: %d %v", code, out)
	}
	if srv.Validated() != 2 || len(srv.Violations()) != len(cases) {
		t.Errorf("validated %d, %d violations", srv.Validated(), len(srv.Violations()))
	}
}

func TestInvalidBodyIsRecordedBehindTheKeyCheck(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithAPIKey(key), openaitest.AllowInvalidRequests())
	// OpenAI checks the key first; the body is recorded as invalid anyway.
	if code, _ := post(t, srv, "sk-wrong", `{"model":"gpt-test","messages":[]}`); code != http.StatusUnauthorized {
		t.Errorf("status %d", code)
	}
	if code, _ := post(t, srv, "sk-wrong", validBody); code != http.StatusUnauthorized {
		t.Errorf("status %d", code)
	}
	if v := srv.Violations(); len(v) != 1 || !strings.Contains(v[0].Error(), "schema: ") || srv.Validated() != 1 {
		t.Errorf("violations %v, validated %d", v, srv.Validated())
	}
}

// fakeT records what the server reports through a testing.TB, and runs
// its cleanups when told.
type fakeT struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (f *fakeT) Helper()           {}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeT) cleanup() {
	for _, fn := range slices.Backward(f.cleanups) {
		fn()
	}
	f.cleanups = nil
}

func TestViolationsFailTheTestAtCleanup(t *testing.T) {
	bad := `{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"unknown":true}`

	ft := &fakeT{TB: t}
	srv := openaitest.NewServer(ft, aitest.NewScripted(aitest.Reply("ok")))
	post(t, srv, "", validBody)
	post(t, srv, "", bad)
	if len(ft.errors) != 0 {
		t.Fatalf("reported before cleanup: %q", ft.errors)
	}
	ft.cleanup()
	if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], "invalid chat completion request 1: schema: unknown parameter 'unknown'") ||
		!strings.Contains(ft.errors[0], bad) {
		t.Errorf("reported %q", ft.errors)
	}

	// AllowInvalidRequests: recorded, not reported.
	ft = &fakeT{TB: t}
	srv = openaitest.NewServer(ft, aitest.NewScripted(), openaitest.AllowInvalidRequests())
	post(t, srv, "", bad)
	ft.cleanup()
	if len(ft.errors) != 0 || len(srv.Violations()) != 1 {
		t.Errorf("reported %q, violations %v", ft.errors, srv.Violations())
	}
}

func TestValidateRequest(t *testing.T) {
	if err := openaitest.ValidateRequest([]byte(validBody)); err != nil {
		t.Fatal(err)
	}
	// A body the provider sends: streaming, tools, a tool round.
	full := `{"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},"messages":[` +
		`{"role":"system","content":"Be brief."},{"role":"user","content":"Paris?"},` +
		`{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"w","arguments":"{}"}}]},` +
		`{"role":"tool","tool_call_id":"c1","content":"sunny"}],` +
		`"tools":[{"type":"function","function":{"name":"w","description":"d","parameters":{"type":"object","properties":{}}}}]}`
	if err := openaitest.ValidateRequest([]byte(full)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{``, `[]`, `{}`, `{"model":"m","messages":[{"role":"user","content":"x"}],"a":1,"b":2}`} {
		if err := openaitest.ValidateRequest([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
