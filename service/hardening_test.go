package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// renamingModel is a provider that names a new model in every response
// (gen_ai.response.model is whatever the server sends).
type renamingModel struct{ n atomic.Int64 }

func (m *renamingModel) ModelName() string { return "gpt-test" }

func (m *renamingModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "gpt-test"}, nil
}

func (m *renamingModel) Generate(context.Context, ai.Request) (*ai.Response, error) {
	i := m.n.Add(1)
	return &ai.Response{Model: fmt.Sprintf("gpt-test-%04d-%s", i, strings.Repeat("x", 40)), Usage: ai.Usage{InputTokens: 1, OutputTokens: 1},
		Message: ai.Message{Role: ai.RoleAssistant, Content: "ok"}}, nil
}

// Issue 19: 20 responses naming new models added 1,020 series. Now the
// runtime folds a response model that is neither the one asked for nor a
// dated version of it into "_OTHER" (aigentic/otelagent), and on the
// service's /metrics internal/telemetry keeps at most 16 values of the
// label besides: the series count of the token histogram stops growing.
func TestProviderModelNamesAddBoundedSeries(t *testing.T) {
	model := &renamingModel{}
	tenants, keys := writeTenants(t, "tenants:\n  t:\n    rate: 100000\n    burst: 100000\n")
	ts := startService(t, model, "-tenants", tenants)
	series := func() (int, map[string]bool) {
		m := ts.do(t, "GET", "/metrics", keys["_metrics"], "", "")
		values := map[string]bool{}
		n := 0
		re := regexp.MustCompile(`gen_ai_response_model="([^"]*)"`)
		for _, l := range strings.Split(m.raw, "\n") {
			if strings.HasPrefix(l, "gen_ai_client_token_usage_bucket") {
				n++
				v := ""
				if s := re.FindStringSubmatch(l); s != nil {
					v = s[1]
				}
				values[v] = true
			}
		}
		return n, values
	}
	post := func(k int) {
		for range k {
			if r := ts.do(t, "POST", "/v1/runs", keys["t"], "", `{"query":"hi"}`); r.status != 200 {
				t.Fatalf("run: %d %s", r.status, r.raw)
			}
		}
	}
	post(20)
	after20, values := series()
	post(200)
	after220, _ := series()
	if len(values) > 17 || !values["_OTHER"] || after220 != after20 {
		t.Fatalf("after 20 runs: %d series, response model values %v; after 220: %d series; want \"_OTHER\" for names never asked for, no growth", after20, values, after220)
	}
	t.Logf("token histogram: %d bucket series after 20 and after 220 runs, each naming a new response model", after20)
}

// The SQLite file is created 0600 in a private (0700) directory, its WAL
// and shared-memory files too; an existing file readable by others (as
// the service made them before) is narrowed to 0600.
func TestSQLiteFileIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	db := filepath.Join(dir, "service.db")
	ts := startService(t, aitest.NewScripted(aitest.Reply("ok")), "-db", "sqlite://"+db)
	if r := ts.do(t, "POST", "/v1/runs", "", "", `{"query":"hi"}`); r.status != 200 {
		t.Fatalf("run: %d %s", r.status, r.raw)
	}
	mode := func(p string) os.FileMode {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	if m := mode(dir); m != 0o700 {
		t.Errorf("directory mode %v, want 0700", m)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if m := mode(p); m != 0o600 {
			t.Errorf("%s mode %v, want 0600", filepath.Base(p), m)
		}
	}
	ts.stop()

	old := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o644); err != nil {
		t.Fatal(err)
	}
	startService(t, aitest.NewScripted(), "-db", "sqlite://"+old)
	if m := mode(old); m != 0o600 {
		t.Errorf("an existing 0644 file is now %v, want 0600", m)
	}
	// A directory others may write is refused, never used.
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := openDatabase(context.Background(), "sqlite://"+filepath.Join(open, "x.db"), 1); err == nil || !strings.Contains(err.Error(), "writable by group or others") {
		t.Errorf("a world-writable directory: %v", err)
	}
}

// Issue 19: POST /v1/runs returned the raw run error. Now it answers as
// production demo 1 teaches: a message for the user and a reference; the
// cause is in the log under that reference.
func TestFailedRunAnswersWithASafeMessageAndAReference(t *testing.T) {
	cause := aitest.StatusError(400, 0)
	ts := startService(t, aitest.NewScripted(aitest.Fail(cause)))
	r := ts.do(t, "POST", "/v1/runs", "", "", `{"query":"hi"}`)
	ref := str(r.body["reference"])
	msg := str(r.body["error"])
	if r.status != 502 || ref == "" || msg != "The AI model could not answer this request. Please try again later. (reference: "+ref+")" {
		t.Fatalf("failed run: %d %s", r.status, r.raw)
	}
	if strings.Contains(r.raw, cause.Error()) || strings.Contains(r.raw, "400") {
		t.Fatalf("the raw error reached the client: %s", r.raw)
	}
	var line string
	for _, l := range strings.Split(ts.logs.String(), "\n") {
		if strings.Contains(l, `"msg":"run did not complete"`) && strings.Contains(l, `"reference":"`+ref+`"`) {
			line = l
		}
	}
	if !strings.Contains(line, "400") {
		t.Fatalf("no log line with the reference and the cause:\n%s", ts.logs.String())
	}
}

// Durations in the JSON log are Go duration strings, not nanoseconds.
func TestLogDurationsAreStrings(t *testing.T) {
	ts := startService(t, aitest.NewScripted())
	logs := ts.logs.String()
	if !strings.Contains(logs, `"rescue_after":"1m0s"`) || regexp.MustCompile(`"rescue_after":\d`).MatchString(logs) {
		t.Fatalf("rescue_after not a duration string:\n%s", logs)
	}
}

// Processes started together on a fresh PostgreSQL database migrate one
// after another (an advisory lock), instead of failing on a race between
// two CREATE TYPE statements.
func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	url := postgresURL(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := openDatabase(context.Background(), url, 2)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
