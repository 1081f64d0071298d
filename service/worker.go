package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// AskWorker works AskArgs jobs: the tenant's agent as a durable run,
// resumed from the job's checkpoint when an earlier attempt (or a worker
// that died) got part of the way.
type AskWorker struct {
	river.WorkerDefaults[AskArgs]
	svc *service
}

// Timeout is the tenant's timeout: River cancels the job's context when it
// elapses (the seed's 5-minute job timeout, per tenant now). An unknown
// tenant gets the default, and Work cancels the job.
func (w *AskWorker) Timeout(job *river.Job[AskArgs]) time.Duration {
	if t, ok := w.svc.tenants[job.Args.Tenant]; ok {
		return t.cfg.Timeout
	}
	return 0
}

// jobKey is the durable key of a job's run: tool idempotency keys are
// "<jobKey>/<tool call ID>", approval ids derive from it. River's job ids
// are never given twice (on SQLite since riversqlite's migration 008 made
// river_job.id AUTOINCREMENT).
func jobKey(id int64) string { return "job-" + strconv.FormatInt(id, 10) }

// Work runs the job. It is also what a resumed job runs: the checkpoint
// decides where it starts.
func (w *AskWorker) Work(ctx context.Context, job *river.Job[AskArgs]) error {
	s := w.svc
	log := s.logger.With("job_id", job.ID, "tenant", job.Args.Tenant, "attempt", job.Attempt)
	t, ok := s.tenants[job.Args.Tenant]
	if !ok {
		err := fmt.Errorf("%w %q: not in this worker's tenants file", ErrUnknownTenant, job.Args.Tenant)
		_ = s.store.finishRun(ctx, job.ID, job.Args.Tenant, outcomeError, "", err.Error())
		return river.JobCancel(err)
	}
	if job.AttemptedAt != nil {
		s.metrics.recordJobWait(ctx, t.id, job.AttemptedAt.Sub(job.ScheduledAt))
	}
	var from *aigentic.Checkpoint
	cps := &checkpointer{store: s.store, jobID: job.ID, tenant: t.id, ctx: ctx}
	// A job's first attempt that River never snoozed has no checkpoint:
	// River counts an attempt at each fetch (a worker that died left an
	// attempt behind), and a snooze — which gives its attempt back — is
	// recorded in the job's "snoozes" metadata. Only then is a read saved.
	if job.Attempt > 1 || everSnoozed(job) {
		row, err := s.store.loadRun(ctx, job.ID)
		switch {
		case err == nil:
			from, cps.tokens = row.Checkpoint, row.Tokens
		case !errors.Is(err, errNoRun):
			return fmt.Errorf("load checkpoint: %w", err)
		}
	}
	var decisions map[string]aigentic.ApprovalDecision
	if from != nil {
		log.Info("resuming job from checkpoint", "step", from.Step, "messages", len(from.Messages), "llm_calls", from.Calls)
		if from.Pending != nil {
			var err error
			if decisions, err = s.store.decisions(ctx, job.ID); err != nil {
				return fmt.Errorf("load decisions: %w", err)
			}
		}
	}

	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	key := jobKey(job.ID)
	session.ID = key
	agent := s.tenantAgent(t, session, true)
	agent.Observers = append(agent.Observers, s.expiryObserver(job.ID, t.id))
	answer, err := agent.ExecuteDurable(job.Args.Query, aigentic.Durable{
		Key:           key,
		From:          from,
		ParkApprovals: true,
		Decisions:     decisions,
		Save: func(ctx context.Context, cp *aigentic.Checkpoint) error {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			return cps.save(ctx, cp)
		},
	})
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := cps.flush(recordCtx); ferr != nil {
		log.Error("tool result not saved; the next attempt runs its call again, with the same idempotency key", "error", ferr)
	}
	last := cps.last
	if last == nil {
		last = from
	}
	var parked *aigentic.ApprovalPendingError
	if errors.As(err, &parked) {
		// The checkpoint with the pending call is saved: hold no worker
		// until a person decides (approvals.go).
		p := parked.Pending
		out := outputOf(outcomeApprovalPending, statsOf(last))
		out.Approval = &outputApproval{ID: approvalID(key, redactCallID(p.ID)), Tool: p.Call.Name, Deadline: p.Deadline.UTC()}
		s.recordOutput(ctx, log, out)
		log.Info("job waiting for approval", "tool", p.Call.Name, "approval", approvalID(key, redactCallID(p.ID)), "deadline", p.Deadline.UTC())
		return river.JobSnooze(max(0, time.Until(p.Deadline)))
	}
	result := jobResult(ctx, job, err)
	outcome := outcomeOf(err)
	// Record the end unless the job will simply go on later (shutdown,
	// retry): the row then keeps the last error for GET /v1/jobs/{id}.
	errMsg := ""
	if err != nil {
		errMsg = err.Error()
		var le *aigentic.LimitError
		if errors.As(err, &le) {
			answer = le.Partial
		}
	}
	var snooze *river.JobSnoozeError
	if errors.As(result, &snooze) && outcome == outcomeCanceled {
		log.Info("job interrupted by shutdown; it resumes from its checkpoint", "llm_calls", statsOf(last).LLMCalls)
		return result
	}
	if err != nil || !cps.answered {
		// (The final answer's checkpoint recorded outcome ok already.)
		if rerr := s.store.finishRun(recordCtx, job.ID, t.id, outcome, answer, errMsg); rerr != nil {
			log.Error("job outcome not recorded", "error", rerr)
		}
	}
	s.recordOutput(ctx, log, outputOf(outcome, statsOf(last)))
	switch {
	case err == nil:
		log.Info("job completed", "outcome", outcome, "llm_calls", statsOf(last).LLMCalls)
	case result == nil:
		log.Info("job completed with partial work", "outcome", outcome, "error", err)
	default:
		log.Warn("job not completed", "outcome", outcome, "river", fmt.Sprintf("%T", result), "error", err)
	}
	return result
}

// outcomeApprovalPending is a job attempt that parked at a tool call
// needing approval (the runtime's outcome name, too).
const outcomeApprovalPending = "approval_pending"

// jobOutput is what a job attempt records as River's job output
// (river.RecordOutput; "output" in the job's metadata): how it ended and
// its figures, so River's UI shows them. The answer is not in it: that is
// the tenant's, in aigentic_run.
type jobOutput struct {
	Outcome string    `json:"outcome"`
	Stats   statsView `json:"stats"`
	// CostUSD is the run's estimated cost so far.
	CostUSD float64 `json:"cost_usd,omitempty"`
	// Approval is the call the job waits on (outcome approval_pending).
	Approval *outputApproval `json:"approval,omitempty"`
}

// outputOf is the output of an attempt that ended with outcome and the
// run's stats st.
func outputOf(outcome string, st aigentic.Stats) jobOutput {
	return jobOutput{Outcome: outcome, Stats: viewStats(st), CostUSD: st.CostUSD}
}

// outputApproval names a pending approval in a job's output.
type outputApproval struct {
	ID       string    `json:"id"`
	Tool     string    `json:"tool"`
	Deadline time.Time `json:"deadline"`
}

// recordOutput records o as the attempt's output; a failure is logged,
// never the job's.
func (s *service) recordOutput(ctx context.Context, log *slog.Logger, o jobOutput) {
	if err := river.RecordOutput(ctx, o); err != nil {
		log.Warn("job output not recorded", "error", err)
	}
}

// expiryObserver records, for the job's run, an approval the runtime
// denied because nobody decided it by its deadline.
func (s *service) expiryObserver(jobID int64, tenant string) aigentic.Observer {
	return hook.ObserverFunc(func(ctx context.Context, step hook.Step) context.Context {
		a, ok := step.(*hook.ApprovalAnswered)
		if !ok || a.How != hook.ApprovalTimedOut {
			return ctx
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := s.store.expireApproval(sctx, jobID, redactCallID(a.Call.ID)); err != nil {
			s.logger.Error("expired approval not recorded", "job_id", jobID, "error", err)
		}
		s.metrics.recordDecision(sctx, tenant, decisionExpired)
		return ctx
	})
}

func statsOf(cp *aigentic.Checkpoint) aigentic.Stats {
	if cp == nil {
		return aigentic.Stats{}
	}
	return cp.Stats
}
