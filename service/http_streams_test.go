package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// openStream opens GET /v1/jobs/{id}/events with key and returns the
// answer with its body still open (the caller closes it).
func openStream(t *testing.T, ts *testService, key string, id any) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", ts.url+jobPath(id, "/events"), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// A tenant may hold -max-event-streams event streams open at once; one
// more gets 429 with Retry-After, another tenant is not refused for it,
// and a stream's slot comes back when its client goes away.
func TestEventStreamsCappedPerTenant(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenants)
	ts := startService(t, aitest.NewScripted(aitest.Reply("never").After(time.Hour)), "-tenants", tenants, "-max-event-streams", "2")
	r := ts.do(t, "POST", "/v1/jobs", keys["acme"], "", `{"query":"wait"}`)
	if r.status != http.StatusAccepted {
		t.Fatalf("POST /v1/jobs: %d %s", r.status, r.raw)
	}
	id := r.body["id"]
	ts.waitJob(t, keys["acme"], id, "running")

	first, second := openStream(t, ts, keys["acme"], id), openStream(t, ts, keys["acme"], id)
	defer second.Body.Close()
	for _, s := range []*http.Response{first, second} {
		if s.StatusCode != http.StatusOK {
			t.Fatalf("stream within the cap: %d", s.StatusCode)
		}
	}
	over := openStream(t, ts, keys["acme"], id)
	body, _ := io.ReadAll(over.Body)
	over.Body.Close()
	if over.StatusCode != http.StatusTooManyRequests || over.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "-max-event-streams") {
		t.Fatalf("third stream with -max-event-streams 2: %d Retry-After %q %s, want 429 naming the flag", over.StatusCode, over.Header.Get("Retry-After"), body)
	}
	// globex's streams are counted apart: its request passes the cap
	// (and finds no such job of its own).
	if g := openStream(t, ts, keys["globex"], id); g.StatusCode != http.StatusNotFound {
		g.Body.Close()
		t.Fatalf("another tenant's stream: %d, want 404 (not 429)", g.StatusCode)
	} else {
		g.Body.Close()
	}

	first.Body.Close()
	// The server learns that the client left, ends the stream and
	// releases its slot; wait for that (a wait, not a timed assertion).
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := openStream(t, ts, keys["acme"], id)
		s.Body.Close()
		if s.StatusCode == http.StatusOK {
			break
		}
		if s.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("after a stream closed: %d, want its slot back", s.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Streams that end (the job is finished) give their slots back: with a
// cap of one, streams one after another are all served.
func TestEndedEventStreamsReleaseTheirSlot(t *testing.T) {
	ts := startService(t, aitest.NewScripted(aitest.Reply("done")), "-max-event-streams", "1")
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"hi"}`)
	ts.waitJob(t, "", r.body["id"], "completed")
	for i := range 5 {
		evs := readSSE(t, ts.url+jobPath(r.body["id"], "/events"), "")
		if len(evs) == 0 || evs[len(evs)-1].event != "end" {
			t.Fatalf("stream %d after the job ended: %v, want it to end with an end event", i, evs)
		}
	}
}
