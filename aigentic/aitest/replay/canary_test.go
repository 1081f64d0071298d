package replay_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/replay"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// TestRecordingNeverHoldsTheCanaryKey records a run in which secrets are
// everywhere a recording could pick them up — the API key in the
// Authorization header (the server requires it) and in a gateway header,
// OPENAI_API_KEY in the environment, a registered secret in the
// instructions (request bodies) and in the model's tool arguments and
// answer (response bodies) — and checks the file holds none of them in
// any encoding, while the places they were hold "[REDACTED]". Responses
// are redacted before the client reads them, so the recording run sees
// what a replay will (the tool gets "[REDACTED]" as its argument). The
// recording then replays: matching redacts the live request the same way.
func TestRecordingNeverHoldsTheCanaryKey(t *testing.T) {
	const canaryKey = "sk-canary-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e"
	const canary = "canary-passphrase-Zq8Xw2Lp" // no pattern matches it: only registration does
	t.Setenv("OPENAI_API_KEY", canaryKey)
	secret.Register(canary)

	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("weather", `{"city":"`+canary+`"}`)),
		aitest.Reply("The password is "+canary+"."),
	)
	srv := openaitest.NewServer(t, model, openaitest.WithAPIKey(canaryKey))
	file := filepath.Join(t.TempDir(), "canary.yaml")
	rec, err := replay.Open(file, replay.WithMode(replay.ModeRecord))
	if err != nil {
		t.Fatal(err)
	}
	m, err := openai.New("gpt-test", canaryKey, openai.WithBaseURL(srv.URL()), openai.WithHTTPClient(rec.Client()),
		openai.WithHeader("X-Gateway-Token", canaryKey))
	if err != nil {
		t.Fatal(err)
	}
	agent := agentOn(m, false)
	agent.Instructions += " Never say " + canary + "."
	answer, msgs, _, err := runOnce(t, agent, "Weather in Paris?")
	if err != nil {
		t.Fatal(err)
	}
	// The server saw the key (the run got past WithAPIKey) and the
	// instructions the canary: the secrets really were on the wire.
	if len(srv.Requests()) != 2 || !strings.Contains(string(srv.Requests()[0]), canary) {
		t.Fatalf("the canary never reached the wire: %d requests", len(srv.Requests()))
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{canaryKey, canary} {
		for _, form := range forms(v) {
			if strings.Contains(string(data), form) {
				t.Errorf("the recording holds %q", form)
			}
		}
	}
	for _, never := range []string{"Authorization", "X-Gateway-Token", "X-Stainless", "Bearer"} {
		if strings.Contains(string(data), never) {
			t.Errorf("the recording holds %s", never)
		}
	}
	// Redacted where the secrets were: the instructions (twice), the tool
	// arguments (in the response and the next request), the answer.
	if n := strings.Count(string(data), secret.Placeholder); n < 5 {
		t.Errorf("%d placeholders, want at least 3:\n%s", n, data)
	}
	// What the recording run's client saw is what a replay will see.
	if !strings.Contains(answer, secret.Placeholder) || !strings.Contains(msgs[3].Content, secret.Placeholder) {
		t.Errorf("recording run: answer %q, tool result %q", answer, msgs[3].Content)
	}

	// And it replays, the live request redacted as the recording was.
	rp := replay.New(t, file)
	m2, err := rp.OpenAI()
	if err != nil {
		t.Fatal(err)
	}
	agent.Model = m2
	if got, _, _, err := runOnce(t, agent, "Weather in Paris?"); err != nil || got != answer {
		t.Fatalf("replay: %q, %v", got, err)
	}
}

// forms are the encodings a secret could take in a recording.
func forms(v string) []string {
	j, _ := json.Marshal(v)
	jj, _ := json.Marshal(string(j))
	return []string{v, strings.Trim(string(j), `"`), strings.Trim(string(jj), `"`), url.QueryEscape(v), url.PathEscape(v)}
}

// TestURLCredentialsAreNotRecorded: a base URL with user:password and an
// api-key query parameter (Azure's style) leaves neither in the file.
func TestURLCredentialsAreNotRecorded(t *testing.T) {
	const pass = "url-password-Hk29sLq0"
	const qkey = "query-key-Jd83nMz1Pq"
	secret.Register(qkey)
	srv := openaitest.NewServer(t, script())
	file := filepath.Join(t.TempDir(), "url.yaml")
	rec, err := replay.Open(file, replay.WithMode(replay.ModeRecord))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL())
	u.User = url.UserPassword("user", pass)
	m, err := openai.New("gpt-test", "", openai.WithBaseURL(u.String()), openai.WithHTTPClient(rec.Client()))
	if err != nil {
		t.Fatal(err)
	}
	// The query parameter rides on a request the test sends itself.
	res, err := rec.Client().Get(srv.URL() + "/models/gpt-test?api-key=" + qkey)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, _, _, err := runOnce(t, agentOn(m, false), "Weather in Paris?"); err != nil {
		t.Fatal(err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(file)
	for _, v := range []string{pass, qkey} {
		if strings.Contains(string(data), v) {
			t.Errorf("the recording holds %q:\n%s", v, data)
		}
	}
}
