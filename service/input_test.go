package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// Issue 19: a 900 kB X-Tenant-ID was logged at Info and echoed in the 403
// body whole, with no rate limit. Now net/http refuses headers past
// maxHeaderBytes (431) before any handler runs, and a value under that
// limit is refused without being echoed or logged.
func TestHugeHeadersAreNeitherEchoedNorLogged(t *testing.T) {
	tenants, _ := writeTenants(t, twoTenants)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants)
	before := len(ts.logs.String())
	huge := strings.Repeat("m", 900<<10)
	req, _ := http.NewRequest("POST", ts.url+"/v1/jobs", strings.NewReader(`{"query":"hi"}`))
	req.Header.Set("X-Tenant-ID", huge)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("900 kB header: %d, want 431", resp.StatusCode)
		}
	} // else the server closed the connection mid-upload: refused too
	for _, h := range [][]string{{"X-Tenant-ID", strings.Repeat("m", 10<<10)}, {"Authorization", "Bearer " + strings.Repeat("k", 10<<10)}} {
		r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, h...)
		if r.status/100 != 4 || len(r.raw) > 300 || strings.Contains(r.raw, "mmmmmmmmmm") || strings.Contains(r.raw, "kkkkkkkkkk") {
			t.Fatalf("10 kB %s: %d %.300s", h[0], r.status, r.raw)
		}
	}
	logged := ts.logs.String()[before:]
	if strings.Contains(logged, "mmmmmmmmmm") || strings.Contains(logged, "kkkkkkkkkk") {
		t.Fatalf("the log holds the header:\n%.2000s", logged)
	}
	for _, line := range strings.Split(logged, "\n") {
		if len(line) > 600 {
			t.Fatalf("a log line of %d bytes:\n%.600s", len(line), line)
		}
	}
}

// Refused requests are all counted, with bounded labels, and logged at a
// bounded rate: 300 requests with bad keys on a frozen clock make exactly
// refusalLogBurst lines; a second later the next line says how many were
// left out. The count is read from the real /metrics output.
func TestRefusalsAreCountedAndLoggedAtABoundedRate(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenants)
	clock := newTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ts := startServiceWith(t, options{model: aitest.NewScripted(), now: clock.now}, "-tenants", tenants)
	before := strings.Count(ts.logs.String(), `"msg":"request refused"`)
	for i := range 300 {
		ts.do(t, "POST", "/v1/jobs", "aig_"+strconv.Itoa(10_000_000+i)+"_"+strings.Repeat("a", keySecretLen), "", `{"query":"hi"}`)
	}
	logs := ts.logs.String()
	if n := strings.Count(logs, `"msg":"request refused"`) - before; n != refusalLogBurst {
		t.Fatalf("%d refusals logged on a frozen clock, want the burst %d", n, refusalLogBurst)
	}
	clock.add(time.Second)
	ts.do(t, "GET", "/v1/jobs/job_x", "", "", "")
	if !strings.Contains(ts.logs.String()[len(logs):], `"refusals_not_logged":280`) {
		t.Fatalf("the line after a quiet spell does not count the 280 left out:\n%s", ts.logs.String()[len(logs):])
	}
	m := ts.do(t, "GET", "/metrics", keys["_metrics"], "", "")
	re := regexp.MustCompile(`(?m)^aigentic_service_requests_refused_total\{(.*)\} (\d+)$`)
	var unauth int
	for _, s := range re.FindAllStringSubmatch(m.raw, -1) {
		if strings.Contains(s[1], "tenant=") {
			t.Errorf("a refusal before authentication has a tenant label: %s", s[0])
		}
		if strings.Contains(s[1], `reason="unauthenticated"`) {
			n, _ := strconv.Atoi(s[2])
			unauth += n
		}
	}
	if unauth != 301 {
		t.Fatalf("unauthenticated refusals counted %d, want 301:\n%s", unauth, strings.Join(re.FindAllString(m.raw, -1), "\n"))
	}
}

// A wrong method on a known route is 405 with Allow; 404 is only for
// paths no route has.
func TestMethodNotAllowedNamesTheAllowedMethods(t *testing.T) {
	ts := startService(t, aitest.NewScripted())
	id := "/v1/jobs/job_" + strings.Repeat("a", 26)
	for _, c := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"DELETE", id, 405, "GET, HEAD"},
		{"PUT", "/v1/jobs", 405, "POST"},
		{"GET", "/v1/jobs", 405, "POST"},
		{"GET", "/v1/runs", 405, "POST"},
		{"GET", id + "/cancel", 405, "POST"},
		{"POST", "/metrics", 405, "GET, HEAD"},
		{"POST", "/healthz", 405, "GET, HEAD"},
		{"GET", "/v1/nothing", 404, ""},
		{"GET", "/", 404, ""},
		{"DELETE", "/v1/nothing", 404, ""},
	} {
		r := ts.do(t, c.method, c.path, "", "", "")
		if r.status != c.status || r.header.Get("Allow") != c.allow || r.body["error"] == nil {
			t.Errorf("%s %s: %d Allow %q %s; want %d Allow %q", c.method, c.path, r.status, r.header.Get("Allow"), r.raw, c.status, c.allow)
		}
	}
}

// Last-Event-ID must be a step number.
func TestLastEventIDIsChecked(t *testing.T) {
	ts := startService(t, aitest.NewScripted(aitest.Reply("done")))
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"hi"}`)
	ts.waitJob(t, "", r.body["id"], "completed")
	for _, bad := range []string{"-1", "abc", "1e3", strings.Repeat("9", 30)} {
		got := ts.req(t, "GET", jobPath(r.body["id"], "/events"), "", "Last-Event-ID", bad)
		if got.status != 400 || !strings.Contains(got.raw, "Last-Event-ID") {
			t.Errorf("Last-Event-ID %q: %d %s", bad, got.status, got.raw)
		}
	}
}
