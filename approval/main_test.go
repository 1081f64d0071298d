package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// offlineEnv is an environment without any OpenAI setting: the offline model.
var offlineEnv = testutil.Offline

// runApp runs the program offline on the given standard input.
func runApp(t *testing.T, ctx context.Context, args []string, stdin io.Reader, terminal bool) (string, error) {
	t.Helper()
	var out testutil.SyncBuffer
	err := runWith(ctx, args, &out, system{getenv: offlineEnv, stdin: stdin, terminal: terminal})
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
		"Model: the built-in offline model",
		"The arguments match the tool's schema.",
		"→ send_email",
		`"to":"alice@example.com"`,
		`Approval needed for send_email`,
		`send an e-mail to alice@example.com with subject "Quarterly report"`,
		"Decision: denied (-approve=no, the default when standard input is not a terminal)",
		"– send_email was not run (denied), so the e-mail was not sent.",
		"Answer:",
		"Outbox: empty (nothing was sent)",
	)
	// stdin is not a terminal: its "y" must not have been read as an answer.
	// The denial is a denial: no tool failure, no warning.
	mustNotContain(t, out, "Send it? [y/N]", "approved", "WARNING", "error result")
}

func TestRunApproveYesSends(t *testing.T) {
	out, err := runApp(t, testContext(t), []string{"-approve=yes"}, nil, false)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Decision: approved (-approve=yes; standard input is not a terminal)",
		`← send_email: E-mail msg-1 sent to alice@example.com with subject "Quarterly report"`,
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
	out, err := runApp(t, testContext(t), []string{"-approval-timeout=5ms"}, pr, true)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"No answer within 5ms counts as denied.",
		"Decision: denied (no answer within 5ms)",
		"– send_email was not run (no answer within 5ms), so the e-mail was not sent.",
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
	out, err := runApp(t, ctx, []string{"-approval-timeout=1m"}, in, true)
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
		want string
	}{
		{[]string{"-approve=maybe"}, `-approve="maybe" is not valid: use yes or no`},
		{[]string{"-approval-timeout=0s"}, "-approval-timeout=0s is not valid"},
		{[]string{"-q= "}, "-q is empty"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := runWith(testContext(t), tt.args, &out, system{getenv: offlineEnv})
		if err == nil || !strings.Contains(err.Error(), tt.want) || cli.ExitCode(err) != 2 {
			t.Errorf("args %q: err = %v (exit %d), want exit 2 with %q", tt.args, err, cli.ExitCode(err), tt.want)
		}
	}
}

// TestNaiveModelOverHTTP: a model that calls send_email with "x" for every
// field: the person sees that the tool will refuse it; denied, nothing is
// sent and the denial is reported as one.
func TestNaiveModelOverHTTP(t *testing.T) {
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	var out testutil.SyncBuffer
	err := runWith(testContext(t), nil, &out, system{getenv: testutil.Getenv(env)})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	mustContain(t, out.String(), `→ send_email {"body":"x","subject":"x","to":"x"}`,
		`The tool will refuse this e-mail if approved: "x" is not a valid e-mail address`,
		"– send_email was not run (denied), so the e-mail was not sent.", "Done.", "Outbox: empty (nothing was sent)")
	mustNotContain(t, out.String(), "WARNING")
}

func TestRunHelp(t *testing.T) {
	out, err := runApp(t, testContext(t), []string{"-h"}, nil, false)
	if err != nil {
		t.Fatalf("-h: %v", err)
	}
	mustContain(t, out, "usage: go run ./approval [flags]", "-approve", "-approval-timeout", "-timeout d", "-q text")
}

// -timeout bounds the whole session (cli.WithSessionTimeout): the error
// names it, so the user knows which knob to turn.
func TestSessionTimeoutIsNamed(t *testing.T) {
	err := func() error {
		_, err := runApp(t, t.Context(), []string{"-timeout=1ns"}, strings.NewReader(""), false)
		return err
	}()
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "the session timeout (-timeout 1ns) ran out") {
		t.Fatalf("err = %v, want one naming the session timeout", err)
	}
}
