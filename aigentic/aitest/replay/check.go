package replay

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// exchange is a recorded request, read once for matching.
type exchange struct {
	id     int
	method string
	path   string
	query  string
	body   body
	raw    string // the request body as recorded
}

func (x *exchange) String() string { return x.method + " " + x.path }

// Load reads and checks the recording in file without replaying it: the
// YAML, the go-vcr format version, and each exchange — a request and a
// response of OpenAI's Chat Completions API (POST …/chat/completions, or
// GET …/models), JSON bodies that parse, a streamed answer made of
// chat.completion.chunk events that ends (finish_reason or [DONE]). It
// returns the number of exchanges, or an error: [ErrNoRecording] when the
// file does not exist, else a [*RecordingError] naming the file and the
// exchange.
func Load(file string) (int, error) {
	_, xs, err := load(file, nil)
	return len(xs), err
}

// load reads file and returns its bytes and exchanges.
func load(file string, ignore [][]string) ([]byte, []*exchange, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w: %s does not exist; record it against a real server with %s=record (see package replay)", ErrNoRecording, file, EnvMode)
	}
	if err != nil {
		return nil, nil, &RecordingError{File: file, Exchange: -1, Err: err}
	}
	xs, err := parse(file, data, ignore)
	return data, xs, err
}

// parse checks a recording's bytes (see [Load]).
func parse(file string, data []byte, ignore [][]string) ([]*exchange, error) {
	var c cassette.Cassette
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, &RecordingError{File: file, Exchange: -1, Err: fmt.Errorf("not a go-vcr cassette (YAML): %w", err)}
	}
	if c.Version != cassette.CassetteFormatVersion {
		return nil, &RecordingError{File: file, Exchange: -1, Err: fmt.Errorf("%w: version %d, want %d (go-vcr v4)", cassette.ErrUnsupportedCassetteFormat, c.Version, cassette.CassetteFormatVersion)}
	}
	xs := make([]*exchange, 0, len(c.Interactions))
	seen := map[int]bool{}
	for n, i := range c.Interactions {
		if i == nil {
			return nil, &RecordingError{File: file, Exchange: n, Err: errors.New("empty entry: the file looks truncated or hand-edited")}
		}
		if seen[i.ID] {
			return nil, &RecordingError{File: file, Exchange: i.ID, Err: errors.New("the id is used twice: hand-edited?")}
		}
		seen[i.ID] = true
		x, err := check(i, ignore)
		if err != nil {
			req := ""
			if x != nil {
				req = x.String()
			}
			return nil, &RecordingError{File: file, Exchange: i.ID, Request: req, Err: err}
		}
		xs = append(xs, x)
	}
	return xs, nil
}

// check reads one interaction; x is returned (with the error) as soon as
// its request line is known.
func check(i *cassette.Interaction, ignore [][]string) (*exchange, error) {
	if i.Request.Method == "" || i.Request.URL == "" {
		return nil, errors.New("no request method or URL: the file looks truncated or hand-edited")
	}
	u, err := url.Parse(i.Request.URL)
	if err != nil {
		return nil, fmt.Errorf("request URL: %w", err)
	}
	x := &exchange{id: i.ID, method: i.Request.Method, path: u.Path, query: canonicalQuery(u)}
	if i.Response.Code == 0 {
		return x, errors.New("no response status: the file looks truncated or hand-edited")
	}
	x.raw = i.Request.Body
	x.body = normalize([]byte(i.Request.Body), ignore)
	switch {
	case strings.HasSuffix(u.Path, "/chat/completions"):
		return x, checkChat(i, x)
	case strings.HasSuffix(u.Path, "/responses"):
		return x, errors.New("this is OpenAI's Responses API (…/responses); aigentic/openai speaks Chat Completions (POST …/chat/completions): record again")
	case strings.Contains(u.Path, "/models"):
		return x, nil
	}
	return x, fmt.Errorf("unexpected endpoint %s: a recording of aigentic/openai holds POST …/chat/completions and GET …/models exchanges", u.Path)
}

// checkChat checks a chat completion exchange.
func checkChat(i *cassette.Interaction, x *exchange) error {
	req, ok := x.body.v.(map[string]any)
	if !x.body.json {
		var v any
		err := json.Unmarshal([]byte(i.Request.Body), &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("the request body is not valid JSON (truncated or hand-edited?): %w at byte %d, near %s", err, se.Offset, near(i.Request.Body, int(se.Offset)))
		}
		return fmt.Errorf("the request body is not valid JSON (truncated or hand-edited?): %s", cut(strings.Join(strings.Fields(i.Request.Body), " "), 60))
	}
	if !ok {
		return fmt.Errorf("the request body is not a JSON object: %s", cut(strings.Join(strings.Fields(i.Request.Body), " "), 60))
	}
	if _, ok := req["messages"].([]any); !ok {
		if _, in := req["input"]; in {
			return errors.New(`the request has "input" and no "messages": a Responses API request, not Chat Completions; record again`)
		}
		return errors.New(`the request has no "messages" array`)
	}
	if _, ok := req["model"].(string); !ok {
		return errors.New(`the request has no "model"`)
	}
	if i.Response.Code < 200 || i.Response.Code > 299 {
		return nil // an error answer: any body is the server's
	}
	if stream, _ := req["stream"].(bool); stream {
		return checkStream(i.Response.Body)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(i.Response.Body), &res); err != nil {
		return fmt.Errorf("the response body is not valid JSON (truncated or hand-edited?): %w", err)
	}
	return checkCompletion(res, "chat.completion", "the response")
}

// checkCompletion checks a decoded completion or chunk.
func checkCompletion(v map[string]any, object, what string) error {
	if _, ok := v["error"]; ok {
		return nil // an in-band error: the server's
	}
	if o, ok := v["object"].(string); ok && o != object {
		if o == "response" || strings.HasPrefix(o, "response.") {
			return fmt.Errorf("%s is a Responses API object (%q), not a %s; record again", what, o, object)
		}
		return fmt.Errorf("%s is a %q, not a %s", what, o, object)
	}
	if t, ok := v["type"].(string); ok && strings.HasPrefix(t, "response.") {
		return fmt.Errorf("%s is a Responses API event (%q), not a %s; record again", what, t, object)
	}
	if _, ok := v["choices"].([]any); !ok {
		return fmt.Errorf(`%s has no "choices" array`, what)
	}
	return nil
}

// checkStream checks a streamed answer: each data payload a JSON chunk (or
// [DONE]), ending with a finish_reason or [DONE].
func checkStream(b string) error {
	sc := bufio.NewScanner(strings.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), len(b)+1)
	events, ended := 0, false
	var data []string
	flush := func() error {
		if len(data) == 0 {
			return nil
		}
		payload := strings.Join(data, "\n")
		data = data[:0]
		events++
		if strings.TrimSpace(payload) == "[DONE]" {
			ended = true
			return nil
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(payload), &v); err != nil {
			return fmt.Errorf("streamed event %d is not valid JSON (truncated or hand-edited?): %w", events, err)
		}
		if err := checkCompletion(v, "chat.completion.chunk", fmt.Sprintf("streamed event %d", events)); err != nil {
			return err
		}
		if _, ok := v["error"]; ok {
			ended = true
		}
		choices, _ := v["choices"].([]any)
		for _, c := range choices {
			if m, ok := c.(map[string]any); ok && m["finish_reason"] != nil {
				ended = true
			}
		}
		return nil
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if err := flush(); err != nil {
				return err
			}
		case strings.HasPrefix(line, "data:"):
			data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		case strings.HasPrefix(line, "event:"):
			if ev := strings.TrimSpace(strings.TrimPrefix(line, "event:")); strings.HasPrefix(ev, "response.") {
				return fmt.Errorf("streamed event %d is a Responses API event (%q), not a chat.completion.chunk; record again", events+1, ev)
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if sc.Err() != nil {
		return sc.Err()
	}
	if events == 0 {
		return errors.New("the streamed response holds no event (truncated?)")
	}
	if !ended {
		return fmt.Errorf("the stream ends after %d events without a finish_reason or [DONE]: the recording is truncated (or the server cut the stream)", events)
	}
	return nil
}

// near quotes, on one line, the 40 bytes of s before offset and 20 after.
func near(s string, offset int) string {
	from, to := max(0, offset-40), min(len(s), offset+20)
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	for to < len(s) && !utf8.RuneStart(s[to]) {
		to++
	}
	return fmt.Sprintf("%q", strings.Join(strings.Fields(s[from:to]), " "))
}
