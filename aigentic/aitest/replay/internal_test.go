package replay

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// TestEventReaderOneEventPerRead: a replayed stream reaches the client
// one SSE event per Read, whatever the size of the underlying reads.
func TestEventReaderOneEventPerRead(t *testing.T) {
	stream := "data: {\"a\":1}\n\ndata: {\"b\":2}\n\n: comment\n\ndata: [DONE]\n\n"
	for _, src := range []io.Reader{strings.NewReader(stream), iotest.OneByteReader(strings.NewReader(stream))} {
		e := &eventReader{r: io.NopCloser(src)}
		var got []string
		buf := make([]byte, 4096)
		for {
			n, err := e.Read(buf)
			if n > 0 {
				got = append(got, string(buf[:n]))
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", ": comment\n\n", "data: [DONE]\n\n"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("reads %q, want %q", got, want)
		}
	}
	// A read smaller than the event still gets all of it, in pieces; a
	// stream without a final blank line is delivered whole.
	e := &eventReader{r: io.NopCloser(strings.NewReader("data: 12345\n\ndata: tail"))}
	b, err := io.ReadAll(iotest.HalfReader(e))
	if err != nil || string(b) != "data: 12345\n\ndata: tail" {
		t.Fatalf("%q, %v", b, err)
	}
}

// TestMarshalRefusesASecret: the last check before writing refuses a
// cassette that still holds a secret, naming the field, never the value.
func TestMarshalRefusesASecret(t *testing.T) {
	const s = "leaked-value-Pq7Rt2Wx9"
	secret.Register(s)
	c := cassette.New("x")
	c.AddInteraction(&cassette.Interaction{
		Request:  cassette.Request{Method: "POST", URL: "http://h/v1/chat/completions", Body: `{"k":"` + s + `"}`},
		Response: cassette.Response{Code: 200, Body: "{}"},
	})
	_, err := marshal(c)
	if !errors.Is(err, ErrSecretInRecording) || !strings.Contains(err.Error(), "exchange 0, request body") || strings.Contains(err.Error(), s) {
		t.Fatalf("marshal = %v", err)
	}
	// Scrubbed, it is written.
	if err := scrub(c.Interactions[0]); err != nil {
		t.Fatal(err)
	}
	data, err := marshal(c)
	if err != nil || strings.Contains(string(data), s) {
		t.Fatalf("after scrub: %v\n%s", err, data)
	}
	// The raw check on the encoded bytes catches what the field check
	// does not see (anything marshal is given).
	if _, err := marshal(map[string]string{"k": s}); !errors.Is(err, ErrSecretInRecording) {
		t.Fatalf("marshal(map) = %v", err)
	}
}

// TestScrubKeepsOnlySafeHeaders: the headers kept, and redacted.
func TestScrubKeepsOnlySafeHeaders(t *testing.T) {
	i := &cassette.Interaction{
		Request: cassette.Request{
			URL: "https://u:p4ssw0rd-long@example.com/v1/chat/completions",
			Headers: http.Header{"Authorization": {"Bearer sk-abcdefghijklmnop"}, "Content-Type": {"application/json"},
				"X-Stainless-Os": {"Linux"}, "Openai-Organization": {"org-123"}},
			Body: `{"b":1}`, Form: url.Values{"api-key": {"x"}},
		},
		Response: cassette.Response{
			Headers: http.Header{"Set-Cookie": {"s=1"}, "Content-Type": {"text/event-stream"}, "Retry-After": {"2"},
				"X-Ratelimit-Remaining-Requests": {"9"}, "X-Request-Id": {"req_1"}, "Openai-Processing-Ms": {"12"}},
			Duration: 5e9,
		},
	}
	if err := scrub(i); err != nil {
		t.Fatal(err)
	}
	if len(i.Request.Headers) != 1 || i.Request.Headers.Get("Content-Type") == "" {
		t.Errorf("request headers %v", i.Request.Headers)
	}
	if len(i.Response.Headers) != 3 || i.Response.Headers.Get("X-Ratelimit-Remaining-Requests") != "9" {
		t.Errorf("response headers %v", i.Response.Headers)
	}
	if strings.Contains(i.Request.URL, "p4ssw0rd") || i.Request.Form != nil || i.Response.Duration != 0 {
		t.Errorf("scrubbed %+v", i)
	}
	if i.Request.Body != "{\n  \"b\": 1\n}" {
		t.Errorf("body %q", i.Request.Body)
	}
}

// TestNormalize: spelling does not matter, content does; ignored fields
// are left out; non-JSON bodies compare as text.
func TestNormalize(t *testing.T) {
	a := normalize([]byte(`{"model":"m","temperature":1.0,"messages":[{"role":"user","content":"hi"}]}`), nil)
	b := normalize([]byte("{ \"messages\" : [ {\"content\":\"hi\", \"role\":\"user\"} ],\n \"temperature\": 1, \"model\": \"m\" }"), nil)
	if !a.json || a.text != b.text {
		t.Fatalf("%s\n!=\n%s", a.text, b.text)
	}
	c := normalize([]byte(`{"model":"m","temperature":1,"messages":[{"role":"user","content":"hi!"}]}`), nil)
	if c.text == a.text {
		t.Fatal("different content matched")
	}
	ig := [][]string{{"user"}, {"metadata", "trace"}}
	d := normalize([]byte(`{"model":"m","user":"u1","metadata":{"trace":"t1","k":"v"}}`), ig)
	e := normalize([]byte(`{"model":"m","user":"u2","metadata":{"trace":"t2","k":"v"}}`), ig)
	if d.text != e.text || !strings.Contains(d.text, `"k": "v"`) {
		t.Fatalf("ignored fields: %s vs %s", d.text, e.text)
	}
	if n := normalize([]byte("not json"), nil); n.json || n.text != "not json" {
		t.Fatalf("text body: %+v", n)
	}
	if n := normalize([]byte(`{"a":1} {"b":2}`), nil); n.json {
		t.Fatal("two JSON values read as one")
	}
}

// TestStringChangeShowsTheDifference: the first difference, with context,
// cut on rune boundaries.
func TestStringChangeShowsTheDifference(t *testing.T) {
	a := strings.Repeat("é", 50) + " precise " + strings.Repeat("x", 100)
	b := strings.Repeat("é", 50) + " careful " + strings.Repeat("x", 100)
	got := stringChange(a, b)
	if !strings.Contains(got, "precise") || !strings.Contains(got, "careful") || !strings.HasPrefix(got, "recorded …\"") || strings.ContainsRune(got, '\uFFFD') {
		t.Fatalf("%s", got)
	}
}

// TestRefuseNeverConnects: the real transport of a replaying Recorder
// refuses, naming the request without its credentials.
func TestRefuseNeverConnects(t *testing.T) {
	req, _ := http.NewRequest("POST", "https://user:hunter2-secret@api.example.com/v1/chat/completions", nil)
	_, err := refuse{}.RoundTrip(req)
	if !errors.Is(err, ErrNetworkRefused) || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "POST https://user:xxxxx@api.example.com/v1/chat/completions") {
		t.Fatalf("refuse = %v", err)
	}
}

// TestSameRequestComparesEndpoint: the same body on another method, path
// or query is another request.
func TestSameRequestComparesEndpoint(t *testing.T) {
	b := normalize([]byte(`{"model":"m","messages":[]}`), nil)
	rec := &exchange{method: "POST", path: "/v1/chat/completions", body: b}
	u := func(s string) *url.URL { v, _ := url.Parse(s); return v }
	if !sameRequest("POST", u("http://other.host/v1/chat/completions"), b, rec) {
		t.Fatal("the recorded request did not match itself on another host")
	}
	for _, c := range []struct{ method, url string }{
		{"PUT", "http://h/v1/chat/completions"},
		{"POST", "http://h/v1/embeddings"},
		{"POST", "http://h/v1/chat/completions?stream=1"},
	} {
		if sameRequest(c.method, u(c.url), b, rec) {
			t.Errorf("%s %s matched the recorded POST /v1/chat/completions", c.method, c.url)
		}
	}
}

// TestReplayedStreamOneEventPerRead: a recorded stream, replayed through
// the Recorder, reaches the client one SSE event per Read, as the server
// sent them, not as the one string go-vcr keeps.
func TestReplayedStreamOneEventPerRead(t *testing.T) {
	events := []string{
		`data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}` + "\n\n",
		`data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}]}` + "\n\n",
		"data: [DONE]\n\n",
	}
	req := `{"model":"tiny","messages":[{"role":"user","content":"hi"}],"stream":true}`
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	file := filepath.Join(t.TempDir(), "stream.yaml")
	cassetteText := "---\nversion: 2\ninteractions:\n    - id: 0\n      request:\n        body: " + q(req) +
		"\n        url: http://127.0.0.1:18089/v1/chat/completions\n        method: POST\n      response:\n        body: " + q(strings.Join(events, "")) +
		"\n        headers:\n            Content-Type:\n                - text/event-stream\n        status: 200 OK\n        code: 200\n"
	if err := os.WriteFile(file, []byte(cassetteText), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(file, WithMode(ModeReplay))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Client().Post(ReplayBaseURL+"/chat/completions", "application/json", strings.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got []string
	buf := make([]byte, 64<<10)
	for {
		n, err := res.Body.Read(buf)
		if n > 0 {
			got = append(got, string(buf[:n]))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(got, "|") != strings.Join(events, "|") {
		t.Fatalf("reads %q, want one per event %q", got, events)
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
}
