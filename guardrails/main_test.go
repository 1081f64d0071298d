package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// runApp runs the program on env and returns what it printed.
func runApp(t *testing.T, ctx context.Context, getenv func(string) string, args ...string) (string, error) {
	t.Helper()
	var out testutil.SyncBuffer
	err := runWith(ctx, args, &out, system{getenv: getenv})
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

// The guard demos, as they happen whatever the model does once it calls
// the tool offered.
var (
	cardRefused = []string{
		"credit_card tripped on the input: a payment card number",
		"✓ Refused before any model saw it (0 model calls, 0 tool calls)",
		"With guard.MaskCreditCards instead, the model would have read: Please refund order 1042 to my card [card ending 1111].",
	}
	injectionRefused = []string{
		"→ fetch_email {}",
		`injection tripped on the tool "fetch_email": the result looks like a prompt injection: delimiter, role_line, ignore_instructions`,
		"✓ The e-mail was refused before the model read it (1 model call, 1 tool call)",
		`Without the guard it would reach the model delimited as data, its fake closing tag replaced by "[markup removed]".`,
	}
	urlStopped = []string{
		"← search_kb: Refunds for double charges: open the order in the billing console at https://billing.acme.internal/",
		"internal_url tripped on the output: an internal URL (output refused)",
		"✓ The answer was stopped (2 model calls, 1 tool call): it carried an internal URL",
	}
)

// typedVerdict is what demo 1 must say for a model: what ExecuteAs really
// gives on it, computed apart from the program.
func typedVerdict(t *testing.T, ctx context.Context, d *desk) string {
	t.Helper()
	v, err := aigentic.ExecuteAs[Ticket](ctx, d.agent(lookupOrderTool()), defaultTicket)
	var oe *aigentic.OutputError
	switch {
	case err == nil:
		if j := judge(defaultTicket, v); len(j.wrong) > 0 {
			return "– A classified ticket was not shown: the value is not this ticket's classification: " + strings.Join(j.wrong, "; ") + "."
		}
		return "✓ Classified (2 model calls, 1 tool call): category " + v.Category + ", priority " + v.Priority
	case errors.As(err, &oe):
		return "– A classified ticket was not shown: this model did not answer with JSON matching the Ticket schema"
	}
	t.Fatalf("ExecuteAs: %v", err)
	return ""
}

// Offline: the three guards trip where the demos arrange it, and the typed
// demo says what the offline model really gives.
func TestRunOffline(t *testing.T) {
	out, err := runApp(t, t.Context(), testutil.Offline)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Model: the built-in offline model", "Ticket: "+defaultTicket, "→ lookup_order")
	mustContain(t, out, cardRefused...)
	mustContain(t, out, urlStopped...)
	mustContain(t, out, injectionRefused...)
	d := &desk{model: offline.NewModel(), guards: newGuards(), p: cli.NewPrinter(&strings.Builder{}, testutil.Offline)}
	want := typedVerdict(t, t.Context(), d)
	mustContain(t, out, want)
	switch {
	case strings.HasPrefix(want, "✓"):
		mustContain(t, out, "✓ Shown: all 4.")
	case strings.Contains(want, "JSON matching"):
		mustContain(t, out, "No value was made up: after 3 answers, none a valid Ticket", "– Shown: 3 of 4; not shown: 1 (a typed ticket).")
	default:
		mustContain(t, out, "A Ticket matching the schema came back (2 model calls, 1 tool call)", "– Shown: 3 of 4; not shown: 1 (a typed ticket).")
	}
	mustNotContain(t, out, "\n✗ ", "log: ")
}

// Over HTTP, a naive model — the first tool offered, then "Done." — never
// answers JSON nor repeats the internal link: the program says so, and
// still shows the card number and the injection refused.
func TestNaiveModelOverHTTP(t *testing.T) {
	srv, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	out, err := runApp(t, t.Context(), testutil.Getenv(env))
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Model: naive on the OpenAI-compatible server")
	mustContain(t, out, cardRefused...)
	mustContain(t, out, injectionRefused...)
	mustContain(t, out,
		`→ lookup_order {"order_id":"x"}`,
		"typed:Ticket sent back the output: the answer is not a JSON object",
		"✓ No value was made up: after 3 answers, none a valid Ticket",
		"– A classified ticket was not shown: this model did not answer with JSON matching the Ticket schema (its last answer began: Done.).",
		"→ search_kb",
		"– Not shown: the model's answer did not repeat the article's internal link, so the output guard checked the answer and let it pass",
		"– Shown: 2 of 4; not shown: 1 (a typed ticket), 3 (an internal URL stopped).")
	mustNotContain(t, out, "\n✗ ")
	// The typed demo asked the server for the schema natively.
	var first map[string]any
	if err := json.Unmarshal(srv.Requests()[0], &first); err != nil {
		t.Fatal(err)
	}
	if rf, _ := first["response_format"].(map[string]any); rf["type"] != "json_schema" {
		t.Fatalf("the first request's response_format: %v", first["response_format"])
	}
}

// A naive model whose fixed answer is a valid Ticket shows the typed
// answer over HTTP; one whose answer repeats the internal link shows the
// output guard stopping it.
func TestNaiveAnswersOverHTTP(t *testing.T) {
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{Answer: `{"category":"billing","priority":"urgent","summary":"Charged twice.","order_id":"1042"}`})
	out, err := runApp(t, t.Context(), testutil.Getenv(env))
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, `✓ Classified (2 model calls, 1 tool call): category billing, priority urgent, order "1042"; summary: Charged twice.`)

	_, env = testutil.NaiveServer(t, aitest.NaiveOptions{Answer: "Use https://billing.acme.internal/orders to refund it."})
	out, err = runApp(t, t.Context(), testutil.Getenv(env))
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, urlStopped[1:]...)
	mustContain(t, out, "– Shown: 3 of 4; not shown: 1 (a typed ticket).")
	mustNotContain(t, out, "acme.internal/orders to refund")
}

// A session that ends early (a timeout, Ctrl-C) ends every demo at once
// and is the program's error.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, err := runApp(t, ctx, testutil.Offline)
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "the session ended early") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	mustNotContain(t, out, "✓ Refused", "✓ The")
}

// -h prints the shared usage; a bad flag is a usage error naming it.
func TestRunUsage(t *testing.T) {
	out, err := runApp(t, t.Context(), testutil.Offline, "-h")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "go run ./guardrails", "the support ticket to classify", "-timeout")
	_, err = runApp(t, t.Context(), testutil.Offline, "-nope")
	if cli.ExitCode(err) != 2 {
		t.Fatalf("err = %v, want a usage error", err)
	}
	_, err = runApp(t, t.Context(), testutil.Getenv(map[string]string{"TIMEOUT": "soon"}))
	if cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), "TIMEOUT") {
		t.Fatalf("err = %v, want a usage error naming TIMEOUT", err)
	}
}

// -timeout bounds the whole session (cli.WithSessionTimeout): the error
// names it, so the user knows which knob to turn.
func TestSessionTimeoutIsNamed(t *testing.T) {
	err := func() error { _, err := runApp(t, t.Context(), testutil.Offline, "-timeout=1ns"); return err }()
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "the session timeout (-timeout 1ns) ran out") {
		t.Fatalf("err = %v, want one naming the session timeout", err)
	}
}

// A ticket given with -q that carries a card number: the input guard
// refuses it before any model sees it. That is the guard working: demo 1
// says so (not shown, not ✗) and the program exits 0.
func TestQuestionWithACardNumber(t *testing.T) {
	out, err := runApp(t, t.Context(), testutil.Offline, "-q", "I was charged twice for order 1042, card "+testCard+", please fix")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out,
		"– A classified ticket was not shown: the input guard credit_card refused the ticket before any model saw it (0 model calls, 0 tool calls): a payment card number",
		"That is the guard working (demo 2)",
		"– Shown: 3 of 4; not shown: 1 (a typed ticket).")
	mustNotContain(t, out, "\n✗ ")
}

// A run that actually fails (the model's server answers HTTP 400 to demo
// 1's request) is a ✗ and the program's error: exit status 1, naming the
// demo; the other demos still run.
func TestFailedRunExitsNonZero(t *testing.T) {
	srv, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	srv.Inject(openaitest.Status(400))
	out, err := runApp(t, t.Context(), testutil.Getenv(env))
	if cli.ExitCode(err) != 1 || !strings.Contains(err.Error(), "1 of 4 demos failed: 1 (a typed ticket): The run failed:") {
		t.Fatalf("err = %v (exit %d), want demo 1 failed, exit 1\n%s", err, cli.ExitCode(err), out)
	}
	mustContain(t, out, "✗ The run failed: ", "✓ Refused before any model saw it", "– Shown: 2 of 4; not shown: 1 (a typed ticket), 3 (an internal URL stopped).")
}
