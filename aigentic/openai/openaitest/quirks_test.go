package openaitest_test

import (
	"bufio"
	"context"
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
