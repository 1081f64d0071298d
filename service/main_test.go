package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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
func startService(t testing.TB, model ai.Model, args ...string) *testService {
	t.Helper()
	return startServiceWith(t, options{model: model}, args...)
}

// startServiceWith is startService with options (a clock, an environment);
// o.model serves every tenant unless nil (then the environment's model).
func startServiceWith(t testing.TB, o options, args ...string) *testService {
	t.Helper()
	return startServiceAt(t, slog.LevelDebug, o, args...)
}

// startServiceAt is startServiceWith logging at level (the benchmarks log
// at Info, as production does).
func startServiceAt(t testing.TB, level slog.Level, o options, args ...string) *testService {
	t.Helper()
	base := []string{"-addr", "127.0.0.1:0", "-db", "sqlite://" + filepath.Join(t.TempDir(), "test.db"),
		"-poll-interval", "10ms", "-shutdown-grace", "100ms", "-rescue-after", "1m"}
	logs := &testutil.SyncBuffer{}
	cfg, err := parseConfig(append(base, args...), func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logger := newLogger(logs, level)
	if o.getenv == nil {
		o.getenv = func(string) string { return "" }
	}
	o.eventPoll = 10 * time.Millisecond
	s, err := newService(ctx, cfg, logger, o)
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

// do sends a request with key as its bearer key ("" sends none); body ""
// sends none; contentType "" means JSON.
func (ts *testService) do(t testing.TB, method, path, key, contentType, body string) response {
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
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return ts.send(t, req)
}

// send sends req and reads the answer.
func (ts *testService) send(t testing.TB, req *http.Request) response {
	t.Helper()
	method, path := req.Method, req.URL.Path
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
func (ts *testService) waitJob(t testing.TB, key string, id any, states ...string) response {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var r response
	for time.Now().Before(deadline) {
		r = ts.do(t, "GET", jobPath(id), key, "", "")
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

// jobPath is /v1/jobs/<id> for the id a POST /v1/jobs answered.
func jobPath(id any, suffix ...string) string {
	s, _ := id.(string)
	return "/v1/jobs/" + s + strings.Join(suffix, "")
}

// tenantLine is a tenant's line in a test tenants file ("  acme:").
var tenantLine = regexp.MustCompile(`(?m)^  ([A-Za-z0-9_.-]+):[ \t]*$`)

// approverMark is a placeholder in a test tenants file: APPROVER (or
// APPROVER2, …) in a tenant's lines becomes the id of a further key of
// that tenant, keys["<tenant>.approver"] ("<tenant>.approver2", …), e.g.
// "    approver_keys: [APPROVER]".
var approverMark = regexp.MustCompile(`\bAPPROVER(\d*)\b`)

// writeTenants writes a tenants file with a fresh API key for each tenant
// (an api_keys entry added under its line) and one for each approverMark,
// an admin key and a metrics key, and returns its path and the keys: by
// tenant ID, "<tenant>.approver…", and "_admin" and "_metrics".
func writeTenants(t testing.TB, yaml string) (string, map[string]string) {
	t.Helper()
	keys := map[string]string{}
	entry := func(name string) (id, entry string) {
		key, e, err := newKey("")
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = key
		return e.ID, fmt.Sprintf("{id: %s, sha256: %s}", e.ID, e.SHA256)
	}
	lines := strings.Split(yaml, "\n")
	extra := map[string][]string{}
	cur := ""
	for i, line := range lines {
		if m := tenantLine.FindStringSubmatch(line); m != nil {
			cur = m[1]
			continue
		}
		lines[i] = approverMark.ReplaceAllStringFunc(line, func(mark string) string {
			id, e := entry(cur + ".approver" + approverMark.FindStringSubmatch(mark)[1])
			extra[cur] = append(extra[cur], e)
			return id
		})
	}
	yaml = tenantLine.ReplaceAllStringFunc(strings.Join(lines, "\n"), func(line string) string {
		id := tenantLine.FindStringSubmatch(line)[1]
		_, e := entry(id)
		return line + "\n    api_keys: [" + strings.Join(append([]string{e}, extra[id]...), ", ") + "]"
	})
	_, admin := entry("_admin")
	_, metrics := entry("_metrics")
	yaml = "admin_keys: [" + admin + "]\nmetrics_keys: [" + metrics + "]\n" + yaml
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, keys
}

// ticketCount (tests) counts the tickets with keys starting with prefix.
func (s *store) ticketCount(ctx context.Context, prefix string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM aigentic_ticket WHERE idempotency_key LIKE $1`, prefix+"%").Scan(&n)
	return n, err
}

// jobRow (tests) is the aigentic_run row of the job with this public id.
func jobRow(t *testing.T, ts *testService, publicID string) *runRow {
	t.Helper()
	var id int64
	if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT job_id FROM aigentic_job WHERE public_id = $1`, publicID).Scan(&id); err != nil {
		t.Fatalf("job %s: %v", publicID, err)
	}
	row, err := ts.store.loadRun(context.Background(), id)
	if err != nil {
		t.Fatalf("job %s: %v", publicID, err)
	}
	return row
}

// riverIDOf (tests) is River's id of the job with this public id.
func riverIDOf(t *testing.T, ts *testService, publicID any) int64 {
	t.Helper()
	var id int64
	if err := ts.db.sql.QueryRowContext(context.Background(), `SELECT job_id FROM aigentic_job WHERE public_id = $1`, str(publicID)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
