package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Approvals in durable jobs. A job's agent has issue_refund, a tool a
// person must approve. When the run reaches it, the runtime parks the run
// (aigentic.Durable.ParkApprovals): the checkpoint is saved with the
// pending call (Checkpoint.Pending: tool, arguments, the tool's Validate
// note) and the run ends with *aigentic.ApprovalPendingError. The worker
// (worker.go) then ends the attempt with river.JobSnooze until the
// approval's deadline: the job goes to River's "scheduled" state, holding
// no worker and no goroutine, using no attempt (River does not count
// snoozes), for minutes or days, across restarts and deploys.
//
// POST /v1/jobs/{id}/approvals/{approval_id} records the decision, with
// who decided (the authenticated principal), and makes the job available
// at once (River's JobRetryTx) in the same transaction; whichever worker
// takes it resumes from the checkpoint with the decision
// (aigentic.Durable.Decisions): approved, the tool runs — once: its
// effect is keyed by the run's idempotency key, so a worker killed while
// it runs leaves one refund —; denied, the model is told. Undecided at the
// deadline (the tenant's approval_window after it was first asked), the
// snooze ends, a worker resumes the job and the runtime denies the call,
// as it denies a live run's approval nobody answered.
//
// Why a snooze, not the alternatives: completing the job and inserting a
// new one on the decision would give one request two River jobs (two ids,
// two rows in River's UI, the budget reservation and queue place moved
// from one to the other); cancelling it and inserting a new one the same,
// with a "cancelled" job that was not. A snooze keeps one job from
// request to answer, its state says it waits ("scheduled", until the
// deadline: River's UI lists it there), River itself resumes it at the
// deadline with no timer of ours, and JobRetryTx resumes it early in the
// transaction that records the decision.
//
// A decision is refused — nothing recorded, nothing run — when: the
// caller does not hold the tenant's approver role, or created the job
// (403, approvers.go); the job
// is not the caller's tenant's (404, like a missing job); the approval
// does not exist (404); it was decided already (409, saying how and by
// whom); the job ended (cancelled: 409); the deadline passed (409: the
// call counts as denied); the job is running (409 with Retry-After: a
// worker has it — an operator's retry in River's UI, or the moment between
// parking and River recording the snooze — and it parks again within
// seconds); the body is malformed or the reason too long (400, 413, 415).

// Bounds of a decision.
const (
	// maxReasonBytes bounds a decision's reason: it goes to the model (a
	// denial's reason is in the tool result) and into the job's record.
	maxReasonBytes = 1024
	// approvalIDPrefix and approvalIDLen: an approval's public id is
	// "apr_" and 26 base32 characters.
	approvalIDPrefix = "apr_"
	approvalIDLen    = len(approvalIDPrefix) + 26
)

// Decisions as stored and served.
const (
	decisionApproved = "approved"
	decisionDenied   = "denied"
	// decisionExpired: nobody decided within the approval window; the
	// runtime denied the call (recorded by expiryObserver).
	decisionExpired = "expired"
)

// approvalID is the public id of the approval of tool call callID — the
// call's id as stored, redactCallID's — in the run with durable key key
// (jobKey): "apr_" and the first 128 bits of SHA-256("<key>/<call id>"),
// base32. A function of the two, so every process and every re-park of
// the job names it the same, and two calls of a job (two stored ids) have
// two; the tool call's own id — the model's choice — never appears in a
// URL.
func approvalID(key, callID string) string {
	sum := sha256.Sum256([]byte(key + "/" + callID))
	return approvalIDPrefix + b32.EncodeToString(sum[:16])
}

// validApprovalID reports whether s has the shape of an approval id.
func validApprovalID(s string) bool {
	return len(s) == approvalIDLen && strings.HasPrefix(s, approvalIDPrefix) && isBase32(s[len(approvalIDPrefix):])
}

// approvalRow is a row of aigentic_approval.
type approvalRow struct {
	ID, CallID, Tool, Arguments, Message string
	ValidationErrors                     []string
	// Step is how many steps of the job (model responses and tool
	// results) came before the approval was asked.
	Step                 int
	AskedAt, Deadline    time.Time
	Decision, Reason, By string
	DecidedAt            time.Time
}

// transcriptSteps counts the steps stepsOf shows for msgs.
func transcriptSteps(msgs []ai.Message) int {
	n := 0
	for _, m := range msgs {
		if m.Role == ai.RoleAssistant || m.Role == ai.RoleTool {
			n++
		}
	}
	return n
}

// errApprovalCollision is the error of a pending approval whose id — a
// function of the job and the call's stored id — names an approval of
// another call already recorded: never settled by the other's decision.
var errApprovalCollision = errors.New("approval id names another tool call's approval")

// txQueryExecer is what insertApprovalTx needs of a transaction (*sql.Tx).
type txQueryExecer interface {
	execer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// insertApprovalTx records the approval cp (redacted) is parked on,
// unless it is recorded already (a job resumed with no decision parks
// again on the same call: same job, call id, tool and arguments). An
// approval id recorded for a different call is errApprovalCollision:
// that call's decision must not settle this one.
func insertApprovalTx(ctx context.Context, ex txQueryExecer, jobID int64, tenant string, cp *aigentic.Checkpoint) error {
	p := cp.Pending
	verrs, _ := json.Marshal(p.ValidationErrors)
	if len(p.ValidationErrors) == 0 {
		verrs = nil
	}
	aid := approvalID(cp.Key, p.ID)
	res, err := ex.ExecContext(ctx, `INSERT INTO aigentic_approval (approval_id, job_id, call_id, tenant, tool, arguments, message, validation_errors, step, asked_at, deadline)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (approval_id) DO NOTHING`,
		aid, jobID, p.ID, tenant, p.Call.Name, p.Call.Arguments, storable(p.Message), string(verrs),
		transcriptSteps(cp.Messages), p.AskedAt.UnixMilli(), p.Deadline.UnixMilli())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var job int64
	var callID, tool, args string
	if err := ex.QueryRowContext(ctx, `SELECT job_id, call_id, tool, arguments FROM aigentic_approval WHERE approval_id = $1`, aid).
		Scan(&job, &callID, &tool, &args); err != nil {
		return fmt.Errorf("read approval %s: %w", aid, err)
	}
	if job != jobID || callID != p.ID || tool != p.Call.Name || args != p.Call.Arguments {
		return fmt.Errorf("%w: %s, asked of job %d for tool %q, now of job %d for tool %q", errApprovalCollision, aid, job, tool, jobID, p.Call.Name)
	}
	return nil
}

// approvals are the job's approvals, in the order they were asked.
func (s *store) approvals(ctx context.Context, jobID int64) ([]approvalRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT approval_id, call_id, tool, arguments, message, validation_errors, step, asked_at, deadline, decision, reason, decided_by, decided_at
		FROM aigentic_approval WHERE job_id = $1 ORDER BY step, asked_at, approval_id`, jobID)
	if err != nil {
		return nil, fmt.Errorf("read approvals: %w", err)
	}
	defer rows.Close()
	var out []approvalRow
	for rows.Next() {
		var a approvalRow
		var verrs string
		var asked, deadline, decided int64
		if err := rows.Scan(&a.ID, &a.CallID, &a.Tool, &a.Arguments, &a.Message, &verrs, &a.Step, &asked, &deadline, &a.Decision, &a.Reason, &a.By, &decided); err != nil {
			return nil, fmt.Errorf("read approvals: %w", err)
		}
		if verrs != "" {
			_ = json.Unmarshal([]byte(verrs), &a.ValidationErrors)
		}
		a.AskedAt, a.Deadline = time.UnixMilli(asked).UTC(), time.UnixMilli(deadline).UTC()
		if decided > 0 {
			a.DecidedAt = time.UnixMilli(decided).UTC()
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// decisions are the job's approvals decided by a person, by the
// runtime's id (the tool call's), for aigentic.Durable.Decisions.
func (s *store) decisions(ctx context.Context, jobID int64) (map[string]aigentic.ApprovalDecision, error) {
	rows, err := s.approvals(ctx, jobID)
	if err != nil {
		return nil, err
	}
	out := map[string]aigentic.ApprovalDecision{}
	for _, a := range rows {
		if a.Decision == decisionApproved || a.Decision == decisionDenied {
			out[a.CallID] = aigentic.ApprovalDecision{Approved: a.Decision == decisionApproved, Reason: a.Reason, By: a.By}
		}
	}
	return out, nil
}

// expireApproval records that the runtime denied the job's approval of
// callID because its deadline passed undecided.
func (s *store) expireApproval(ctx context.Context, jobID int64, callID string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE aigentic_approval SET decision = $1, reason = $2, decided_by = $3, decided_at = $4
		WHERE job_id = $5 AND call_id = $6 AND decision = ''`,
		decisionExpired, "not decided within the approval window", "approval window", s.now().UnixMilli(), jobID, callID)
	return err
}

// issueRefund refunds the order once per key (the tool call's
// idempotency key): a second call with the key finds the first refund.
// It returns the refund's id (effectID, or the one stored) and whether
// this call issued it. The key is stored as redactIdempotencyKey makes
// it: no secret-shaped call id.
func (s *store) issueRefund(ctx context.Context, key, tenant string, orderID int) (string, bool, error) {
	key = redactIdempotencyKey(key)
	id := effectID("R-", key)
	res, err := s.db.ExecContext(ctx, `INSERT INTO aigentic_refund (idempotency_key, refund_id, tenant, order_id, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (idempotency_key) DO NOTHING`, key, id, tenant, orderID, s.now().UnixMilli())
	if err != nil {
		return "", false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return "", false, err
	}
	if n == 0 {
		if err := s.db.QueryRowContext(ctx, `SELECT refund_id FROM aigentic_refund WHERE idempotency_key = $1`, key).Scan(&id); err != nil {
			return "", false, err
		}
	}
	return id, n == 1, nil
}

// approvalView is an approval in GET /v1/jobs/{id}, its SSE events and the
// decision's answer. Texts are redacted.
type approvalView struct {
	ID string `json:"id"`
	// Tool and Arguments are the call waiting (arguments as the model
	// wrote them, a JSON text); Message is the tool's note on what it will
	// do; ValidationErrors what its validation found, for the person
	// deciding.
	Tool             string    `json:"tool"`
	Arguments        string    `json:"arguments"`
	Message          string    `json:"message,omitempty"`
	ValidationErrors []string  `json:"validation_errors,omitempty"`
	AskedAt          time.Time `json:"asked_at"`
	// Deadline is when an approval not given counts as denied.
	Deadline time.Time `json:"deadline"`
	// Status: pending; approved or denied (by a person); expired (not
	// decided by the deadline: denied); cancelled (the job ended first).
	Status    string     `json:"status"`
	Reason    string     `json:"reason,omitempty"`
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	// step is how many of the job's steps came before it (events.go).
	step int
}

// asked is the approval as it was asked: pending, no decision.
func (v approvalView) asked() approvalView {
	v.Status, v.Reason, v.DecidedBy, v.DecidedAt = approvalPending, "", "", nil
	return v
}

// decided reports whether a decision is recorded (approved, denied, or
// expired and denied by the runtime).
func (v approvalView) decided() bool { return v.DecidedAt != nil }

// Approval statuses beyond the decisions.
const (
	approvalPending   = "pending"
	approvalCancelled = "cancelled"
)

// viewApproval is a's view for a job in state st, at now.
func viewApproval(a approvalRow, st rivertype.JobState, now time.Time) approvalView {
	v := approvalView{ID: a.ID, Tool: a.Tool, Arguments: a.Arguments, Message: a.Message, ValidationErrors: a.ValidationErrors,
		AskedAt: a.AskedAt, Deadline: a.Deadline, Status: a.Decision, Reason: a.Reason, DecidedBy: a.By, step: a.Step}
	if !a.DecidedAt.IsZero() {
		at := a.DecidedAt
		v.DecidedAt = &at
	}
	if v.Status == "" {
		switch {
		case finalized(st):
			v.Status = approvalCancelled
		case !now.Before(a.Deadline):
			v.Status = decisionExpired
		default:
			v.Status = approvalPending
		}
	}
	return v
}

// decisionRequest is the body of POST /v1/jobs/{id}/approvals/{approval_id}.
type decisionRequest struct {
	// Decision is "approve" or "deny".
	Decision string `json:"decision"`
	// Reason is optional: at most maxReasonBytes, no control characters.
	// A denial's reason reaches the model.
	Reason string `json:"reason"`
}

// validate checks the decision and trims the reason.
func (d *decisionRequest) validate() error {
	switch d.Decision {
	case "approve", "deny":
	case "":
		return badRequest(`"decision" is required: "approve" or "deny"`)
	default:
		return badRequest(`"decision" must be "approve" or "deny", not ` + echo(d.Decision))
	}
	d.Reason = strings.TrimSpace(d.Reason)
	if len(d.Reason) > maxReasonBytes {
		return &httpError{status: http.StatusRequestEntityTooLarge, reason: reasonTooLarge, msg: fmt.Sprintf(`"reason" longer than %d bytes`, maxReasonBytes)}
	}
	return checkText("reason", d.Reason)
}

// noApproval is the 404 of an approval id that names no approval of the
// job (malformed, unknown, or another job's).
func noApproval() *httpError {
	return &httpError{status: http.StatusNotFound, reason: reasonNotFound, msg: "no such approval for this job"}
}

// conflict is a 409 with msg.
func conflict(msg string) *httpError {
	return &httpError{status: http.StatusConflict, reason: reasonConflict, msg: msg}
}

// postApproval is POST /v1/jobs/{id}/approvals/{approval_id}: a person's
// decision on a parked job's tool call (see the top of this file).
func (s *service) postApproval(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r.Context())
	if !p.mayDecide() { // before the job is looked up: the 403 says nothing of it
		s.writeError(w, r, notApprover(p))
		return
	}
	job, args, pub, err := s.tenantJob(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := p.mayDecideJob(args); err != nil {
		s.writeError(w, r, err)
		return
	}
	aid := r.PathValue("approval_id")
	if !validApprovalID(aid) {
		s.writeError(w, r, noApproval())
		return
	}
	var req decisionRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := req.validate(); err != nil {
		s.writeError(w, r, err)
		return
	}
	by := p.String()
	decision := decisionDenied
	if req.Decision == "approve" {
		decision = decisionApproved
	}
	var view approvalView
	var state rivertype.JobState
	err = s.queue.InTx(r.Context(), func(tx txn, jobs txJobs) error {
		if tx.kind() == dbPostgres {
			// Deciders of one job, and River's fetch (FOR UPDATE SKIP
			// LOCKED), take turns on the job's row; SQLite's BEGIN
			// IMMEDIATE already serializes every writer.
			if err := tx.exec(r.Context(), `SELECT 1 FROM river_job WHERE id = $1 FOR UPDATE`, job.ID); err != nil {
				return fmt.Errorf("lock job: %w", err)
			}
		}
		cur, err := jobs.Get(job.ID)
		if err != nil {
			return fmt.Errorf("read job: %w", err)
		}
		var a approvalRow
		var asked, deadline, decided int64
		err = tx.queryRow(r.Context(), `SELECT call_id, tool, arguments, message, step, asked_at, deadline, decision, reason, decided_by, decided_at
			FROM aigentic_approval WHERE approval_id = $1 AND job_id = $2`, aid, job.ID).
			Scan(&a.CallID, &a.Tool, &a.Arguments, &a.Message, &a.Step, &asked, &deadline, &a.Decision, &a.Reason, &a.By, &decided)
		if errors.Is(err, sql.ErrNoRows) {
			return noApproval()
		}
		if err != nil {
			return fmt.Errorf("read approval: %w", err)
		}
		a.ID, a.AskedAt, a.Deadline = aid, time.UnixMilli(asked).UTC(), time.UnixMilli(deadline).UTC()
		now := s.now()
		switch {
		case a.Decision != "":
			by := ""
			if a.By != "" {
				by = " by " + a.By
			}
			return conflict(fmt.Sprintf("approval %s was %s already%s at %s; a decision cannot be changed", aid, a.Decision, by,
				time.UnixMilli(decided).UTC().Format(time.RFC3339)))
		case finalized(cur.State):
			return conflict(fmt.Sprintf("job %s already ended (%s); nothing to decide", pub, cur.State))
		case !now.Before(a.Deadline):
			return conflict(fmt.Sprintf("approval %s expired at %s (the tenant's approval window); the call counts as denied", aid, a.Deadline.Format(time.RFC3339)))
		case cur.State == rivertype.JobStateRunning:
			return &httpError{status: http.StatusConflict, reason: reasonConflict, header: http.Header{"Retry-After": {"1"}},
				msg: fmt.Sprintf("job %s is running; it waits for approval %s again in a moment: retry", pub, aid)}
		}
		if err := tx.exec(r.Context(), `UPDATE aigentic_approval SET decision = $1, reason = $2, decided_by = $3, decided_at = $4 WHERE approval_id = $5`,
			decision, aigentic.Redact(req.Reason), by, now.UnixMilli(), aid); err != nil {
			return fmt.Errorf("record decision: %w", err)
		}
		state = cur.State
		if cur.State != rivertype.JobStateAvailable {
			// scheduled (parked), retryable or pending: work it now.
			if cur, err = jobs.Retry(job.ID); err != nil {
				return fmt.Errorf("resume job: %w", err)
			}
			state = cur.State
		}
		a.Decision, a.Reason, a.By, a.DecidedAt = decision, aigentic.Redact(req.Reason), by, time.UnixMilli(now.UnixMilli()).UTC()
		view = viewApproval(a, state, now)
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.metrics.recordDecision(r.Context(), principalOf(r.Context()).tenant.id, decision)
	s.logger.Info("approval decided", "job", pub, "job_id", job.ID, "approval", aid, "tool", view.Tool, "decision", decision, "by", by)
	writeJSON(w, http.StatusAccepted, map[string]any{"job": map[string]any{"id": pub, "state": string(state)}, "approval": view})
}
