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
// counts as an attempt like any other. River's own "snoozes" metadata
// counts approvals' parks too, so these are counted apart
// (retryAfterSnoozesKey).
const maxSnoozes = 10

// retryAfterSnoozesKey is the job metadata counting its Retry-After
// snoozes.
const retryAfterSnoozesKey = "aigentic_retry_after_snoozes"

// jobResult turns a run's end into what River should do with the job:
//
//   - ok, limited: nil → completed (a limited run keeps its partial work).
//   - transient failure after the run's own retries (ErrRetriesExhausted),
//     a checkpoint not saved: the error → River retries the job later with
//     its backoff, resuming from the checkpoint; when the provider said
//     Retry-After, river.JobSnooze(that, capped at maxRetryAfter) instead,
//     at most maxSnoozes times.
//   - permanent failure (a 4xx from the model, a tool's permanent error, a
//     bad agent), the tenant's timeout: river.JobCancel(err) → cancelled,
//     never retried, the error kept.
//   - stopped by a shutdown (not by the API, not by the timeout):
//     river.JobSnooze(0) → available again at once, for this worker when
//     it restarts or another one now, and no attempt used.
//   - cancelled through the API: River already knows; the error is
//     returned and the job ends cancelled.
//
// River records the error's text in the job's errors (JSONB on
// PostgreSQL, which rejects a NUL): err is returned with its text made
// storable (storableError), its chain kept.
func jobResult(jobCtx context.Context, job *river.Job[AskArgs], err error) error {
	if err != nil && storable(err.Error()) != err.Error() {
		err = storableError{err}
	}
	outcome := outcomeOf(err)
	switch {
	case err == nil, outcome == outcomeLimited:
		return nil
	case errors.Is(context.Cause(jobCtx), river.ErrJobCancelledRemotely):
		return err
	case outcome == outcomeCanceled:
		return river.JobSnooze(0)
	case errors.Is(err, aigentic.ErrRetriesExhausted), errors.Is(err, aigentic.ErrCheckpoint):
		if n := retryAfterSnoozes(job); retryAfter(err) > 0 && n < maxSnoozes {
			_ = river.MetadataSet(jobCtx, retryAfterSnoozesKey, n+1)
			return river.JobSnooze(retryAfter(err))
		}
		return err
	default:
		return river.JobCancel(err)
	}
}

// maxRetryAfter caps the Retry-After the service follows: how long a job
// is snoozed for it (keeping its place and its token reservation) and
// what POST /v1/runs passes on in its own Retry-After header. It is the
// runtime's cap on the Retry-After it honours between its own retries
// (aigentic.DefaultMaxRetryAfter, RetryPolicy.MaxRetryAfter: 60 s), so a
// provider (or a hostile server) saying "a year" delays a job a minute.
const maxRetryAfter = aigentic.DefaultMaxRetryAfter

// storableError is an error whose text holds a NUL byte or invalid UTF-8
// (a provider's message, say) with that text made storable (storable);
// errors.Is and errors.As see the error it wraps.
type storableError struct{ err error }

func (e storableError) Error() string { return storable(e.err.Error()) }
func (e storableError) Unwrap() error { return e.err }

// retryAfter is the Retry-After the provider sent with err's last
// failure, capped at maxRetryAfter; 0 when it sent none or a negative
// one (then River's backoff decides).
func retryAfter(err error) time.Duration {
	var me *ai.ModelError
	if errors.As(err, &me) && me.RetryAfter > 0 {
		return min(me.RetryAfter, maxRetryAfter)
	}
	return 0
}

// retryAfterSnoozes is how often the job was snoozed for a Retry-After.
func retryAfterSnoozes(job *river.Job[AskArgs]) int {
	var md map[string]json.RawMessage
	_ = json.Unmarshal(job.Metadata, &md)
	var n int
	_ = json.Unmarshal(md[retryAfterSnoozesKey], &n)
	return n
}

// everSnoozed reports whether River ever snoozed the job (a park, a
// shutdown, a Retry-After: River's "snoozes" metadata, which River keeps
// across attempts).
func everSnoozed(job *river.Job[AskArgs]) bool {
	var md struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(job.Metadata, &md)
	return md.Snoozes > 0
}

// safeMessage is what a client is told about a run that did not complete
// (production demo 1's rule, production/usermessage.go): what happened,
// whether trying again helps, and a reference that finds the cause in the
// service's log — never the raw error, which may name internal systems.
// err, when known (a run now), refines a model failure into transient or
// not; a stored job has only its outcome.
func safeMessage(outcome string, err error, reference string) string {
	var msg string
	switch outcome {
	case outcomeLimited:
		msg = "The assistant could not finish within its limits (model calls or tokens); the partial work is kept. Please narrow the request."
	case outcomeTimeout:
		msg = "That took too long and was stopped. Please try again, or ask for something smaller."
	case outcomeCanceled:
		msg = "The request was cancelled."
	case outcomeModel:
		msg = "The AI model could not answer this request. Please try again later."
		if err != nil && (errors.Is(err, aigentic.ErrRetriesExhausted) || ai.IsTransient(err)) {
			msg = "The assistant is temporarily unavailable (the AI provider is overloaded). Please try again in a minute."
		}
	case outcomeToolError:
		msg = "A backend system the assistant uses is failing, so the request could not be completed. Please try again later."
	default:
		msg = "Something went wrong on our side and the request was not completed."
	}
	return msg + " (reference: " + reference + ")"
}
