package openaitest_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// postResponses sends body to POST /v1/responses and returns the status and
// the raw answer.
func postResponses(t *testing.T, srv *openaitest.Server, body string) (int, string) {
	t.Helper()
	res, err := http.Post(srv.URL()+"/responses", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// The Responses route answers a response object, whose function calls and
// usage come from the model.
func TestResponsesRoute(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_weather", `{"city":"Paris"}`)), aitest.Reply("sunny"))
	srv := openaitest.NewServer(t, model)
	status, body := postResponses(t, srv, `{"model":"gpt-test","input":"weather?","store":false,
		"tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":false}]}`)
	var r struct {
		Object, Status string
		Output         []map[string]any
		Usage          map[string]any
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || status != 200 || r.Object != "response" || r.Status != "completed" ||
		len(r.Output) != 1 || r.Output[0]["type"] != "function_call" || r.Output[0]["name"] != "get_weather" || r.Usage["input_tokens"] != float64(10) {
		t.Fatalf("%d %s", status, body)
	}
	callID := r.Output[0]["call_id"].(string)
	status, body = postResponses(t, srv, `{"model":"gpt-test","store":false,"input":[{"role":"user","content":"weather?"},
		{"type":"function_call","call_id":"`+callID+`","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
		{"type":"function_call_output","call_id":"`+callID+`","output":"sunny"}]}`)
	if status != 200 || !strings.Contains(body, `"text":"sunny"`) {
		t.Fatalf("%d %s", status, body)
	}
	if got := model.Requests()[1].Messages; len(got) != 3 || got[1].ToolCalls[0].ID != callID || got[2].ToolCallID != callID || got[2].Name != "get_weather" {
		t.Fatalf("the model saw %+v", got)
	}
}

// A streamed response: numbered events from response.created to
// response.completed, the text in deltas, the call's arguments in two.
func TestResponsesRouteStreams(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("Hello there")))
	res, err := http.Post(srv.URL()+"/responses", "application/json", strings.NewReader(`{"model":"gpt-test","input":"hi","stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var types []string
	var text strings.Builder
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		d, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Type  string `json:"type"`
			Seq   *int   `json:"sequence_number"`
			Delta string `json:"delta"`
		}
		if err := json.Unmarshal([]byte(d), &ev); err != nil || ev.Seq == nil || *ev.Seq != len(types) {
			t.Fatalf("event %q: %v", d, err)
		}
		types = append(types, ev.Type)
		if ev.Type == "response.output_text.delta" {
			text.WriteString(ev.Delta)
		}
	}
	if types[0] != "response.created" || types[len(types)-1] != "response.completed" || text.String() != "Hello there" {
		t.Fatalf("events %v, text %q", types, text.String())
	}
}

// Bodies are validated against OpenAI's CreateResponse schema and the
// input's tool-call rule; a violation is a 400 and is recorded.
func TestResponsesValidation(t *testing.T) {
	cases := map[string]string{
		`{"model":"gpt-test","input":"hi","temprature":1}`:                                                                                                                       "unknown parameter 'temprature': CreateResponse does not define it",
		`{"model":"gpt-test","input":"hi","store":"no"}`:                                                                                                                         "schema:",
		`{"model":"gpt-test","input":[{"type":"function_call_output","call_id":"c1","output":"x"}]}`:                                                                             "no tool call found for function call output with call_id c1",
		`{"model":"gpt-test","input":[{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"}]}`:                                                                     "no tool output found for function call c1",
		`{"model":"gpt-test","input":[{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"}]}`: "duplicate call_id",
	}
	for body, says := range cases {
		srv := openaitest.NewServer(t, aitest.NewScripted(), openaitest.AllowInvalidRequests())
		status, answer := postResponses(t, srv, body)
		v := srv.Violations()
		if status != 400 || len(v) != 1 || !strings.Contains(v[0].Error(), says) || !strings.Contains(answer, "invalid_request_error") {
			t.Errorf("%s: %d %s; violations %v", body, status, answer, v)
		}
		if err := openaitest.ValidateResponsesRequest([]byte(body)); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ValidateResponsesRequest(%s) = %v", body, err)
		}
	}
}

// A reasoning request gets a reasoning item with encrypted content, and a
// call sent back without it is refused as OpenAI does.
func TestResponsesReasoningItemRequired(t *testing.T) {
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("f", `{}`)), aitest.Reply("a"), aitest.Reply("b"))
	srv := openaitest.NewServer(t, model)
	_, body := postResponses(t, srv, `{"model":"o4-mini","input":"go","store":false,"include":["reasoning.encrypted_content"]}`)
	var r struct{ Output []map[string]any }
	_ = json.Unmarshal([]byte(body), &r)
	if len(r.Output) != 2 || r.Output[0]["type"] != "reasoning" || r.Output[0]["encrypted_content"] == "" {
		t.Fatalf("%s", body)
	}
	item, _ := json.Marshal(r.Output[0])
	call := r.Output[1]
	fc := `{"type":"function_call","call_id":"` + call["call_id"].(string) + `","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"` + call["call_id"].(string) + `","output":"ok"}`
	if status, body := postResponses(t, srv, `{"model":"o4-mini","store":false,"input":[{"role":"user","content":"go"},`+fc+`]}`); status != 400 ||
		!strings.Contains(body, "was provided without its required 'reasoning' item") {
		t.Errorf("without the item: %d %s", status, body)
	}
	if status, body := postResponses(t, srv, `{"model":"o4-mini","store":false,"input":[{"role":"user","content":"go"},`+string(item)+`,`+fc+`]}`); status != 200 {
		t.Errorf("with the item: %d %s", status, body)
	}
}
