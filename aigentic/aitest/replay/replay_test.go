package replay_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/replay"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// TestRecordThenReplay: a run recorded against a server replays with the
// server gone — same answer, same transcript, and, streamed, the same
// number of fragments (each SSE event replayed as it was sent).
func TestRecordThenReplay(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "stream"}[stream], func(t *testing.T) {
			file, answer, deltas := record(t, script(), stream, "Weather in Paris?")
			if answer != "It is sunny in Paris." {
				t.Fatalf("recorded answer %q", answer)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// Request bodies are stored indented, one field a line.
			if !regexp.MustCompile(`\n +"content": "Weather in Paris\?",?\n`).Match(data) {
				t.Errorf("the request body is not stored one field a line:\n%s", data)
			}
			if stream {
				mustContain(t, "recording", string(data), "text/event-stream", "data: [DONE]")
			}

			rec := replay.New(t, file)
			if rec.Mode() != replay.ModeReplay {
				t.Fatalf("mode %v", rec.Mode())
			}
			model, err := rec.OpenAI()
			if err != nil {
				t.Fatal(err)
			}
			if model.ModelName() != "gpt-test" || model.BaseURL() != replay.ReplayBaseURL {
				t.Fatalf("replay model %s at %s", model.ModelName(), model.BaseURL())
			}
			got, msgs, gotDeltas, err := runOnce(t, agentOn(model, stream), "Weather in Paris?")
			if err != nil || got != answer {
				t.Fatalf("replayed: %q, %v", got, err)
			}
			if len(msgs) != 5 || msgs[3].Content != "Paris: sunny" {
				t.Fatalf("replayed transcript: %+v", msgs)
			}
			if gotDeltas != deltas {
				t.Fatalf("replayed %d fragments, recorded %d", gotDeltas, deltas)
			}
		})
	}
}

// TestReplayNeverConnects: replaying, requests — matched or not — never
// reach the server the model is configured with, and the real transport
// refuses outright.
func TestReplayNeverConnects(t *testing.T) {
	file, _, _ := record(t, script(), false, "Weather in Paris?")
	var hits atomic.Int64
	live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "should not be reached", http.StatusTeapot)
	}))
	defer live.Close()

	rec, err := replay.Open(file, replay.AllowUnplayed())
	if err != nil {
		t.Fatal(err)
	}
	m, err := openai.New("gpt-test", "", openai.WithBaseURL(live.URL+"/v1"), openai.WithHTTPClient(rec.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := runOnce(t, agentOn(m, false), "Weather in Paris?"); err != nil {
		t.Fatalf("matched run: %v", err)
	}
	_, _, _, err = runOnce(t, agentOn(m, false), "Weather in Rome?") // not recorded
	if err == nil || !strings.Contains(err.Error(), "replay_mismatch") && !strings.Contains(err.Error(), "matches no exchange") {
		t.Fatalf("unrecorded run: %v", err)
	}
	if _, err := m.Ping(t.Context()); err == nil { // GET /models/gpt-test was never recorded
		t.Fatal("ping answered from nowhere")
	}
	if hits.Load() != 0 {
		t.Fatalf("the live server got %d requests", hits.Load())
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestChangedPromptFailsWithDiff: the same test with one word of the
// instructions changed fails, and the failure names the field and both
// wordings, with a unified diff — captured through the testing.TB hook.
func TestChangedPromptFailsWithDiff(t *testing.T) {
	file, _, _ := record(t, script(), false, "Weather in Paris?")
	tb := capture(t)
	rec := replay.New(tb, file)
	model, err := rec.OpenAI()
	if err != nil {
		t.Fatal(err)
	}
	agent := agentOn(model, false)
	agent.Instructions = strings.Replace(agent.Instructions, "precise", "careful", 1)
	_, _, _, runErr := runOnce(t, agent, "Weather in Paris?")
	fails := tb.finish()
	if len(fails) != 1 {
		t.Fatalf("%d failures, want 1 (the mismatch; no unplayed report on top):\n%s", len(fails), strings.Join(fails, "\n---\n"))
	}
	mustContain(t, "failure", fails[0],
		"request 1 (POST /v1/chat/completions) matches no exchange recorded in "+file,
		"differs from exchange 0 at messages[0].content",
		`messages[0].content: recorded "You are a precise assistant`,
		`sent "You are a careful assistant`,
		"--- recorded (exchange 0)", "+++ sent (request 1)",
		`-      "content": "You are a precise assistant. Use the weather tool.",`,
		`+      "content": "You are a careful assistant. Use the weather tool.",`,
		"AIGENTIC_RECORD=record go test -run '^TestChangedPromptFailsWithDiff$'",
	)
	var mce *aigentic.ModelCallError
	if !errors.As(runErr, &mce) || mce.Attempts != 1 || !strings.Contains(runErr.Error(), "messages[0].content") {
		t.Fatalf("run error = %v (a mismatch is permanent: one attempt)", runErr)
	}
	var me *replay.MismatchError
	if !errors.As(rec.Err(), &me) || me.Nearest != 0 || !errors.Is(rec.Err(), replay.ErrMismatch) {
		t.Fatalf("Err() = %v", rec.Err())
	}
}

// TestChangedToolsAndParameters: a removed tool and an added parameter
// are named too.
func TestChangedToolsAndParameters(t *testing.T) {
	file, _, _ := record(t, script(), false, "Weather in Paris?")
	rec, err := replay.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	model, err := rec.OpenAI(openai.WithTemperature(0.5))
	if err != nil {
		t.Fatal(err)
	}
	agent := agentOn(model, false)
	agent.AgentTools = nil
	if _, _, _, err := runOnce(t, agent, "Weather in Paris?"); err == nil {
		t.Fatal("changed request replayed")
	}
	var me *replay.MismatchError
	if !errors.As(rec.Err(), &me) {
		t.Fatalf("Err() = %v", rec.Err())
	}
	report := me.Report()
	mustContain(t, "report", report, "temperature: added (sent 0.5)", "tools: removed (recorded [{")
	if err := rec.Stop(); err != nil { // the mismatch explains the unplayed exchanges
		t.Fatal(err)
	}
}

// TestKeyOrderAndSpacingDoNotMatter: a request whose JSON is spelled
// differently (keys reordered, spaces, 1.0 for 1) still matches.
func TestKeyOrderAndSpacingDoNotMatter(t *testing.T) {
	file, _, _ := record(t, script(), false, "Weather in Paris?")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Hand-reorder the first request's top-level keys in the file: "model"
	// moved before "messages".
	s := string(data)
	i := strings.Index(s, "\"model\": \"gpt-test\",")
	if i < 0 {
		t.Fatalf("no model line:\n%s", s)
	}
	s2 := strings.Replace(s, "\"messages\": [", "\"model\": \"gpt-test\",\n                      \"messages\": [", 1)
	s2 = strings.Replace(s2, "],\n                      \"model\": \"gpt-test\",", "],", 1)
	if s2 == s {
		t.Fatal("edit did nothing")
	}
	if err := os.WriteFile(file, []byte(s2), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := replay.New(t, file)
	model, _ := rec.OpenAI()
	if _, _, _, err := runOnce(t, agentOn(model, false), "Weather in Paris?"); err != nil {
		t.Fatalf("reordered recording: %v", err)
	}
}

// TestUnplayedExchangesFail: a test that stops early — the agent now makes
// fewer requests — is reported, naming the exchanges; AllowUnplayed
// accepts it.
func TestUnplayedExchangesFail(t *testing.T) {
	file, _, _ := record(t, script(), false, "Weather in Paris?")
	rec, err := replay.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	err = rec.Stop()
	if !errors.Is(err, replay.ErrUnplayed) || !strings.Contains(err.Error(), "0 (POST /v1/chat/completions), 1 (POST /v1/chat/completions)") {
		t.Fatalf("Stop = %v", err)
	}
	if again := rec.Stop(); again != err {
		t.Fatalf("second Stop = %v", again)
	}
	rec, err = replay.Open(file, replay.AllowUnplayed())
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestReplayedTwiceTakesExchangesInOrder: each exchange answers once; the
// same run again finds nothing left and says so.
func TestReplayedTwiceTakesExchangesInOrder(t *testing.T) {
	file, _, _ := record(t, script(), false, "Weather in Paris?")
	rec, err := replay.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	model, _ := rec.OpenAI()
	if _, _, _, err := runOnce(t, agentOn(model, false), "Weather in Paris?"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := runOnce(t, agentOn(model, false), "Weather in Paris?"); err == nil {
		t.Fatal("second run replayed")
	}
	var me *replay.MismatchError
	if !errors.As(rec.Err(), &me) || me.Nearest != -1 || !strings.Contains(me.Error(), "already replayed") {
		t.Fatalf("Err() = %v", rec.Err())
	}
	_ = rec.Stop()
}

// TestModes: AIGENTIC_RECORD's values, and a bad one names the variable.
func TestModes(t *testing.T) {
	for in, want := range map[string]replay.Mode{"": replay.ModeReplay, "replay": replay.ModeReplay, " RECORD ": replay.ModeRecord, "record-missing": replay.ModeRecordMissing} {
		got, err := replay.ParseMode(in)
		if err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, err)
		}
		if got.String() == "" {
			t.Errorf("%v has no name", got)
		}
	}
	t.Setenv(replay.EnvMode, "yes please")
	_, err := replay.Open("testdata/none.yaml")
	if !errors.Is(err, replay.ErrBadMode) || !strings.Contains(err.Error(), `AIGENTIC_RECORD="yes please": use replay (the default), record or record-missing`) {
		t.Fatalf("Open = %v", err)
	}
	t.Setenv(replay.EnvMode, "")
	_, err = replay.Open("testdata/none.yaml")
	if !errors.Is(err, replay.ErrNoRecording) || !strings.Contains(err.Error(), "testdata/none.yaml does not exist") {
		t.Fatalf("Open missing = %v", err)
	}
	if _, err := replay.Open("testdata/none.json"); err == nil || !strings.Contains(err.Error(), "*.yaml") {
		t.Fatalf("Open .json = %v", err)
	}
}

// TestRecordMissing records a missing file, then replays it.
func TestRecordMissing(t *testing.T) {
	file, _, _ := record(t, script(), false, "Weather in Paris?")
	t.Setenv(replay.EnvMode, "record-missing")
	rec, err := replay.Open(file)
	if err != nil || rec.Mode() != replay.ModeReplay {
		t.Fatalf("existing file: mode %v, %v", rec.Mode(), err)
	}
	_ = rec.Stop()
	rec, err = replay.Open(strings.TrimSuffix(file, ".yaml") + "-new.yaml")
	if err != nil || rec.Mode() != replay.ModeRecord {
		t.Fatalf("missing file: %v", err)
	}
	_ = rec.Stop()
	if _, err := os.Stat(strings.TrimSuffix(file, ".yaml") + "-new.yaml"); err != nil {
		t.Fatalf("the missing recording was not written: %v", err)
	}
}

// TestOpenAIRecordNeedsAServer: recording with no key and no base URL is
// a clear error, and the environment decides the server.
func TestOpenAIRecordNeedsAServer(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	rec, err := replay.Open(t.TempDir()+"/x.yaml", replay.WithMode(replay.ModeRecord))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.OpenAI(); !errors.Is(err, replay.ErrNoServer) {
		t.Fatalf("OpenAI() = %v", err)
	}
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	t.Setenv("OPENAI_MODEL", "tiny")
	m, err := rec.OpenAI()
	if err != nil || m.ModelName() != "tiny" || m.BaseURL() != "http://127.0.0.1:1/v1" {
		t.Fatalf("OpenAI() = %v, %v", m, err)
	}
	_ = rec.Stop()
}

// TestConcurrentReplay: runs recorded one after the other replay at the
// same time, each request finding its own exchange.
func TestConcurrentReplay(t *testing.T) {
	cities := []string{"Paris", "Rome", "Oslo", "Lima"}
	var steps []aitest.Step
	for _, c := range cities {
		steps = append(steps, aitest.CallTools(aitest.Call("weather", `{"city":"`+c+`"}`)), aitest.Reply("Sunny in "+c+"."))
	}
	srv := openaitest.NewServer(t, aitest.NewScripted(steps...))
	file := filepath.Join(t.TempDir(), "many.yaml")
	rec, err := replay.Open(file, replay.WithMode(replay.ModeRecord))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := openai.New("gpt-test", "", openai.WithBaseURL(srv.URL()), openai.WithHTTPClient(rec.Client()))
	for _, c := range cities {
		if _, _, _, err := runOnce(t, agentOn(m, false), "Weather in "+c+"?"); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}

	rp := replay.New(t, file)
	m2, _ := rp.OpenAI()
	var wg sync.WaitGroup
	answers := make([]string, len(cities))
	errs := make([]error, len(cities))
	for i, c := range cities {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], _, _, errs[i] = runOnce(t, agentOn(m2, false), "Weather in "+c+"?")
		}()
	}
	wg.Wait()
	for i, c := range cities {
		if errs[i] != nil || answers[i] != "Sunny in "+c+"." {
			t.Errorf("%s: %q, %v", c, answers[i], errs[i])
		}
	}
}
