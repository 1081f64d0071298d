package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/internal/hangserver"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// TestMain discards the runtime's log (main.go leaves it to slog.Default,
// standard error); TestLogThroughSlogDefault captures it.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	goleak.VerifyTestMain(m)
}

// setenv points the program at env: the OPENAI_* variables it does not
// name are unset (an empty value is unset to provider.FromEnv).
func setenv(t *testing.T, env map[string]string) {
	for _, k := range []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"} {
		t.Setenv(k, env[k])
	}
}

// runHello runs the program in-process with args.
func runHello(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	return out.String(), err
}

// On the offline model the default question reaches the tool with the SKU
// taken from the question (the schema's "like ABC-123"), and the answer is
// the tool's.
func TestOffline(t *testing.T) {
	setenv(t, nil)
	out, err := runHello(t)
	if err != nil {
		t.Fatal(err)
	}
	want := "Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).\n" +
		`The check_stock tool (sku: "ABC-123") returned: 42 units of ABC-123 in stock` + "\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

// An unknown SKU is a Recoverable error: the model reads it, the run goes
// on, and the program exits 0 with the model's answer.
func TestUnknownSKUIsRecoverable(t *testing.T) {
	setenv(t, nil)
	out, err := runHello(t, "Is", "XYZ-999", "in", "stock?")
	if err != nil {
		t.Fatalf("a Recoverable error stopped the run: %v", err)
	}
	if !strings.Contains(out, `The check_stock tool failed: "no product with SKU XYZ-999"`) {
		t.Errorf("the model did not read the tool's error:\n%s", out)
	}
}

// The runtime logs through slog.Default(): a tool's error result at Warn,
// and one record per run at its end.
func TestLogThroughSlogDefault(t *testing.T) {
	setenv(t, nil)
	var logs testutil.SyncBuffer
	saved := slog.Default()
	t.Cleanup(func() { slog.SetDefault(saved) })
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	if _, err := runHello(t, "Is XYZ-999 in stock?"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`level=WARN msg="tool returned an error result" tool=check_stock`, `level=INFO msg="run finished" model=offline`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// errInventoryDown is the failure of the broken tool below.
var errInventoryDown = errors.New("inventory database unreachable")

// A tool's plain Go error stops the run; run names the tool through
// errors.As(*aigentic.ToolError) and keeps the cause in the chain.
func TestToolErrorStopsTheRun(t *testing.T) {
	setenv(t, nil)
	saved := checkStock
	t.Cleanup(func() { checkStock = saved })
	checkStock = aigentic.NewTool("check_stock", saved.Description, func(run *aigentic.AgentRun, in stockQuery) (string, error) {
		return "", errInventoryDown
	})
	out, err := runHello(t)
	if !errors.Is(err, errInventoryDown) || err.Error() != "check_stock is down, so there is no answer: inventory database unreachable" {
		t.Fatalf("err = %v, want check_stock named and errInventoryDown wrapped", err)
	}
	if strings.Contains(out, "units") {
		t.Errorf("an answer was printed after the tool failed:\n%s", out)
	}
}

// Over HTTP against a model that makes none of the choices the offline
// model makes: it calls the first tool with arguments built from the
// schema, then answers "Done.". The tool's result went back to the server.
func TestNaiveModelOverHTTP(t *testing.T) {
	srv, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	setenv(t, env)
	out, err := runHello(t)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, "Model: naive on the OpenAI-compatible server "+srv.URL()+".") || !strings.HasSuffix(out, "\nDone.\n") {
		t.Errorf("output:\n%s", out)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || !bytes.Contains(reqs[1], []byte(`"role":"tool"`)) {
		t.Errorf("want 2 requests, the second with check_stock's result; got %d:\n%s", len(reqs), bytes.Join(reqs, []byte("\n")))
	}
	if strings.Contains(out, env["OPENAI_API_KEY"]) {
		t.Error("the API key is in the output")
	}
}

// The same against the shapes local servers send: tool calls without IDs
// at one index (llama.cpp, Ollama), usage on the finish chunk, any model
// name answered.
func TestQuirkyServer(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewNaive(aitest.NaiveOptions{Answer: "42 units."}),
		openaitest.WithQuirks(openaitest.NoToolCallIDs, openaitest.ToolCallsAtOneIndex, openaitest.UsageInFinishChunk, openaitest.AnyModelName))
	setenv(t, map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "llama3.1"})
	out, err := runHello(t)
	if err != nil || !strings.HasSuffix(out, "\n42 units.\n") {
		t.Fatalf("run: %v\n%s", err, out)
	}
}

// The model's answer is text from outside: a server's escape sequences
// (clear the screen, hide the rest) are printed as escapes, never acted
// on by the terminal; its lines stay lines.
func TestAnswerCannotDriveTheTerminal(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewNaive(aitest.NaiveOptions{Answer: "\x1b[2J42 units.\nsee \u202eyou\x1b[8m"}))
	setenv(t, map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "m"})
	out, err := runHello(t)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "\n\\x1b[2J42 units.\nsee \\u202eyou\\x1b[8m\n") {
		t.Errorf("output %q: want the escapes shown, the newline kept", out)
	}
}

// A server's 503 is retried (Retries: 2): the run goes on to the tool's
// answer. Without retries the first 503 would end it.
func TestTransientFailureIsRetried(t *testing.T) {
	model := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0))
	srv := openaitest.NewServer(t, model)
	setenv(t, map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "m"})
	out, err := runHello(t)
	if err != nil || !strings.Contains(out, "42 units of ABC-123 in stock") || model.Pending() != 0 {
		t.Fatalf("run = %v, %d faults left\n%s", err, model.Pending(), out)
	}
}

// A model that calls the tool forever is stopped at MaxLLMCalls (5), with
// an error errors.Is finds.
func TestLoopingModelStopsAtMaxLLMCalls(t *testing.T) {
	model := aitest.Inject(offline.NewModel()).EndlessToolCalls("check_stock", `{"sku":"ABC-123"}`)
	srv := openaitest.NewServer(t, model)
	setenv(t, map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "m"})
	_, err := runHello(t)
	if !errors.Is(err, aigentic.ErrMaxLLMCalls) || len(srv.Requests()) != 5 {
		t.Fatalf("run = %v after %d requests; want aigentic.ErrMaxLLMCalls after 5", err, len(srv.Requests()))
	}
}

// A bad OPENAI_BASE_URL is an error naming it, before any run.
func TestBadBaseURL(t *testing.T) {
	setenv(t, map[string]string{"OPENAI_BASE_URL": "ftp://x"})
	out, err := runHello(t)
	if err == nil || !strings.Contains(err.Error(), `OPENAI_BASE_URL="ftp://x" is not a valid http(s) URL`) || out != "" {
		t.Fatalf("err = %v, output %q", err, out)
	}
}

// A server that accepts the connection and never answers cannot hang the
// program: the run ends with its context (main gives it two minutes),
// and the error says so.
func TestStalledServerEndsWithTheContext(t *testing.T) {
	setenv(t, map[string]string{"OPENAI_BASE_URL": "http://" + hangserver.Listen(t) + "/v1", "OPENAI_MODEL": "stalled"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := run(ctx, nil, io.Discard)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("run = %v, want the context's deadline", err)
	}
}

// A gateway that takes the key in the base URL's path: the start-up line
// shows the URL with the key replaced, and neither the output nor the
// error holds it (the server is down here).
func TestKeyInBaseURLPathNotPrinted(t *testing.T) {
	const key = "sk-test-SECRET123"
	setenv(t, map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/proxy/" + key + "/v1", "OPENAI_API_KEY": key})
	out, err := runHello(t)
	if err == nil {
		t.Fatal("port 1 answered")
	}
	if strings.Contains(out+err.Error(), key) || !strings.Contains(out, "http://127.0.0.1:1/proxy/[REDACTED]/v1") {
		t.Errorf("output %q, error %q: want the key replaced, never shown", out, err)
	}
}

// OPENAI_MODEL with a control character is refused before anything is
// printed: an escape sequence never reaches the terminal.
func TestModelWithControlCharacterRefused(t *testing.T) {
	setenv(t, map[string]string{"OPENAI_MODEL": "gpt\x1b[2J"})
	out, err := runHello(t)
	if err == nil || out != "" || !strings.HasPrefix(err.Error(), "OPENAI_MODEL is not a valid model name: it holds a control character") {
		t.Fatalf("err = %v, output %q", err, out)
	}
}

// A first argument that looks like a flag (-h, --help) is not sent to the
// model as a question: hello has no flags, and says how to call it.
func TestFlagIsNotAQuestion(t *testing.T) {
	setenv(t, nil)
	for _, arg := range []string{"-h", "--help", "-v"} {
		out, err := runHello(t, arg)
		if err == nil || !strings.Contains(err.Error(), "usage: hello [question]") || out != "" {
			t.Errorf("hello %s: output %q, error %v; want the usage and no run", arg, out, err)
		}
	}
}
