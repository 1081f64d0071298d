package replay_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/replay"
)

// responsesAPI is an exchange recorded from OpenAI's Responses API: the
// other API version, which aigentic/openai does not speak.
const responsesAPI = `---
version: 2
interactions:
    - id: 0
      request:
        proto: HTTP/1.1
        body: '{"model":"gpt-4o-mini","input":"Weather in Paris?"}'
        url: https://api.openai.com/v1/responses
        method: POST
      response:
        body: '{"id":"resp_1","object":"response","output":[{"type":"message","content":[{"type":"output_text","text":"Sunny."}]}]}'
        headers:
            Content-Type:
                - application/json
        status: 200 OK
        code: 200
`

// chatWith is a one-exchange chat completion recording with the given
// request and response bodies (YAML double-quoted: JSON strings).
func chatWith(req, res string) string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return `---
version: 2
interactions:
    - id: 0
      request:
        body: ` + q(req) + `
        url: http://127.0.0.1:18089/v1/chat/completions
        method: POST
      response:
        body: ` + q(res) + `
        status: 200 OK
        code: 200
`
}

const chatReq = `{"model":"tiny","messages":[{"role":"user","content":"hi"}]}`
const streamReq = `{"model":"tiny","messages":[{"role":"user","content":"hi"}],"stream":true}`

// TestBadRecordings: each broken recording is a *RecordingError naming the
// file and the exchange, with a cause a person can act on.
func TestBadRecordings(t *testing.T) {
	plain, _, _ := record(t, script(), false, "Weather in Paris?")
	plainData, _ := os.ReadFile(plain)
	streamed, _, _ := record(t, script(), true, "Weather in Paris?")
	streamData, _ := os.ReadFile(streamed)

	edit := func(data []byte, old, new string) string {
		t.Helper()
		s := string(data)
		if !strings.Contains(s, old) {
			t.Fatalf("no %q in the recording", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	cutAt := func(data []byte, marker string, last bool) string {
		t.Helper()
		i := strings.Index(string(data), marker)
		if last {
			i = strings.LastIndex(string(data), marker)
		}
		if i < 0 {
			t.Fatalf("no %q in the recording", marker)
		}
		return string(data[:i])
	}

	cases := []struct {
		name     string
		file     string
		exchange int // -1: the file as a whole
		wants    []string
		is       error
	}{
		{"stream cut mid-event", cutAt(streamData, `"finish_reason":"stop"`, true), 1,
			[]string{"exchange 1 (POST /v1/chat/completions)", "no response status: the file looks truncated"}, nil},
		{"cut before a response", cutAt(plainData, "      response:", true), 1,
			[]string{"exchange 1 (POST /v1/chat/completions)", "no response status: the file looks truncated"}, nil},
		{"stream cut after an event", chatWith(streamReq, `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`+"\n\n"), 0,
			[]string{"exchange 0 (POST /v1/chat/completions)", "the stream ends after 1 events without a finish_reason or [DONE]: the recording is truncated"}, nil},
		{"invalid YAML", edit(plainData, "    - id: 1\n", "    - id: 1\n\t  oops: [\n"), -1,
			[]string{"not a go-vcr cassette (YAML)", "line"}, nil},
		{"request JSON hand-edited", edit(plainData, `"role": "system"`, `"role": system`), 0,
			[]string{"exchange 0 (POST /v1/chat/completions)", "the request body is not valid JSON (truncated or hand-edited?): invalid character 's'", `\"role\": system }`}, nil},
		{"request body not an object", chatWith(`["model","tiny"]`, `{}`), 0,
			[]string{"exchange 0 (POST /v1/chat/completions)", `the request body is not a JSON object: ["model","tiny"]`}, nil},
		{"response JSON hand-edited", edit(plainData, `"finish_reason":"tool_calls"`, `"finish_reason":tool_calls`), 0,
			[]string{"exchange 0 (POST /v1/chat/completions)", "the response body is not valid JSON (truncated or hand-edited?)"}, nil},
		{"id used twice", edit(plainData, "    - id: 1\n", "    - id: 0\n"), 0,
			[]string{"exchange 0", "the id is used twice"}, nil},
		{"older go-vcr format", edit(plainData, "version: 2", "version: 1"), -1,
			[]string{"version 1, want 2"}, nil},
		{"Responses API endpoint", responsesAPI, 0,
			[]string{"exchange 0 (POST /v1/responses)", "this is OpenAI's Responses API", "Chat Completions"}, nil},
		{"Responses API request on the chat path", chatWith(`{"model":"gpt-4o-mini","input":"hi"}`, `{}`), 0,
			[]string{"exchange 0 (POST /v1/chat/completions)", `"input" and no "messages": a Responses API request`}, nil},
		{"Responses API object on the chat path", chatWith(chatReq, `{"id":"resp_1","object":"response","output":[]}`), 0,
			[]string{`the response is a Responses API object ("response"), not a chat.completion`}, nil},
		{"Responses API stream on the chat path", chatWith(streamReq, "event: response.created\ndata: {\"type\":\"response.created\"}\n\n"), 0,
			[]string{`streamed event 1 is a Responses API event ("response.created")`}, nil},
		{"Responses API stream without event lines", chatWith(streamReq, "data: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n"), 0,
			[]string{`streamed event 1 is a Responses API event ("response.output_text.delta")`}, nil},
		{"no choices", chatWith(chatReq, `{"object":"chat.completion"}`), 0,
			[]string{`the response has no "choices" array`}, nil},
		{"unknown endpoint", strings.Replace(chatWith(chatReq, `{}`), "/v1/chat/completions", "/v1/embeddings", 1), 0,
			[]string{"exchange 0 (POST /v1/embeddings)", "unexpected endpoint /v1/embeddings"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "bad.yaml")
			if err := os.WriteFile(file, []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := replay.Open(file)
			var re *replay.RecordingError
			if !errors.As(err, &re) || !errors.Is(err, replay.ErrBadRecording) {
				t.Fatalf("Open = %v, want a *RecordingError", err)
			}
			if re.File != file || re.Exchange != c.exchange {
				t.Errorf("file %q exchange %d, want %q exchange %d", re.File, re.Exchange, file, c.exchange)
			}
			mustContain(t, "error", err.Error(), append([]string{"replay: bad recording " + file}, c.wants...)...)
			if _, lerr := replay.Load(file); lerr == nil || lerr.Error() != err.Error() {
				t.Errorf("Load = %v, Open = %v", lerr, err)
			}
		})
	}
}

// TestCutAnywhere: a recording cut at any byte either loads (the cut fell
// between exchanges or kept a complete stream) or fails naming the file —
// never a panic, never a silent half exchange.
func TestCutAnywhere(t *testing.T) {
	streamed, _, _ := record(t, script(), true, "Weather in Paris?")
	data, _ := os.ReadFile(streamed)
	dir := t.TempDir()
	loaded := 0
	for n := 0; n < len(data); n += 23 {
		file := filepath.Join(dir, "cut.yaml")
		if err := os.WriteFile(file, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		k, err := replay.Load(file)
		if err != nil {
			if !errors.Is(err, replay.ErrBadRecording) || !strings.Contains(err.Error(), file) {
				t.Fatalf("cut at %d: %v", n, err)
			}
			continue
		}
		loaded++
		if k > 2 {
			t.Fatalf("cut at %d: %d exchanges from 2", n, k)
		}
	}
	if full, err := replay.Load(streamed); err != nil || full != 2 {
		t.Fatalf("the whole recording: %d, %v", full, err)
	}
	t.Logf("%d of %d cuts loaded", loaded, len(data)/23+1)
}

// FuzzLoad: whatever the bytes, Load returns exchanges or an error naming
// the file; it never panics.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(responsesAPI))
	f.Add([]byte(chatWith(chatReq, `{"object":"chat.completion","choices":[]}`)))
	f.Add([]byte(chatWith(streamReq, "data: {\"choices\":[{\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")))
	f.Add([]byte("version: 2\ninteractions: [~, {}]\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "fuzz.yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := replay.Load(file); err != nil && !strings.Contains(err.Error(), file) {
			t.Fatalf("error without the file name: %v", err)
		}
	})
}
