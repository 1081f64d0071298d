package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// chromium is the path of Debian's chromium, or the test is skipped —
// failed under CI=true, where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium on PATH: install Debian's (apt-get install chromium; .ci/run does) to run this browser test"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts a headless Chromium (the exec at path, a fresh profile,
// no network of its own: the flags of /work/.library/env/machines/go.md)
// and returns a tab's context, bounded to two minutes. It is stopped at
// cleanup.
func browser(t *testing.T, path string) context.Context {
	t.Helper()
	actx, acancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()))
	ctx, cancel := chromedp.NewContext(actx)
	tctx, tcancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		tcancel()
		cancel()
		acancel()
	})
	if err := chromedp.Do(tctx); err != nil { // start the browser and the tab
		t.Fatalf("start chromium: %v", err)
	}
	return tctx
}

// pageText is the page's visible text.
func pageText(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
}

// waitText waits until the page's text holds every one of want (the UI
// renders from its API calls after the page loads); on failure it keeps a
// screenshot in the test's temporary directory and shows the text.
func waitText(t *testing.T, ctx context.Context, what string, want ...string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var text string
	for time.Now().Before(deadline) {
		// Open what the JSON viewer folds ("… 2 keys"), as a person clicks.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { let n = 0;
			for (const e of document.querySelectorAll("body *")) {
				if (e.childElementCount === 0 && /^\s*…\s*\d+ (keys?|items?)\s*$/.test(e.textContent)) { e.click(); n++; }
			}
			return n; })()`)); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var err error
		if text, err = pageText(ctx); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		missing := false
		for _, w := range want {
			if !strings.Contains(text, w) {
				missing = true
				break
			}
		}
		if !missing {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	shot := filepath.Join(t.TempDir(), "page.png")
	if b, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
		_ = os.WriteFile(shot, b, 0o600)
	}
	t.Fatalf("%s: the page never showed %q; it shows:\n%s\n(screenshot: %s)", what, want, tail(text, 3000), shot)
}

// River's UI in a real browser (Debian's chromium, headless): the UI's
// 401 makes the browser ask for credentials (HTTP Basic); cancelled, the
// page is the 401 and shows no job. Given the admin key as the password,
// the UI lists a completed job and a job waiting for approval, and a job's
// page shows the run's outcome and figures recorded as River's job
// output.
func TestRiverUIInABrowser(t *testing.T) {
	path := chromium(t)
	tenants, keys := writeTenants(t, approvalTenants)
	model := aitest.NewScripted(
		aitest.Reply("order 7 is on its way"),
		aitest.CallTools(ai.ToolCall{ID: "call_r0", Name: "issue_refund", Arguments: `{"order_id":42}`}))
	ts := startService(t, model, "-tenants", tenants)
	done := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Where is order 7?"}`)
	ts.waitJob(t, keys["t"], done.body["id"], "completed")
	parked := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	ts.waitPending(t, keys["t"], parked.body["id"])
	doneID, parkedID := riverIDOf(t, ts, done.body["id"]), riverIDOf(t, ts, parked.body["id"])

	// The browser asks for credentials on the UI's 401 (its Basic
	// challenge): the operator first cancels, then types the admin key.
	ctx := browser(t, path)
	var password atomic.Value // "" cancels the prompt
	password.Store("")
	var prompts atomic.Int64
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *fetch.EventRequestPaused:
			go func() {
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
			}()
		case *fetch.EventAuthRequired:
			prompts.Add(1)
			answer := &fetch.AuthChallengeResponse{Response: fetch.AuthChallengeResponseResponseCancelAuth}
			if p := password.Load().(string); p != "" && e.AuthChallenge.Scheme == "basic" {
				answer = &fetch.AuthChallengeResponse{Response: fetch.AuthChallengeResponseResponseProvideCredentials, Username: "ops", Password: p}
			}
			go func() {
				_, _ = chromedp.Call(ctx, fetch.ContinueWithAuth, fetch.ContinueWithAuthParams{RequestID: e.RequestID, AuthChallengeResponse: answer})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	handleAuth := true
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{HandleAuthRequests: &handleAuth}); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(ts.url+"/riverui/jobs?state=completed"))
	if err != nil {
		t.Fatalf("open the UI without a key: %v", err)
	}
	text, err := pageText(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 401 || prompts.Load() == 0 || !strings.Contains(text, "missing or invalid admin key") || strings.Contains(text, "agent_ask") {
		t.Fatalf("without the key: %d after %d prompts, page:\n%s", resp.Status, prompts.Load(), tail(text, 2000))
	}
	// The UI's API refuses too, and a tenant's key is not an admin's.
	if r := ts.do(t, "GET", "/riverui/api/jobs?state=completed", "", "", ""); r.status != 401 || !strings.Contains(r.header.Get("Www-Authenticate"), "Basic") {
		t.Fatalf("API without a key: %d %v", r.status, r.header)
	}
	if r := ts.do(t, "GET", "/riverui/api/jobs?state=completed", keys["t"], "", ""); r.status != 403 {
		t.Fatalf("API with a tenant's key: %d %s", r.status, r.raw)
	}

	password.Store(keys["_admin"])
	for _, page := range []struct {
		path string
		want []string
	}{
		{"/riverui/jobs?state=completed", []string{"agent_ask", fmt.Sprint(doneID)}},
		{"/riverui/jobs?state=scheduled", []string{"agent_ask", fmt.Sprint(parkedID)}},
		{fmt.Sprintf("/riverui/jobs/%d", doneID), []string{"llm_calls", "outcome"}},
		{fmt.Sprintf("/riverui/jobs/%d", parkedID), []string{"approval_pending", "issue_refund"}},
	} {
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(ts.url+page.path))
		if err != nil {
			t.Fatalf("%s: %v", page.path, err)
		}
		if resp.Status != 200 {
			t.Fatalf("%s: %d", page.path, resp.Status)
		}
		waitText(t, ctx, page.path, page.want...)
	}
}

// What an operator sees on PostgreSQL: River's UI (riverui's PostgreSQL
// driver) lists a completed job and a job waiting for approval, with
// their output, to the admin key only; /metrics' gauges, read from the
// database, count the waiting job.
func TestOperatorViewsOnPostgres(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	model := aitest.NewScripted(
		aitest.Reply("order 7 is on its way"),
		aitest.CallTools(ai.ToolCall{ID: "call_r0", Name: "issue_refund", Arguments: `{"order_id":42}`}))
	ts := startService(t, model, "-tenants", tenants, "-db", postgresURL(t))
	done := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Where is order 7?"}`)
	ts.waitJob(t, keys["t"], done.body["id"], "completed")
	parked := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	ts.waitPending(t, keys["t"], parked.body["id"])
	for _, c := range []struct {
		path, want string
	}{
		{"/riverui/api/jobs?state=completed", fmt.Sprintf(`"id":%d`, riverIDOf(t, ts, done.body["id"]))},
		{"/riverui/api/jobs?state=scheduled", fmt.Sprintf(`"id":%d`, riverIDOf(t, ts, parked.body["id"]))},
		{fmt.Sprintf("/riverui/api/jobs/%d", riverIDOf(t, ts, parked.body["id"])), `"outcome":"approval_pending"`},
	} {
		if r := ts.do(t, "GET", c.path, keys["_admin"], "", ""); r.status != 200 || !strings.Contains(strings.ReplaceAll(r.raw, " ", ""), c.want) {
			t.Fatalf("%s: %d %s", c.path, r.status, tail(r.raw, 1500))
		}
		if r := ts.do(t, "GET", c.path, keys["t"], "", ""); r.status != 403 {
			t.Fatalf("%s with a tenant's key: %d", c.path, r.status)
		}
	}
	m := ts.do(t, "GET", "/metrics", keys["_metrics"], "", "")
	for _, want := range []string{`aigentic_service_queue_jobs{otel_scope_name="github.com/nexxia-ai/aigentic-examples/service",otel_scope_schema_url="",otel_scope_version="",state="scheduled",tenant="t"} 1`,
		`aigentic_service_approvals_pending{otel_scope_name="github.com/nexxia-ai/aigentic-examples/service",otel_scope_schema_url="",otel_scope_version="",tenant="t"} 1`} {
		if !strings.Contains(m.raw, want) {
			t.Fatalf("/metrics lacks %s:\n%s", want, tail(m.raw, 3000))
		}
	}
}

// An operator changes jobs through River's UI (here: cancels a job waiting
// for approval) only from the UI's own origin: the browser keeps the Basic
// credentials and would send them with another site's request, so a
// cancel marked cross-site (Sec-Fetch-Site) or from another Origin is a
// 403 and changes nothing; a tenant's key (as a Bearer token or the Basic
// password) is a 403 too; the same request from the UI's page cancels the
// job.
func TestRiverUIChangesOnlyFromItsOwnOrigin(t *testing.T) {
	tenants, keys := writeTenants(t, approvalTenants)
	ts := startService(t, refundScript("Refund issued."), "-tenants", tenants)
	r := ts.do(t, "POST", "/v1/jobs", keys["t"], "", `{"query":"Refund order 42"}`)
	ts.waitPending(t, keys["t"], r.body["id"])
	body := fmt.Sprintf(`{"ids":["%d"]}`, riverIDOf(t, ts, r.body["id"]))
	admin := "Bearer " + keys["_admin"]
	for _, c := range []struct {
		name    string
		headers []string
	}{
		{"cross-site", []string{"Authorization", admin, "Sec-Fetch-Site", "cross-site"}},
		{"another origin", []string{"Authorization", admin, "Origin", "https://attacker.example"}},
		{"a tenant's key", []string{"Authorization", "Bearer " + keys["t"], "Sec-Fetch-Site", "same-origin"}},
		{"a tenant's key as the password", []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("ops:"+keys["t"])), "Sec-Fetch-Site", "same-origin"}},
	} {
		if got := ts.req(t, "POST", "/riverui/api/jobs/cancel", body, c.headers...); got.status != 403 {
			t.Fatalf("%s: %d %s", c.name, got.status, got.raw)
		}
		if j := ts.do(t, "GET", jobPath(r.body["id"]), keys["t"], "", ""); j.body["state"] != "scheduled" {
			t.Fatalf("after a refused cancel (%s): %s", c.name, j.raw)
		}
	}
	if got := ts.req(t, "POST", "/riverui/api/jobs/cancel", body, "Authorization", admin, "Sec-Fetch-Site", "same-origin", "Origin", ts.url); got.status != 200 {
		t.Fatalf("cancel from the UI's page: %d %s", got.status, got.raw)
	}
	if j := ts.waitJob(t, keys["t"], r.body["id"], "cancelled"); refundsOf(t, ts) != 0 || j.body["pending_approval"] != nil {
		t.Fatalf("cancelled from River's UI: %s; %d refunds", j.raw, refundsOf(t, ts))
	}
}
