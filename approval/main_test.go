package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// offlineEnv is an environment without any OpenAI setting: the offline model.
func offlineEnv(string) string { return "" }

// runApp runs the program offline on the given standard input.
func runApp(t *testing.T, ctx context.Context, args []string, stdin io.Reader, terminal bool) (string, error) {
	t.Helper()
	var out testutil.SyncBuffer
	var logs bytes.Buffer
	err := runWith(ctx, args, &out, system{getenv: offlineEnv, stdin: stdin, terminal: terminal, stderr: &logs})
	return out.String(), err
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

func mustNotContain(t *testing.T, out string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(out, w) {
			t.Errorf("output has %q\n--- output ---\n%s", w, out)
		}
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The program's default, off a terminal: ask, deny, send nothing, exit 0.
func TestRunDefaultDeniesOffTerminal(t *testing.T) {
	out, err := runApp(t, testContext(t), nil, strings.NewReader("y\n"), false)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Using the built-in offline model",
		"The model calls send_email",
		`"to":"alice@example.com"`,
		`Approval needed for send_email`,
		`send an e-mail to alice@example.com with subject "Quarterly report"`,
		"Decision: denied (-approve=no, the default when standard input is not a terminal)",
		`Tool send_email error: tool "send_email" was not run: the user denied approval`,
		"Answer:",
		"Outbox: empty (nothing was sent)",
	)
	// stdin is not a terminal: its "y" must not have been read as an answer.
	mustNotContain(t, out, "Send it? [y/N]", "approved")
}

func TestRunApproveYesSends(t *testing.T) {
	out, err := runApp(t, testContext(t), []string{"-approve=yes"}, nil, false)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Decision: approved (-approve=yes; standard input is not a terminal)",
		`Tool send_email result: E-mail msg-1 sent to alice@example.com with subject "Quarterly report"`,
		"Outbox: 1 e-mail(s) sent",
		"[msg-1] To: alice@example.com",
		"Subject: Quarterly report",
		"Body: The Q3 report is ready for review.",
	)
}

func TestRunTerminalPromptApproves(t *testing.T) {
	out, err := runApp(t, testContext(t), nil, strings.NewReader("y\n"), true)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Send it? [y/N] ", "Decision: approved at the terminal", "[msg-1] To: alice@example.com")
}

func TestRunTerminalPromptDenies(t *testing.T) {
	for _, in := range []string{"n\n", "\n", "no\n"} {
		out, err := runApp(t, testContext(t), []string{"-approve=yes"}, strings.NewReader(in), true)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, out)
		}
		// On a terminal the person decides, whatever -approve says.
		mustContain(t, out, "Send it? [y/N] ", "Decision: denied at the terminal", "Outbox: empty (nothing was sent)")
	}
}

func TestRunTerminalPromptAsksAgainThenEndOfInputDenies(t *testing.T) {
	out, err := runApp(t, testContext(t), nil, strings.NewReader("maybe\nperhaps"), true)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Please answer y or n: ", `Decision: denied ("perhaps" is not y or n, and standard input ended)`, "Outbox: empty")
}

func TestRunTerminalPromptAsksAgainThenYes(t *testing.T) {
	out, err := runApp(t, testContext(t), nil, strings.NewReader("what?\nYES\n"), true)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Please answer y or n: ", "Decision: approved at the terminal", "[msg-1] To: alice@example.com")
}

// Nobody answers at the terminal: the request times out, counts as
// denied, nothing is sent, and the program ends normally.
func TestRunTerminalTimeoutDenies(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close() // ends the pending read
	out, err := runApp(t, testContext(t), []string{"-timeout=5ms"}, pr, true)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"No answer within 5ms counts as denied.",
		"Decision: denied (no answer within 5ms)",
		`tool "send_email" was not run: approval was not given within 5ms (treated as denied)`,
		"Outbox: empty (nothing was sent)",
	)
}

// blockingReader blocks its first Read until released, telling when the
// read began: the program is then waiting at the prompt.
type blockingReader struct {
	reading chan struct{}
	release chan struct{}
	once    sync.Once
}

func newBlockingReader() *blockingReader {
	return &blockingReader{reading: make(chan struct{}), release: make(chan struct{})}
}

func (b *blockingReader) Read([]byte) (int, error) {
	b.once.Do(func() { close(b.reading) })
	<-b.release
	return 0, io.EOF
}

// Cancelling while the prompt waits ends the whole run with
// context.Canceled (exit status 1), and nothing is sent.
func TestRunCancelWhileWaitingForApproval(t *testing.T) {
	ctx, cancel := context.WithCancel(testContext(t))
	in := newBlockingReader()
	defer close(in.release)
	go func() {
		<-in.reading
		cancel()
	}()
	out, err := runApp(t, ctx, []string{"-timeout=1m"}, in, true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled\n%s", err, out)
	}
	if code := cli.ExitCode(err); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	mustContain(t, out, "Send it? [y/N] ", "The run ended before an answer.", "Outbox: empty (nothing was sent)")
	mustNotContain(t, out, "Answer:")
	if !strings.Contains(err.Error(), `approval of "send_email"`) {
		t.Errorf("error %q does not say the run stopped during the approval", err)
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-approve=maybe"}, nil, `-approve="maybe": want yes or no`},
		{[]string{"-approve="}, nil, `-approve="": want yes or no`},
		{[]string{"-timeout=0"}, nil, "-timeout=0s: want a positive duration"},
		{[]string{"-timeout=soon"}, nil, `invalid value "soon" for flag -timeout`},
		{[]string{"-bogus"}, nil, "flag provided but not defined: -bogus"},
		{[]string{"-prompt= "}, nil, "-prompt is empty"},
		{[]string{"hello"}, nil, `unexpected argument "hello"`},
		{nil, map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, "OPENAI_BASE_URL"},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		var out bytes.Buffer
		err := runWith(testContext(t), tt.args, &out, system{getenv: getenv, stderr: io.Discard})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("args %q: err = %v, want one containing %q", tt.args, err, tt.want)
			continue
		}
		if code := cli.ExitCode(err); code != 2 {
			t.Errorf("args %q: exit code %d, want 2", tt.args, code)
		}
		if out.Len() != 0 {
			t.Errorf("args %q: printed %q before failing", tt.args, out.String())
		}
	}
}

func TestRunHelp(t *testing.T) {
	out, err := runApp(t, testContext(t), []string{"-h"}, nil, false)
	if err != nil {
		t.Fatalf("-h: %v", err)
	}
	mustContain(t, out, "Usage: approval [flags]", "-approve", "-timeout", "-prompt")
}

// TestSmoke builds the binary and runs it the way CI does: standard input
// is not a terminal, so the default -approve=no denies and nothing is sent.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "approval")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=", "OPENAI_MODEL=")

	cmd := exec.Command(bin)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("binary: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	mustContain(t, stdout.String(),
		"Using the built-in offline model (OPENAI_API_KEY is not set).",
		"Approval needed for send_email",
		"Decision: denied (-approve=no, the default when standard input is not a terminal)",
		"the user denied approval",
		"Outbox: empty (nothing was sent)",
	)

	cmd = exec.Command(bin, "-approve=maybe")
	cmd.Env = env
	stdout.Reset()
	stderr.Reset()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("-approve=maybe: err = %v, want exit status 2", err)
	}
	mustContain(t, stderr.String(), `error: -approve="maybe": want yes or no`)
}
