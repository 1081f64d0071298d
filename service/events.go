package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// jobEvents streams a job's steps as Server-Sent Events: one "step" event
// per model response or tool result (its id the step's index, so a client
// reconnecting with Last-Event-ID gets only what it missed), then one
// "end" event with River's final state and the outcome. The steps come
// from the job's checkpoints, so this works whichever process works the
// job. Comments keep idle connections alive. When the service shuts down
// the stream ends with a "shutdown" event; reconnect (to another instance)
// with Last-Event-ID.
func (s *service) jobEvents(w http.ResponseWriter, r *http.Request) {
	job, args, pub, err := s.tenantJob(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	last, err := parseLastEventID(r.Header.Get("Last-Event-ID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	sent := last + 1
	poll := time.NewTicker(s.eventPoll)
	defer poll.Stop()
	idle := 0
	for {
		v, err := s.viewJob(r.Context(), job, args, pub)
		if err != nil {
			if !errors.Is(err, r.Context().Err()) {
				s.logger.Warn("event stream ended early", "job_id", job.ID, "error", err)
			}
			return
		}
		for ; sent < len(v.Steps); sent++ {
			b, _ := json.Marshal(v.Steps[sent])
			fmt.Fprintf(w, "id: %d\nevent: step\ndata: %s\n\n", sent, b)
			idle = 0
		}
		if finalized(job.State) {
			b, _ := json.Marshal(map[string]any{"id": v.ID, "state": v.State, "outcome": v.Outcome, "answer": v.Answer, "error": v.Error})
			fmt.Fprintf(w, "event: end\ndata: %s\n\n", b)
			_ = rc.Flush()
			return
		}
		if idle++; idle*int(s.eventPoll/time.Millisecond) >= 15000 {
			fmt.Fprint(w, ": keep-alive\n\n")
			idle = 0
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.stopping:
			fmt.Fprint(w, "event: shutdown\ndata: {}\n\n")
			_ = rc.Flush()
			return
		case <-poll.C:
		}
		if job, err = s.queue.JobGet(r.Context(), job.ID); err != nil {
			return
		}
	}
}
