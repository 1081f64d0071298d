package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestAllDemosOffline(t *testing.T) {
	t.Parallel()
	r := runTest(t, nil, nil)
	if r.err != nil {
		t.Fatalf("run: %v\n%s", r.err, r.out)
	}
	mustContain(t, r.out, shownAll...)
	if strings.Contains(r.out, "not shown") {
		t.Errorf("the offline model lets every pattern happen:\n%s", r.out)
	}
}

// naiveServer is testutil.NaiveServer: a fake OpenAI server whose model
// calls the first tool it is offered with schema-derived arguments, then
// answers "Done.".
var naiveServer = testutil.NaiveServer

// TestDemosOnNaiveModelOverHTTP runs every demo through the OpenAI
// provider against a model that makes none of the choices the demos hope
// for: check_system_status with "api", lookup_order with order 1, and so
// on. Every pattern still shows.
func TestDemosOnNaiveModelOverHTTP(t *testing.T) {
	t.Parallel()
	srv, env := naiveServer(t, aitest.NaiveOptions{})
	r := runTest(t, nil, env)
	if r.err != nil {
		t.Fatalf("run: %v\n%s", r.err, r.out)
	}
	mustContain(t, r.out, shownOnePerTurn...)
	mustContain(t, r.out, `→ check_system_status {"component":"api"}`, "✗ check_system_status error result: api status unavailable",
		`→ export_to_erp {"batch_id":1}`, `→ generate_report {"period":"daily"}`,
		"Model: naive on the OpenAI-compatible server "+srv.URL()+".",
		`"tool_timeouts":0,"tools_abandoned":0,`, `"cost_known":false`)
	if strings.Contains(r.out, `"cost_usd"`) {
		t.Error(`an unknown price gave a "cost_usd" field: it must stay a number or be absent`)
	}
	if strings.Contains(r.out, env["OPENAI_API_KEY"]) {
		t.Error("the API key appears in the output")
	}
}

// TestDemosOnSlowNaiveModel scales the case (1.5s per response,
// a 1s session timeout) down by 75: a model slower (20ms per response)
// than demo 6a's session timeout (here 10ms). The timeout counts from the
// tool's start, so the run still reaches the slow tool, and the verdict
// says where it stopped. (With the timeout counted from the session's
// start, 6a stops during model call 1 and this test fails.)
func TestDemosOnSlowNaiveModel(t *testing.T) {
	t.Parallel()
	_, env := naiveServer(t, aitest.NaiveOptions{Latency: 20 * time.Millisecond})
	r := runSys(t, context.Background(), nil, env, system{deadline: 10 * time.Millisecond})
	if r.err != nil {
		t.Fatalf("run: %v\n%s", r.err, r.out)
	}
	mustContain(t, r.out, shownOnePerTurn...)
}

// mute never calls a tool.
type mute struct{ ai.Model }

func (mute) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "I would rather not."}, FinishReason: "stop"}, nil
}

// TestModelThatCallsNoTool: what cannot be forced is said plainly, and the
// rest still shows.
func TestModelThatCallsNoTool(t *testing.T) {
	t.Parallel()
	r := runSys(t, context.Background(), nil, nil, system{model: mute{aitest.NewNaive(aitest.NaiveOptions{})}})
	if r.err != nil {
		t.Fatalf("run: %v\n%s", r.err, r.out)
	}
	mustContain(t, r.out,
		"1a not shown: the model answered without calling check_system_status",
		"1b not shown: the model answered without calling query_database",
		"6a not shown: the model answered without calling generate_report",
		"6b not shown: the model answered without calling generate_report",
		"6c not shown: the model answered without calling export_to_erp",
		"6d not shown: the model answered without calling generate_report",
		"6e not shown: the model answered without calling lookup_order",
		"7 not shown: the model answered without calling a tool",
		"✓ 1c: 1 injected 503", "✓ Stopped at exactly 3 of 3 model calls", "✓ 4b:", "✓ Each logger kept only records",
		"7 demos ran as designed, but on this model 8 parts could not be shown: 1a (")
}

func TestDemoFailureIsAnError(t *testing.T) {
	t.Parallel()
	// A model that always fails permanently: demo 1c cannot recover.
	failing := aitest.Inject(aitest.NewNaive(aitest.NaiveOptions{})).FailNext(
		errors.New("a"), errors.New("b"), errors.New("c"), errors.New("d"), errors.New("e"))
	r := runSys(t, context.Background(), []string{"-demo", "1"}, nil, system{model: failing})
	if r.err == nil || cli.ExitCode(r.err) != 1 {
		t.Fatalf("err = %v, want a failure with exit status 1\n%s", r.err, r.out)
	}
	mustContain(t, r.out, "✗ Demo 1 did not behave as designed: 1a: the run should have recovered")
}

func TestInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := runSys(t, ctx, []string{"-demo", "3"}, nil, system{})
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", r.err)
	}
	mustContain(t, r.out, "Interrupted (context canceled) during demo 3: MaxLLMCalls Limit.")
}

// TestLogThroughPrinter: the runtime's records reach the output only when
// asked for, dimmed after each run's events; ENV=prod keeps no Info.
func TestLogThroughPrinter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env        map[string]string
		want, not_ []string
	}{
		{nil, nil, []string{"log: level="}},
		{map[string]string{"ENV": "dev"}, []string{"    log: level=DEBUG msg=\"model request\"", "log: level=INFO msg=\"run finished\""}, nil},
		{map[string]string{"ENV": "prod"}, []string{"log: level=WARN msg=\"retrying after transient failure\""}, []string{"log: level=INFO", "log: level=DEBUG", `"level":"INFO"`}},
		{map[string]string{"ENV": "prod", "LOG_LEVEL": "error"}, []string{"log: level=ERROR msg=\"run failed\""}, []string{"log: level=WARN"}},
	} {
		r := runTest(t, []string{"-demo", "1"}, tc.env)
		if tc.env["ENV"] == "prod" {
			r7 := runTest(t, []string{"-demo", "7"}, tc.env)
			r.out += r7.out
		}
		if r.err != nil {
			t.Fatalf("%v: %v", tc.env, r.err)
		}
		mustContain(t, r.out, tc.want...)
		for _, n := range tc.not_ {
			if strings.Contains(r.out, n) {
				t.Errorf("%v: output has %q:\n%s", tc.env, n, r.out)
			}
		}
		// In order: a run's records follow its events and precede its
		// verdict (1a logs a Warn: its error result).
		if tc.env != nil && tc.env["LOG_LEVEL"] == "" {
			ev := strings.Index(r.out, "→ check_system_status")
			lg := strings.Index(r.out, "log: level=")
			vd := strings.Index(r.out, "✓ 1a")
			if !(ev < lg && lg < vd) {
				t.Errorf("%v: events at %d, log at %d, verdict at %d: out of order", tc.env, ev, lg, vd)
			}
		}
	}
}

func TestRetryWaits(t *testing.T) {
	t.Parallel()
	r := runTest(t, []string{"-demo", "4"}, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	// Jitter 0: half of 50ms, then the 429's Retry-After capped at 200ms;
	// 4b: the 503's 25ms, then it gives up.
	want := []time.Duration{25 * time.Millisecond, 200 * time.Millisecond, 25 * time.Millisecond}
	if len(r.waits) < 3 || r.waits[0] != want[0] || r.waits[1] != want[1] {
		t.Errorf("waits = %v, want to start with %v", r.waits, want)
	}
}

func TestListAndPrices(t *testing.T) {
	t.Parallel()
	r := runTest(t, []string{"-list"}, nil)
	if r.err != nil || strings.Count(r.out, "\n") != 7 {
		t.Errorf("-list: %v\n%s", r.err, r.out)
	}
	// The descriptions line up: each starts where the first does.
	for i, line := range strings.Split(strings.TrimSuffix(r.out, "\n"), "\n") {
		d := demos[i]
		if at, want := strings.Index(line, d.shows), strings.Index(r.out, demos[0].shows); at != want {
			t.Errorf("-list: demo %d's description starts at column %d, the first's at %d:\n%s", i+1, at, want, r.out)
		}
	}
	r = runTest(t, []string{"-demo", "7"}, map[string]string{"PRICE_PER_MTOK_IN": "1", "PRICE_PER_MTOK_OUT": "2"})
	if r.err != nil {
		t.Fatal(r.err)
	}
	mustContain(t, r.out, "Cost estimate: $1 per 1M input tokens, $2 per 1M output tokens (from PRICE_PER_MTOK_IN/OUT).", `"cost_usd":0.000`)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-demo", "9"}, nil, "-demo 9: no such demo; use 1-7"},
		{[]string{"-demo", "x"}, nil, `invalid value "x" for flag -demo: not a whole number; -demo N: run only demo N (1-7)`},
		{nil, map[string]string{"PRICE_PER_MTOK_IN": "1"}, "set both"},
		{nil, map[string]string{"PRICE_PER_MTOK_IN": "-1", "PRICE_PER_MTOK_OUT": "1"}, `PRICE_PER_MTOK_IN="-1" is not valid`},
	} {
		r := runTest(t, tc.args, tc.env)
		if cli.ExitCode(r.err) != 2 || !strings.Contains(r.err.Error(), tc.want) {
			t.Errorf("%v %v: err = %v, want a usage error with %q", tc.args, tc.env, r.err, tc.want)
		}
	}
}

// TestBaseURLCredentialsNeverPrinted: a base URL with user information
// works, and neither the user nor the password reaches the output.
func TestBaseURLCredentialsNeverPrinted(t *testing.T) {
	t.Parallel()
	srv, env := naiveServer(t, aitest.NaiveOptions{})
	env["OPENAI_BASE_URL"] = strings.Replace(srv.URL(), "http://", "http://operator:s3cret-pass@", 1)
	r := runTest(t, []string{"-demo", "7"}, env)
	if r.err != nil {
		t.Fatalf("run: %v\n%s", r.err, r.out)
	}
	if strings.Contains(r.out, "s3cret-pass") {
		t.Errorf("the base URL's password in the output:\n%s", r.out)
	}
	mustContain(t, r.out, "Model: naive on the OpenAI-compatible server "+strings.Replace(srv.URL(), "http://", "http://operator:***@", 1)+".")
}

// With the model's server down, one line names the server — not a
// failure line per demo.
func TestServerDownIsOneLine(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	r := runTest(t, nil, map[string]string{"OPENAI_BASE_URL": "http://" + addr + "/v1", "OPENAI_MODEL": "tiny-qwen"})
	if r.err == nil || cli.ExitCode(r.err) != 1 {
		t.Fatalf("err = %v\n%s", r.err, r.out)
	}
	if !strings.Contains(r.err.Error(), "cannot reach the server at "+addr+": connection refused; every demo needs it") {
		t.Errorf("error %q does not name the server", r.err)
	}
	if n := strings.Count(r.out, "did not behave as designed"); n != 0 || strings.Contains(r.out, "Demo 2:") {
		t.Errorf("%d failure lines, or the demos went on:\n%s", n, r.out)
	}
}

// llama-server serves any model name and cannot look one up: demo 7 says
// its health check could not verify the model, names the model that
// answered, and does not call the setup held.
func TestUnverifiedModelIsNotCalledHeld(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, aitest.NewNaive(aitest.NaiveOptions{}), openaitest.WithQuirks(openaitest.AnyModelName))
	r := runTest(t, []string{"-demo", "7"}, map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "gpt-4o-typo"})
	if r.err != nil {
		t.Fatalf("run: %v\n%s", r.err, r.out)
	}
	mustContain(t, r.out, "Health check: the server answered, but could not verify model gpt-4o-typo: reachable, but the server does not list model \"gpt-4o-typo\" (it lists \"naive\")",
		"The answers came from model naive, not gpt-4o-typo as asked",
		"7 not shown: the health check could not verify model gpt-4o-typo")
	for _, claim := range []string{"model.Ping ok", "the production setup held"} {
		if strings.Contains(r.out, claim) {
			t.Errorf("the output claims %q:\n%s", claim, r.out)
		}
	}
}
