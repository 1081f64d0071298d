package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// jobView is GET /v1/jobs/{id}: River's state verbatim (available,
// scheduled, running, retryable, completed, discarded, cancelled,
// pending) and, from the job's row, how its run ended and what it did —
// all of it redacted (redact.go).
type jobView struct {
	// ID is the job's public id ("job_…", not River's sequential id).
	ID      string `json:"id"`
	Tenant  string `json:"tenant"`
	State   string `json:"state"`
	Attempt int    `json:"attempt"`
	// ScheduledAt is when River will next run the job (a retry, a snooze).
	ScheduledAt time.Time `json:"scheduled_at"`
	Outcome     string    `json:"outcome,omitempty"`
	Answer      string    `json:"answer,omitempty"`
	// Error is a message for the user (safeMessage) with the job's id as
	// its reference; the cause is in the service's log and database.
	Error string     `json:"error,omitempty"`
	Stats *statsView `json:"stats,omitempty"`
	Steps []stepView `json:"steps"`
	// PendingApproval is the tool call the job waits on (state
	// "scheduled" until its deadline): a person decides it with POST
	// /v1/jobs/{id}/approvals/{approval id} (approvals.go).
	PendingApproval *approvalView `json:"pending_approval,omitempty"`
	// Approvals are every approval the job asked for, in order, with
	// their decisions.
	Approvals []approvalView `json:"approvals,omitempty"`
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

// stepsOf turns a transcript into steps (system and user messages left
// out), redacted.
func stepsOf(msgs []ai.Message) []stepView {
	out := make([]stepView, 0, len(msgs))
	for _, m := range redactMessages(msgs) {
		switch m.Role {
		case ai.RoleAssistant:
			out = append(out, stepView{Kind: "model_response", Content: m.Content, ToolCalls: m.ToolCalls})
		case ai.RoleTool:
			out = append(out, stepView{Kind: "tool_result", Content: m.Content, ToolCallID: m.ToolCallID, Tool: m.Name, IsError: m.IsError})
		}
	}
	return out
}

// postJob is Pattern 2: admit and enqueue in one transaction
// (admission.admitJob); 202 with the job's public id. With an
// Idempotency-Key sent before, the first job (idempotency.go).
func (s *service) postJob(w http.ResponseWriter, r *http.Request) {
	t := principalOf(r.Context()).tenant
	query, err := s.readQuery(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	idem, err := idempotencyOf(r, idempotencyJobs, query)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	adm, err := s.admit.admitJob(r.Context(), t, query, principalOf(r.Context()), idem)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if adm.replayed {
		replayed(w)
		s.logger.Info("job request replayed for its Idempotency-Key", "tenant", t.id, "job", adm.publicID, "job_id", adm.job.ID)
	} else {
		s.logger.Info("job enqueued", "tenant", t.id, "job", adm.publicID, "job_id", adm.job.ID, "queue", t.queue)
	}
	w.Header().Set("Location", "/v1/jobs/"+adm.publicID)
	writeJSON(w, http.StatusAccepted, map[string]any{"id": adm.publicID, "state": string(adm.job.State), "tenant": t.id})
}

// tenantJob finds the request's job {id} among its tenant's: a malformed
// id, an unknown one and another tenant's are the same 404.
func (s *service) tenantJob(r *http.Request) (*rivertype.JobRow, AskArgs, string, error) {
	var args AskArgs
	t := principalOf(r.Context()).tenant
	pub := r.PathValue("id")
	if !validPublicJobID(pub) {
		return nil, args, "", notFound()
	}
	id, err := s.store.jobIDOf(r.Context(), t.id, pub)
	if errors.Is(err, errNoJob) {
		return nil, args, "", notFound()
	}
	if err != nil {
		return nil, args, "", fmt.Errorf("find job: %w", err)
	}
	job, err := s.queue.JobGet(r.Context(), id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, args, "", notFound() // River deleted it (retention)
	}
	if err != nil {
		return nil, args, "", fmt.Errorf("get job %d: %w", id, err)
	}
	if job.Kind != (AskArgs{}).Kind() || json.Unmarshal(job.EncodedArgs, &args) != nil || args.Tenant != t.id {
		return nil, args, "", notFound()
	}
	return job, args, pub, nil
}

func (s *service) getJob(w http.ResponseWriter, r *http.Request) {
	job, args, pub, err := s.tenantJob(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.viewJob(r.Context(), job, args, pub)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *service) viewJob(ctx context.Context, job *rivertype.JobRow, args AskArgs, pub string) (*jobView, error) {
	v := &jobView{ID: pub, Tenant: args.Tenant, State: string(job.State), Attempt: job.Attempt, ScheduledAt: job.ScheduledAt.UTC(), Steps: []stepView{}}
	row, err := s.store.loadRun(ctx, job.ID)
	if errors.Is(err, errNoRun) {
		return v, nil
	}
	if err != nil {
		return nil, err
	}
	v.Outcome, v.Answer = row.Outcome, aigentic.Redact(row.Answer)
	if row.Checkpoint != nil {
		st := viewStats(row.Checkpoint.Stats)
		v.Stats = &st
		v.Steps = stepsOf(row.Checkpoint.Messages)
	}
	if v.Outcome != "" && v.Outcome != outcomeOK {
		v.Error = safeMessage(v.Outcome, nil, pub)
	}
	// Read after the checkpoint: an approval asked after it (its step
	// past the steps read) is left for the next read, so the events stream
	// (events.go) never places it before steps it has not sent.
	approvals, err := s.store.approvals(ctx, job.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, a := range approvals {
		if a.Step > len(v.Steps) {
			break
		}
		av := viewApproval(a, job.State, now)
		v.Approvals = append(v.Approvals, av)
		if av.Status == approvalPending {
			p := av
			v.PendingApproval = &p
		}
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
	job, args, pub, err := s.tenantJob(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if finalized(job.State) {
		s.writeError(w, r, &httpError{status: http.StatusConflict, reason: reasonConflict, msg: fmt.Sprintf("job %s already ended (%s); nothing to cancel", pub, job.State)})
		return
	}
	job, err = s.queue.JobCancel(r.Context(), job.ID)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("cancel job: %w", err))
		return
	}
	if job.State == rivertype.JobStateCancelled {
		// River cancelled it at once (queued, or waiting for an approval): no
		// worker will record its outcome, so this does.
		if err := s.store.finishRun(r.Context(), job.ID, args.Tenant, outcomeCanceled, "", "cancelled by "+principalOf(r.Context()).String()+" before a worker ran it again"); err != nil {
			s.logger.Warn("cancelled job's outcome not recorded", "job", pub, "job_id", job.ID, "error", err)
		}
	}
	s.logger.Info("job cancel requested", "job", pub, "job_id", job.ID, "state", job.State, "by", principalOf(r.Context()).String())
	writeJSON(w, http.StatusAccepted, map[string]any{"id": pub, "state": string(job.State)})
}
