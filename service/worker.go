package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
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
// "<jobKey>/<tool call ID>".
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
	row, err := s.store.loadRun(ctx, job.ID)
	switch {
	case err == nil:
		from = row.Checkpoint
	case !errors.Is(err, errNoRun):
		return fmt.Errorf("load checkpoint: %w", err)
	}
	if from != nil {
		log.Info("resuming job from checkpoint", "step", from.Step, "messages", len(from.Messages), "llm_calls", from.Calls)
	}

	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	session.ID = jobKey(job.ID)
	var last *aigentic.Checkpoint
	answer, err := s.tenantAgent(t, session).ExecuteDurable(job.Args.Query, aigentic.Durable{
		Key:  jobKey(job.ID),
		From: from,
		Save: func(ctx context.Context, cp *aigentic.Checkpoint) error {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := s.store.saveCheckpoint(ctx, job.ID, t.id, cp); err != nil {
				return err
			}
			last = cp
			return nil
		},
	})
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
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var snooze *river.JobSnoozeError
	if errors.As(result, &snooze) && outcome == outcomeCanceled {
		log.Info("job interrupted by shutdown; it resumes from its checkpoint", "llm_calls", statsOf(last).LLMCalls)
		return result
	}
	if rerr := s.store.finishRun(recordCtx, job.ID, t.id, outcome, answer, errMsg); rerr != nil {
		log.Error("job outcome not recorded", "error", rerr)
	}
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

func statsOf(cp *aigentic.Checkpoint) aigentic.Stats {
	if cp == nil {
		return aigentic.Stats{}
	}
	return cp.Stats
}
