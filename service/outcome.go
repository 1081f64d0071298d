package main

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Outcomes: how a run ended (GET /v1/jobs/{id} "outcome"; the aigentic.runs
// metric's outcome names these the same, "limited" aside).
const (
	outcomeOK        = "ok"
	outcomeLimited   = "limited"    // MaxLLMCalls reached; partial work kept
	outcomeToolError = "tool_error" // a tool failed
	outcomeModel     = "model_error"
	outcomeTimeout   = "timeout" // the tenant's timeout
	outcomeCanceled  = "canceled"
	outcomeError     = "error" // anything else (a checkpoint not saved, a bad agent)
)

// outcomeOf names how a run that returned err ended.
func outcomeOf(err error) string {
	var (
		limit *aigentic.LimitError
		tool  *aigentic.ToolError
		model *aigentic.ModelCallError
	)
	switch {
	case err == nil:
		return outcomeOK
	case errors.As(err, &limit):
		return outcomeLimited
	case errors.Is(err, context.DeadlineExceeded):
		return outcomeTimeout
	case errors.Is(err, context.Canceled):
		return outcomeCanceled
	case errors.As(err, &tool):
		return outcomeToolError
	case errors.As(err, &model):
		return outcomeModel
	default:
		return outcomeError
	}
}

// maxSnoozes bounds how often a job follows a provider's Retry-After
// (River does not count snoozes as attempts); after that the failure
// counts as an attempt like any other.
const maxSnoozes = 10

// jobResult turns a run's end into what River should do with the job:
//
//   - ok, limited: nil → completed (a limited run keeps its partial work).
//   - transient failure after the run's own retries (ErrRetriesExhausted),
//     a checkpoint not saved: the error → River retries the job later with
//     its backoff, resuming from the checkpoint; when the provider said
//     Retry-After, river.JobSnooze(that) instead.
//   - permanent failure (a 4xx from the model, a tool's permanent error, a
//     bad agent), the tenant's timeout: river.JobCancel(err) → cancelled,
//     never retried, the error kept.
//   - stopped by a shutdown (not by the API, not by the timeout):
//     river.JobSnooze(0) → available again at once, for this worker when
//     it restarts or another one now, and no attempt used.
//   - cancelled through the API: River already knows; the error is
//     returned and the job ends cancelled.
func jobResult(jobCtx context.Context, job *river.Job[AskArgs], err error) error {
	outcome := outcomeOf(err)
	switch {
	case err == nil, outcome == outcomeLimited:
		return nil
	case errors.Is(context.Cause(jobCtx), river.ErrJobCancelledRemotely):
		return err
	case outcome == outcomeCanceled:
		return river.JobSnooze(0)
	case errors.Is(err, aigentic.ErrRetriesExhausted), errors.Is(err, aigentic.ErrCheckpoint):
		if d := retryAfter(err); d > 0 && snoozes(job) < maxSnoozes {
			return river.JobSnooze(d)
		}
		return err
	default:
		return river.JobCancel(err)
	}
}

// retryAfter is the Retry-After the provider sent with err's last
// failure, or 0.
func retryAfter(err error) time.Duration {
	var me *ai.ModelError
	if errors.As(err, &me) {
		return me.RetryAfter
	}
	return 0
}

// snoozes is how often River has snoozed the job (its "snoozes" metadata).
func snoozes(job *river.Job[AskArgs]) int {
	var md struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(job.Metadata, &md)
	return md.Snoozes
}
