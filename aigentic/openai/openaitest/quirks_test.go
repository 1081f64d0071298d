package openaitest_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

const streamBody = `{"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}],
"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}`

// readEvents posts a streaming request and returns the data lines it gets
// until the body ends or ctx does.
func readEvents(t *testing.T, ctx context.Context, srv *openaitest.Server) []string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/chat/completions", strings.NewReader(streamBody))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var lines []string
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if l, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			lines = append(lines, l)
		}
	}
	return lines
}

// Each quirk shows on the wire as the server family sends it.
func TestQuirksOnTheWire(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_weather", `{"city":"Paris"}`), aitest.Call("get_weather", `{"city":"Rome"}`)))
	srv := openaitest.NewServer(t, model, openaitest.WithQuirks(openaitest.ToolCallsAtOneIndex, openaitest.NoToolCallIDs,
		openaitest.NullErrorField, openaitest.UsageInFinishChunk))
	lines := readEvents(t, context.Background(), srv)
	var calls, finish int
	for _, l := range lines {
		if l == "[DONE]" {
			continue
		}
		if !strings.Contains(l, `"error":null`) {
			t.Errorf("chunk without \"error\": null: %s", l)
		}
		if strings.Contains(l, `"tool_calls":[`) {
			calls++
			if !strings.Contains(l, `"index":0`) || strings.Contains(l, `"id":"call`) || !strings.Contains(l, `"arguments":"{\"city\"`) {
				t.Errorf("tool call chunk not whole, at index 0, without id: %s", l)
			}
		}
		if strings.Contains(l, `"finish_reason":"tool_calls"`) {
			finish++
			if !strings.Contains(l, `"prompt_tokens":10`) {
				t.Errorf("finish chunk without usage: %s", l)
			}
		}
	}
	if calls != 2 || finish != 1 || lines[len(lines)-1] != "[DONE]" {
		t.Fatalf("%d tool call chunks, %d finish chunks, last %q:\n%s", calls, finish, lines[len(lines)-1], strings.Join(lines, "\n"))
	}
}

// NoDoneMarker and Events(...).HoldOpen keep the body open after the last
// event, until the client goes away.
func TestStreamsThatDoNotEnd(t *testing.T) {
	for _, srv := range []*openaitest.Server{
		openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("Hello")), openaitest.WithQuirks(openaitest.NoDoneMarker)),
		openaitest.NewServer(t, aitest.NewScripted(), openaitest.WithFaults(openaitest.Events(`{"choices":[]}`).HoldOpen())),
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		lines := readEvents(t, ctx, srv)
		cancel()
		if ctx.Err() == nil {
			t.Fatalf("the body ended: %v", lines)
		}
		if len(lines) == 0 || lines[len(lines)-1] == "[DONE]" {
			t.Fatalf("events %v", lines)
		}
	}
}

// The quirks that refuse a request answer as the family does, and only
// what breaks their rule.
func TestRefusingQuirks(t *testing.T) {
	turn := func(extra string) string {
		return `{"model":"m","messages":[{"role":"user","content":"go"},{"role":"assistant","tool_calls":[{"id":"%ID%","type":"function","function":{"name":"f","arguments":"{}"}` + extra + `}]},` +
			`{"role":"tool","tool_call_id":"%ID%","content":"ok"}]}`
	}
	cases := []struct {
		quirk openaitest.Quirk
		bad   string // a second request breaking the rule ("%ID%": the first answer's call ID)
		good  string
		says  string
	}{
		{openaitest.ThoughtSignatures, turn(""), turn(`,"extra_content":{"google":{"thought_signature":"sig-%ID%"}}`), "Function call is missing a thought_signature"},
		{openaitest.ReasoningContent, turn(""), strings.Replace(turn(""), `{"role":"assistant",`, `{"role":"assistant","reasoning_content":"Thinking about chatcmpl-openaitest-1: the user's request needs 1 tool call(s).",`, 1),
			"Missing `reasoning_content` field in the assistant message at message index 1"},
		{openaitest.ShortToolCallIDs, strings.ReplaceAll(turn(""), "%ID%", "call_1_0"), turn(""), "Tool call id was call_1_0 but must be a-z, A-Z, 0-9, with a length of 9."},
		{openaitest.RejectsStreamOptions, `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"go"}]}`,
			`{"model":"m","stream":true,"messages":[{"role":"user","content":"go"}]}`, "Unknown parameter: 'stream_options'."},
		{openaitest.RejectsJSONSchema, `{"model":"m","messages":[{"role":"user","content":"go"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}}}`,
			`{"model":"m","messages":[{"role":"user","content":"go"}],"response_format":{"type":"json_object"}}`, "This response_format type is unavailable now"},
	}
	for _, c := range cases {
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("f", `{}`)), aitest.Reply("a"), aitest.Reply("b"))
		srv := openaitest.NewServer(t, model, openaitest.WithQuirks(c.quirk))
		_, first := post(t, srv, "", `{"model":"m","messages":[{"role":"user","content":"go"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}`)
		id := first["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["tool_calls"].([]any)[0].(map[string]any)["id"].(string)
		res, err := http.Post(srv.URL()+"/chat/completions", "application/json", strings.NewReader(strings.ReplaceAll(c.bad, "%ID%", id)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode != 400 || !strings.Contains(string(b), c.says) {
			t.Errorf("quirk %d, bad: %d %s", c.quirk, res.StatusCode, b)
		}
		if status, body := post(t, srv, "", strings.ReplaceAll(c.good, "%ID%", id)); status != 200 {
			t.Errorf("quirk %d, good: %d %v", c.quirk, status, body)
		}
	}
}

// AnyModelName answers as llama-server: no model lookup, one model listed,
// every answer named after it.
func TestAnyModelName(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("hi")), openaitest.WithQuirks(openaitest.AnyModelName))
	get := func(path string) (int, string) {
		res, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, body := get("/models/gpt-4o-typo"); status != 404 || !strings.Contains(body, `"File Not Found"`) || !strings.Contains(body, `"code":404`) {
		t.Errorf("lookup: %d %s", status, body)
	}
	if status, body := get("/models"); status != 200 || !strings.Contains(body, `"id":"scripted"`) || strings.Count(body, `"id"`) != 1 {
		t.Errorf("list: %d %s", status, body)
	}
	if _, body := post(t, srv, "", `{"model":"gpt-4o-typo","messages":[{"role":"user","content":"hi"}]}`); body["model"] != "scripted" {
		t.Errorf("answer names %v", body["model"])
	}
}
