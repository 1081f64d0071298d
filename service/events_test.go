package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

type sseEvent struct {
	id, event string
	data      map[string]any
}

// readSSE reads a Server-Sent Events stream until it ends; key is the
// bearer key ("" for none).
func readSSE(t *testing.T, url, lastID string, key ...string) []sseEvent {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	if len(key) > 0 && key[0] != "" {
		req.Header.Set("Authorization", "Bearer "+key[0])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, ct)
	}
	var out []sseEvent
	var cur sseEvent
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.event != "" {
				out = append(out, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			cur.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			cur.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.data); err != nil {
				t.Fatalf("data line %q: %v", line, err)
			}
		}
	}
	return out
}

// The events endpoint streams each step as it is saved, then the end; a
// client reconnecting with Last-Event-ID gets only what it missed.
func TestJobEventsStreamStepsThenEnd(t *testing.T) {
	model := aitest.NewScripted(
		aitest.CallTools(ai.ToolCall{ID: "c1", Name: "lookup_order", Arguments: `{"order_id":12}`}).After(30*time.Millisecond),
		aitest.Reply("order 12 is on its way").After(30*time.Millisecond))
	ts := startService(t, model)
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"where is order 12?"}`)
	url := ts.url + jobPath(r.body["id"], "/events")
	evs := readSSE(t, url, "")
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.id+":"+e.event+":"+str(e.data["kind"]))
	}
	want := "0:step:model_response 1:step:tool_result 2:step:model_response :end:"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("events %q, want %q", strings.Join(kinds, " "), want)
	}
	if end := evs[3].data; end["state"] != "completed" || end["outcome"] != "ok" || end["answer"] != "order 12 is on its way" {
		t.Fatalf("end event %v", end)
	}
	if tr := evs[1].data; tr["tool"] != "lookup_order" || !strings.Contains(str(tr["content"]), "order 12:") {
		t.Fatalf("tool result event %v", tr)
	}
	again := readSSE(t, url, "1")
	if len(again) != 2 || again[0].id != "2" || again[1].event != "end" {
		t.Fatalf("after Last-Event-ID 1: %v", again)
	}
}

func str(v any) string { s, _ := v.(string); return s }

// downModel is a model whose health check fails.
type downModel struct{ *aitest.Scripted }

func (downModel) Ping(context.Context) (*ai.PingResult, error) {
	return nil, errors.New("connection refused")
}

// /readyz needs the database and the model; /healthz only the process.
func TestReadiness(t *testing.T) {
	ts := startService(t, aitest.NewScripted())
	if r := ts.do(t, "GET", "/readyz", "", "", ""); r.status != 200 || r.body["status"] != "ready" {
		t.Fatalf("readyz: %d %s", r.status, r.raw)
	}
	down := startService(t, downModel{aitest.NewScripted()})
	if r := down.do(t, "GET", "/readyz", "", "", ""); r.status != 503 || !strings.Contains(str(r.body["error"]), "unreachable") {
		t.Fatalf("readyz with the model down: %d %s", r.status, r.raw)
	}
	if r := down.do(t, "GET", "/healthz", "", "", ""); r.status != 200 {
		t.Fatalf("healthz: %d %s", r.status, r.raw)
	}
}

// Shutdown ends an event stream of a job still running (so it does not
// hold up the HTTP shutdown) with a "shutdown" event.
func TestShutdownEndsEventStreams(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("never").After(time.Minute))
	ts := startService(t, model)
	r := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"wait"}`)
	ts.waitJob(t, "", r.body["id"], "running")
	go func() {
		time.Sleep(50 * time.Millisecond) // let the stream open
		ts.stop()
	}()
	evs := readSSE(t, ts.url+jobPath(r.body["id"], "/events"), "")
	if len(evs) != 1 || evs[0].event != "shutdown" {
		t.Fatalf("events %v, want one shutdown event", evs)
	}
}
