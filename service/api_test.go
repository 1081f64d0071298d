package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// testClock is an injected clock (options.now) tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock(t time.Time) *testClock { return &testClock{t: t} }

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Bad input gets a clear JSON error with the right status, reaches no
// model, and loses nothing: a job finished before is unchanged, and a good
// request after still works.
func TestBadInputIsAClearJSONErrorAndLosesNothing(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("first answer"), aitest.Reply("second answer"))
	ts := startService(t, model)
	done := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"hello"}`)
	if done.status != 202 {
		t.Fatalf("POST /v1/jobs = %d %s", done.status, done.raw)
	}
	finished := ts.waitJob(t, "", done.body["id"], "completed")
	id := done.body["id"].(string)

	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		want                            string
	}{
		{"malformed JSON", "POST", "/v1/jobs", "", `{"query": "hi"`, 400, "malformed JSON"},
		{"not JSON at all", "POST", "/v1/runs", "", `query=hi`, 400, "malformed JSON at byte 1"},
		{"wrong content type", "POST", "/v1/runs", "application/x-www-form-urlencoded", `query=hi`, 415, "want application/json"},
		{"no content type", "POST", "/v1/jobs", "text/plain", `{"query":"hi"}`, 415, `Content-Type "text/plain"`},
		{"content type too long", "POST", "/v1/jobs", "application/json; x=" + strings.Repeat("a", 200), `{"query":"hi"}`, 415, "Content-Type too long"},
		{"oversized body", "POST", "/v1/jobs", "", `{"query":"` + strings.Repeat("a", maxBodyBytes) + `"}`, 413, "larger than 65536 bytes"},
		{"oversized query", "POST", "/v1/jobs", "", `{"query":"` + strings.Repeat("a", maxQueryBytes+1) + `"}`, 413, "query longer than 8192 bytes"},
		{"unknown field", "POST", "/v1/jobs", "", `{"query":"hi","priority":1}`, 400, `unknown field "priority"`},
		{"long unknown field is not echoed whole", "POST", "/v1/jobs", "", `{"` + strings.Repeat("p", 5000) + `":1}`, 400, `unknown field "` + strings.Repeat("p", maxEcho) + `"…`},
		{"wrong type", "POST", "/v1/jobs", "", `{"query":42}`, 400, `field "query": want a JSON string, not a JSON number`},
		{"a field given twice", "POST", "/v1/jobs", "", `{"query":"a","query":"b"}`, 400, `field "query" given twice`},
		{"a field in another case", "POST", "/v1/runs", "", `{"Query":"a"}`, 400, `unknown field "Query": field names are case-sensitive; did you mean "query"?`},
		{"array body", "POST", "/v1/jobs", "", `[]`, 400, `request body must be a JSON object, not a JSON array`},
		{"two objects", "POST", "/v1/jobs", "", `{"query":"a"}{"query":"b"}`, 400, "a single JSON object"},
		{"empty body", "POST", "/v1/runs", "", ` `, 400, "request body is empty"},
		{"empty query", "POST", "/v1/runs", "", `{"query":"  "}`, 400, `"query" is required`},
		{"NUL in the query", "POST", "/v1/jobs", "", `{"query":"a\u0000b"}`, 400, `"query" holds a control character (U+0000) at byte 1`},
		{"escape in the query", "POST", "/v1/runs", "", `{"query":"a\u001b[31mred"}`, 400, "control character (U+001B)"},
		{"query parameters", "GET", jobPath(id, "?include=all"), "", ``, 400, "takes no query parameters"},
		{"unknown job id", "GET", "/v1/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa", "", ``, 404, `no such job`},
		{"River's id", "GET", "/v1/jobs/1", "", ``, 404, `no such job`},
		{"malformed job id", "GET", "/v1/jobs/abc", "", ``, 404, `no such job`},
		{"cancel of a finished job", "POST", jobPath(id, "/cancel"), "", ``, 409, "already ended (completed)"},
		{"cancel of an unknown job", "POST", "/v1/jobs/job_bbbbbbbbbbbbbbbbbbbbbbbbbb/cancel", "", ``, 404, `no such job`},
		{"unknown endpoint", "GET", "/debug/vars", "", ``, 404, "no such endpoint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.do(t, c.method, c.path, "", c.ctype, c.body)
			msg, _ := r.body["error"].(string)
			if r.status != c.status || !strings.Contains(msg, c.want) || len(r.body) != 1 || len(msg) > 400 {
				t.Fatalf("status %d body %.500s; want %d and an error containing %q", r.status, r.raw, c.status, c.want)
			}
		})
	}
	if model.Calls() != 1 {
		t.Fatalf("bad requests reached the model: %d calls, want the 1 of the good job", model.Calls())
	}
	again := ts.do(t, "GET", jobPath(id), "", "", "")
	if again.raw != finished.raw {
		t.Fatalf("finished job changed:\n%s\n%s", finished.raw, again.raw)
	}
	if r := ts.do(t, "POST", "/v1/runs", "", "", `{"query":"hello again"}`); r.status != 200 || r.body["answer"] != "second answer" {
		t.Fatalf("good request after bad ones: %d %s", r.status, r.raw)
	}
}

const admissionTenants = `
tenants:
  trial:
    max_llm_calls: 3
    timeout: 5s
    rate: 0.5
    burst: 1
    daily_token_budget: 100
    run_token_reservation: 50
`

// Admission happens when the request arrives: over the rate → 429 with
// Retry-After, over the day's token budget → 429 naming the budget,
// without a key → 401; refused requests reach no model and no tool, and
// are logged at Info, not as errors.
func TestAdmissionRefusesBeforeAnyModelCallOrTool(t *testing.T) {
	admissionTest(t)
}

// The same on PostgreSQL, where the token usage and the rate live in the
// shared database.
func TestAdmissionOnPostgres(t *testing.T) {
	admissionTest(t, "-db", postgresURL(t))
}

func admissionTest(t *testing.T, args ...string) {
	step := aitest.CallTools(ai.ToolCall{ID: "c1", Name: "open_ticket", Arguments: `{"subject":"late"}`})
	model := aitest.NewScripted(step, aitest.Reply("opened"), step, aitest.Reply("opened"))
	tenants, keys := writeTenants(t, admissionTenants)
	clock := newTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ts := startServiceWith(t, options{model: model, now: clock.now}, append([]string{"-tenants", tenants}, args...)...)
	key := keys["trial"]

	if r := ts.do(t, "POST", "/v1/runs", key, "", `{"query":"open a ticket"}`); r.status != 200 || r.body["outcome"] != "ok" {
		t.Fatalf("first request: %d %s", r.status, r.raw)
	}
	calls, tickets := model.Calls(), ticketsOf(t, ts)
	if calls != 2 || tickets != 1 {
		t.Fatalf("first request made %d model calls and %d tickets", calls, tickets)
	}

	// Rate: 0.5/s with burst 1 → the next token in 2 s.
	for _, path := range []string{"/v1/runs", "/v1/jobs"} {
		r := ts.do(t, "POST", path, key, "", `{"query":"open a ticket"}`)
		if r.status != 429 || r.header.Get("Retry-After") != "2" || !strings.Contains(r.body["error"].(string), "request rate exceeded") {
			t.Fatalf("%s over the rate: %d Retry-After %q %s", path, r.status, r.header.Get("Retry-After"), r.raw)
		}
	}
	// No key: 401 for writes and reads.
	if r := ts.do(t, "POST", "/v1/runs", "", "", `{"query":"x"}`); r.status != 401 {
		t.Fatalf("no key: %d %s", r.status, r.raw)
	}
	if r := ts.do(t, "GET", "/v1/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa", "", "", ``); r.status != 401 {
		t.Fatalf("no key on a read: %d %s", r.status, r.raw)
	}

	// Budget: the first run used 30 tokens; add 70 more today.
	if err := ts.store.addTokens(context.Background(), "trial", 70); err != nil {
		t.Fatal(err)
	}
	clock.add(10 * time.Second) // a rate token is back
	r := ts.do(t, "POST", "/v1/jobs", key, "", `{"query":"open a ticket"}`)
	if msg, _ := r.body["error"].(string); r.status != 429 || !strings.Contains(msg, "daily token budget: 100 of 100 tokens") || r.header.Get("Retry-After") != "43190" {
		t.Fatalf("over the budget: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.raw)
	}
	if model.Calls() != calls || ticketsOf(t, ts) != tickets {
		t.Fatalf("a refused request reached the model (%d calls) or a tool (%d tickets)", model.Calls(), ticketsOf(t, ts))
	}
	// The next UTC day the budget is fresh.
	clock.add(12 * time.Hour)
	if r := ts.do(t, "POST", "/v1/runs", key, "", `{"query":"open a ticket"}`); r.status != 200 {
		t.Fatalf("next day: %d %s", r.status, r.raw)
	}
	logs := ts.logs.String()
	if n := strings.Count(logs, `"msg":"request refused"`); n != 5 || strings.Contains(logs, `"level":"ERROR"`) {
		t.Fatalf("refusals logged %d times (want 5: two over the rate, two without a key, one over the budget), or logged as errors:\n%s", n, logs)
	}
}

func ticketsOf(t *testing.T, ts *testService) int {
	t.Helper()
	n, err := ts.store.ticketCount(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Shutdown lets a request in flight finish with its answer, and takes no
// new connection.
func TestShutdownFinishesInFlightRequest(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("finished anyway").After(200 * time.Millisecond))
	ts := startService(t, model)
	stopped := make(chan struct{})
	go func() {
		for model.Calls() == 0 {
			time.Sleep(time.Millisecond)
		}
		ts.stop()
		close(stopped)
	}()
	r := ts.do(t, "POST", "/v1/runs", "", "", `{"query":"slow"}`)
	if r.status != 200 || r.body["answer"] != "finished anyway" {
		t.Fatalf("in-flight request: %d %s", r.status, r.raw)
	}
	<-stopped
	if _, err := http.Get(ts.url + "/healthz"); err == nil {
		t.Fatal("a new request was served after shutdown")
	}
}
