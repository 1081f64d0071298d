package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// TestMain runs a worker process when the crash and load tests re-execute
// this binary as one (childEnv); otherwise the tests, failing on any
// goroutine left behind (River's clients must be stopped, pools closed).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	goleak.VerifyTestMain(m)
}

// testService is a service running in this process on a fresh SQLite file.
type testService struct {
	*service
	url  string
	logs *testutil.SyncBuffer
	stop func()
}

// startService starts a service with args added to fast test defaults
// (-role all, a fresh SQLite file, 10ms polling) and stops it at cleanup.
func startService(t *testing.T, model ai.Model, args ...string) *testService {
	t.Helper()
	base := []string{"-addr", "127.0.0.1:0", "-db", "sqlite://" + filepath.Join(t.TempDir(), "test.db"),
		"-poll-interval", "10ms", "-shutdown-grace", "100ms", "-rescue-after", "1m"}
	logs := &testutil.SyncBuffer{}
	cfg, err := parseConfig(append(base, args...), func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := newService(ctx, cfg, logger, options{model: model, eventPoll: 10 * time.Millisecond})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- s.serve(ctx, func(a string) { addr <- a })
		s.db.Close()
	}()
	ts := &testService{service: s, logs: logs}
	select {
	case a := <-addr:
		ts.url = "http://" + a
	case err := <-done:
		cancel()
		t.Fatalf("service did not start: %v", err)
	}
	var once sync.Once
	ts.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("service stopped with %v", err)
			}
		})
	}
	t.Cleanup(ts.stop)
	return ts
}

// response is an HTTP answer, its body decoded.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends a request; body "" sends none; contentType "" means JSON.
func (ts *testService) do(t *testing.T, method, path, tenant, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType == "" {
		contentType = "application/json"
	}
	if body != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tenant != "" {
		req.Header.Set("X-Tenant-ID", tenant)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, path, raw, err)
		}
	}
	return r
}

// waitJob polls GET /v1/jobs/{id} until its state is one of states.
func (ts *testService) waitJob(t *testing.T, tenant string, id any, states ...string) response {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var r response
	for time.Now().Before(deadline) {
		r = ts.do(t, "GET", "/v1/jobs/"+jsonNumber(id), tenant, "", "")
		for _, s := range states {
			if r.body["state"] == s {
				return r
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("job %v never reached %v: last %s", id, states, r.raw)
	return r
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// writeTenants writes a tenants file and returns its path.
func writeTenants(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// ticketCount (tests) counts the tickets with keys starting with prefix.
func (s *store) ticketCount(ctx context.Context, prefix string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM aigentic_ticket WHERE idempotency_key LIKE $1`, prefix+"%").Scan(&n)
	return n, err
}
