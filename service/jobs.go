package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// jobView is GET /v1/jobs/{id}: River's state verbatim (available,
// scheduled, running, retryable, completed, discarded, cancelled,
// pending) and, from the job's row, how its run ended and what it did.
type jobView struct {
	ID      int64  `json:"id"`
	Tenant  string `json:"tenant"`
	State   string `json:"state"`
	Attempt int    `json:"attempt"`
	// ScheduledAt is when River will next run the job (a retry, a snooze).
	ScheduledAt time.Time  `json:"scheduled_at"`
	Outcome     string     `json:"outcome,omitempty"`
	Answer      string     `json:"answer,omitempty"`
	Error       string     `json:"error,omitempty"`
	Stats       *statsView `json:"stats,omitempty"`
	Steps       []stepView `json:"steps"`
}

// stepView is one step of a run's transcript: a model response (text,
// tool calls or both) or a tool result.
type stepView struct {
	Kind       string        `json:"kind"` // "model_response" or "tool_result"
	Content    string        `json:"content,omitempty"`
	ToolCalls  []ai.ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string        `json:"tool_call_id,omitempty"`
	Tool       string        `json:"tool,omitempty"`
	IsError    bool          `json:"is_error,omitempty"`
}

// stepsOf turns a transcript into steps (system and user messages left out).
func stepsOf(msgs []ai.Message) []stepView {
	out := make([]stepView, 0, len(msgs))
	for _, m := range msgs {
		switch m.Role {
		case ai.RoleAssistant:
			out = append(out, stepView{Kind: "model_response", Content: m.Content, ToolCalls: m.ToolCalls})
		case ai.RoleTool:
			out = append(out, stepView{Kind: "tool_result", Content: m.Content, ToolCallID: m.ToolCallID, Tool: m.Name, IsError: m.IsError})
		}
	}
	return out
}

// postJob is Pattern 2: enqueue; 202 with the job's ID.
func (s *service) postJob(w http.ResponseWriter, r *http.Request) {
	t, query, err := s.readQuery(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.queue.Insert(r.Context(), AskArgs{Tenant: t.id, Query: query}, nil)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("insert job: %w", err))
		return
	}
	w.Header().Set("Location", "/v1/jobs/"+strconv.FormatInt(res.Job.ID, 10))
	writeJSON(w, http.StatusAccepted, map[string]any{"id": res.Job.ID, "state": string(res.Job.State), "tenant": t.id})
}

// errNoJob is the answer for a job ID that is unknown, malformed, or
// another tenant's (whose existence is not revealed).
func errNoJob(id string) error {
	return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no job %q", id)}
}

// tenantJob finds the request's tenant (403 when unknown; no rate limit
// on reads) and its job {id}.
func (s *service) tenantJob(r *http.Request) (*rivertype.JobRow, AskArgs, error) {
	var args AskArgs
	t, err := s.lookupTenant(r)
	if err != nil {
		return nil, args, err
	}
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, args, errNoJob(raw)
	}
	job, err := s.queue.JobGet(r.Context(), id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, args, errNoJob(raw)
	}
	if err != nil {
		return nil, args, fmt.Errorf("get job %d: %w", id, err)
	}
	if job.Kind != (AskArgs{}).Kind() || json.Unmarshal(job.EncodedArgs, &args) != nil || args.Tenant != t.id {
		return nil, args, errNoJob(raw)
	}
	return job, args, nil
}

// lookupTenant is the request's tenant without admission (for reads).
func (s *service) lookupTenant(r *http.Request) (*tenant, error) {
	return s.admit.lookup(r.Header.Get("X-Tenant-ID"))
}

func (s *service) getJob(w http.ResponseWriter, r *http.Request) {
	job, args, err := s.tenantJob(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.viewJob(r.Context(), job, args)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *service) viewJob(ctx context.Context, job *rivertype.JobRow, args AskArgs) (*jobView, error) {
	v := &jobView{ID: job.ID, Tenant: args.Tenant, State: string(job.State), Attempt: job.Attempt, ScheduledAt: job.ScheduledAt.UTC(), Steps: []stepView{}}
	row, err := s.store.loadRun(ctx, job.ID)
	if errors.Is(err, errNoRun) {
		return v, nil
	}
	if err != nil {
		return nil, err
	}
	v.Outcome, v.Answer, v.Error = row.Outcome, row.Answer, row.Error
	if row.Checkpoint != nil {
		st := viewStats(row.Checkpoint.Stats)
		v.Stats = &st
		v.Steps = stepsOf(row.Checkpoint.Messages)
	}
	if v.Error == "" && job.State == rivertype.JobStateCancelled && len(job.Errors) > 0 {
		v.Error = job.Errors[len(job.Errors)-1].Error
	}
	return v, nil
}

// finalized reports whether River will do nothing more with the job.
func finalized(st rivertype.JobState) bool {
	return st == rivertype.JobStateCompleted || st == rivertype.JobStateCancelled || st == rivertype.JobStateDiscarded
}

// cancelJob cancels a job through River: a queued job is cancelled at
// once; a running one gets its context cancelled through River's control
// notification (LISTEN/NOTIFY on PostgreSQL; on SQLite riversqlite polls a
// notification table, and River also polls for cancellations every two
// seconds) and its run stops. A job that already ended is a 409.
func (s *service) cancelJob(w http.ResponseWriter, r *http.Request) {
	job, _, err := s.tenantJob(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if finalized(job.State) {
		s.writeError(w, r, &httpError{status: http.StatusConflict, msg: fmt.Sprintf("job %d already ended (%s); nothing to cancel", job.ID, job.State)})
		return
	}
	job, err = s.queue.JobCancel(r.Context(), job.ID)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("cancel job: %w", err))
		return
	}
	s.logger.Info("job cancel requested", "job_id", job.ID, "state", job.State)
	writeJSON(w, http.StatusAccepted, map[string]any{"id": job.ID, "state": string(job.State)})
}
