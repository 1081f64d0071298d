package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/hangserver"
)

// failSafe is how long a test waits for a run that must end at its
// -timeout before calling it hung: far past any -timeout below, so a
// loaded machine never trips it; it is a fail-safe, not a measurement.
const failSafe = 2 * time.Minute

// blackhole listens on loopback, accepts every connection and never
// answers (the breaker's zbreak/blackhole): a server that hangs. Its
// connections are closed when the test ends.
func blackhole(t *testing.T) string {
	t.Helper()
	return hangserver.Listen(t)
}

// within runs f and returns its error, failing the test if f has not
// returned after failSafe.
func within(t *testing.T, f func() error) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- f() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(failSafe):
		t.Fatalf("still running after %s: -timeout did not bound the session", failSafe)
		return nil
	}
}

// TestTimeoutBoundsSessionOnHangingServer is the breaker's case: a
// server that accepts connections and never answers. run (the program,
// on the process's environment) returns at -timeout with an error that
// says the session timeout ran out, and where — not after the transport's
// own timeouts, minutes later.
func TestTimeoutBoundsSessionOnHangingServer(t *testing.T) {
	t.Setenv("OPENAI_BASE_URL", "http://"+blackhole(t)+"/v1")
	t.Setenv("OPENAI_API_KEY", "x")
	t.Setenv("AIGENTIC_TRACE_DIR", t.TempDir())
	err := within(t, func() error { return run(context.Background(), []string{"-timeout", "300ms"}, io.Discard) })
	if !errors.Is(err, context.DeadlineExceeded) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v, want the session timeout (context.DeadlineExceeded), exit status 1", err)
	}
	if !strings.Contains(err.Error(), "the session timeout (-timeout 300ms) ran out") {
		t.Errorf("error %q does not say the session timeout ran out", err)
	}
}

// hangs answers the health checks and never answers a request for a
// completion: it returns only when the call's context ends.
type hangs struct{ ai.Model }

func (hangs) Generate(ctx context.Context, _ ai.Request) (*ai.Response, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestTimeoutBoundsEveryDemo: past the health check, each demo is bound
// to the session timeout too — demos 1 to 6 as well as 7 — and the
// output says which demo the timeout stopped.
func TestTimeoutBoundsEveryDemo(t *testing.T) {
	t.Parallel()
	for n := 1; n <= len(demos); n++ {
		args := []string{"-timeout", "200ms", "-demo", string(rune('0' + n))}
		var r testRun
		err := within(t, func() error {
			r = runSys(t, context.Background(), args, nil, system{model: hangs{aitest.NewNaive(aitest.NaiveOptions{})}})
			return r.err
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("demo %d: err = %v, want the session timeout\n%s", n, err, r.out)
			continue
		}
		want := "The session timeout (-timeout 200ms) ran out during demo " + string(rune('0'+n)) + ": "
		if !strings.Contains(r.out, want) || !strings.Contains(err.Error(), "during demo "+string(rune('0'+n))) {
			t.Errorf("demo %d: output lacks %q, or error %q does not name the demo\n%s", n, want, err, r.out)
		}
	}
}

// TestFailingServerIsSaidOnce: a server that answers every request with
// HTTP 500 is reported once, as the server failing with its own words —
// the way the single-run examples report it — not as demos that "did not
// behave as designed".
func TestFailingServerIsSaidOnce(t *testing.T) {
	t.Parallel()
	faults := make([]openaitest.Fault, 200)
	for i := range faults {
		faults[i] = openaitest.Status(500)
	}
	srv := openaitest.NewServer(t, aitest.NewNaive(aitest.NaiveOptions{}), openaitest.WithFaults(faults...))
	r := runTest(t, nil, map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "naive"})
	if r.err == nil || cli.ExitCode(r.err) != 1 {
		t.Fatalf("err = %v, want a failure\n%s", r.err, r.out)
	}
	var down *cli.ServerDown
	if !errors.As(r.err, &down) || !strings.HasPrefix(r.err.Error(), "the model's server is failing: ") || !strings.Contains(r.err.Error(), "(HTTP 500 Internal Server Error)") {
		t.Errorf("err = %v, want a *cli.ServerDown saying the server is failing, with its HTTP 500", r.err)
	}
	if n := strings.Count(r.out, "did not behave as designed"); n != 0 || strings.Contains(r.out, "Demo 2:") {
		t.Errorf("%d failure lines, or the demos went on:\n%s", n, r.out)
	}
}
