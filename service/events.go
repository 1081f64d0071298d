package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// DefaultMaxEventStreams is -max-event-streams' default: how many event
// streams (GET /v1/jobs/{id}/events) one tenant may hold open at once on
// one API process. Each stream polls the database every 250 ms; without a
// cap one tenant's thousands of streams took a core from the others.
const DefaultMaxEventStreams = 32

// eventStreamRetryAfter is the Retry-After of a stream refused for the
// cap: streams end when their jobs do, so a few seconds frees one.
const eventStreamRetryAfter = 5 * time.Second

// reasonTooManyStreams is the refusal reason of a stream over the cap.
const reasonTooManyStreams = "too_many_streams"

// streamLimit counts each tenant's open event streams against max.
type streamLimit struct {
	max  int
	mu   sync.Mutex
	open map[string]int // tenant ID → open streams
}

// acquire takes a stream for tenant; false when it has max open.
func (l *streamLimit) acquire(tenant string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[tenant] >= l.max {
		return false
	}
	l.open[tenant]++
	return true
}

// release gives back a stream acquire took.
func (l *streamLimit) release(tenant string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[tenant]--; l.open[tenant] <= 0 {
		delete(l.open, tenant)
	}
}

// limitStreams wraps an event-stream handler with the per-tenant cap
// (-max-event-streams): a stream over it gets 429 with Retry-After; a
// stream's slot is released when its handler returns.
func (s *service) limitStreams(h http.HandlerFunc) http.HandlerFunc {
	l := &streamLimit{max: s.cfg.maxEventStreams, open: map[string]int{}}
	if l.max <= 0 {
		l.max = DefaultMaxEventStreams
	}
	return func(w http.ResponseWriter, r *http.Request) {
		tenant := principalOf(r.Context()).tenant.id
		if !l.acquire(tenant) {
			s.writeError(w, r, &httpError{status: http.StatusTooManyRequests, reason: reasonTooManyStreams,
				msg:    fmt.Sprintf("this tenant has %d event streams open, the most allowed (-max-event-streams); close one or poll GET /v1/jobs/{id}", l.max),
				header: http.Header{"Retry-After": {retryAfterSeconds(eventStreamRetryAfter)}}})
			return
		}
		defer l.release(tenant)
		h(w, r)
	}
}

// jobEvents streams a job's steps as Server-Sent Events: one "step" event
// per model response or tool result, an "approval" event when the job
// parks on a tool call needing approval (the approval as GET /v1/jobs/{id}
// shows it) and a "decision" event once it is decided (approved, denied
// or expired), each where it happened among the steps — every event's id
// its index in that sequence, so a client reconnecting with Last-Event-ID
// gets only what it missed —, then one "end" event with River's final
// state and the outcome. A job waiting for approval keeps the stream open
// (with keep-alive comments) until the decision. The steps come
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
		events := eventsOf(v)
		for ; sent < len(events); sent++ {
			b, _ := json.Marshal(events[sent].data)
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", sent, events[sent].event, b)
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

// jobEvent is one event of a job's stream.
type jobEvent struct {
	event string // "step", "approval" or "decision"
	data  any
}

// decisionEvent is the data of a "decision" event.
type decisionEvent struct {
	ID        string     `json:"id"`
	Decision  string     `json:"decision"`
	Reason    string     `json:"reason,omitempty"`
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// eventsOf is the job's events so far, in order: its steps with each
// approval (and its decision, once recorded) after the steps that came
// before it. The sequence only grows: a run parked on an approval adds no
// step until the approval is decided.
func eventsOf(v *jobView) []jobEvent {
	out := make([]jobEvent, 0, len(v.Steps)+2*len(v.Approvals))
	a := 0
	approvalsAt := func(step int) {
		for ; a < len(v.Approvals) && v.Approvals[a].step <= step; a++ {
			av := v.Approvals[a]
			out = append(out, jobEvent{"approval", av.asked()})
			if av.decided() {
				out = append(out, jobEvent{"decision", decisionEvent{ID: av.ID, Decision: av.Status, Reason: av.Reason, DecidedBy: av.DecidedBy, DecidedAt: av.DecidedAt}})
			}
		}
	}
	for i, st := range v.Steps {
		approvalsAt(i)
		out = append(out, jobEvent{"step", st})
	}
	approvalsAt(len(v.Steps))
	return out
}
