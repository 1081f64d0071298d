package openai_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// A server's negative token counts are read as 0, on both APIs: summed
// into a budget, a negative count would give tokens back (the breaker's
// server answered -900 and ran ten 500-token answers under a 1,000-token
// daily budget).
func TestNegativeUsageIsZero(t *testing.T) {
	chat := strings.Replace(completion("ok", "stop"), `"usage":{"completion_tokens":9,"prompt_tokens":21,"total_tokens":30}`,
		`"usage":{"completion_tokens":-500,"prompt_tokens":-900,"total_tokens":-1400,"completion_tokens_details":{"reasoning_tokens":-3},"prompt_tokens_details":{"cached_tokens":-7}}`, 1)
	if !strings.Contains(chat, "-900") {
		t.Fatalf("the body was not rewritten: %s", chat)
	}
	resp := `{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"gpt-test",` +
		`"output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"ok","annotations":[]}]}],` +
		`"usage":{"input_tokens":-900,"output_tokens":-500,"total_tokens":-1400,"input_tokens_details":{"cached_tokens":-7},"output_tokens_details":{"reasoning_tokens":-3}}}`
	for name, c := range map[string]struct {
		body string
		opts []openai.Option
	}{
		"chat completions": {chat, nil},
		"responses":        {resp, []openai.Option{openai.WithAPI(openai.ResponsesAPI)}},
	} {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, c.body) })
		out, err := newModel(t, api.URL(), c.opts...).Generate(context.Background(), hello)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if out.Usage != (ai.Usage{}) {
			t.Errorf("%s: usage %+v, want every count 0", name, out.Usage)
		}
	}
}
