package main

import (
	"errors"
	"log/slog"
	"net/http"
)

// Reasons a request is refused: the "reason" of the refusal metric and
// log (a fixed set, so a bounded label).
const (
	reasonUnauthenticated  = "unauthenticated"        // 401
	reasonForbidden        = "forbidden"              // 403
	reasonBadRequest       = "bad_request"            // 400
	reasonNotFound         = "not_found"              // 404
	reasonMethodNotAllowed = "method_not_allowed"     // 405
	reasonConflict         = "conflict"               // 409
	reasonTooLarge         = "payload_too_large"      // 413
	reasonMediaType        = "unsupported_media_type" // 415
	reasonRateLimited      = "rate_limited"           // 429
	reasonBudget           = "budget_exhausted"       // 429
	reasonQueueFull        = "queue_full"             // 429
)

// httpError is a client-visible error: its status, message and reason,
// and headers to send with it (WWW-Authenticate, Allow). Its message is
// built by the service from bounded parts (echo for a client's value).
type httpError struct {
	status int
	reason string
	msg    string
	header http.Header
}

func (e *httpError) Error() string { return e.msg }

// badRequest is a 400.
func badRequest(msg string) *httpError {
	return &httpError{status: http.StatusBadRequest, reason: reasonBadRequest, msg: msg}
}

// notFound is the answer for a job that is missing, malformed, or another
// tenant's: the same in all three cases, quoting nothing.
func notFound() *httpError {
	return &httpError{status: http.StatusNotFound, reason: reasonNotFound, msg: "no such job"}
}

// errorBody is every error response: {"error": "..."}, with "reference"
// for a failure whose cause is in the service's log.
type errorBody struct {
	Error     string `json:"error"`
	Reference string `json:"reference,omitempty"`
}

// writeError answers with err: a *RefusalError (429 with Retry-After) or
// a *httpError with its status — both counted and logged at a bounded
// rate as refusals (refusals.go) when they are the client's (4xx) —;
// anything else is a 500 whose cause stays in the log under a reference
// the client is given.
func (s *service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		he  *httpError
		ref *RefusalError
	)
	tenant := ""
	if p := principalOf(r.Context()); p != nil && p.tenant != nil {
		tenant = p.tenant.id
	}
	switch {
	case errors.As(err, &ref):
		if ref.RetryAfter > 0 {
			w.Header().Set("Retry-After", retryAfterSeconds(ref.RetryAfter))
		}
		reason := reasonRateLimited
		switch {
		case errors.Is(ref.Reason, ErrBudgetExhausted):
			reason = reasonBudget
		case errors.Is(ref.Reason, ErrQueueFull):
			reason = reasonQueueFull
		}
		s.refusals.record(r, ref.Status(), reason, tenant, ref.Detail, slog.Duration("retry_after", ref.RetryAfter))
		writeJSON(w, ref.Status(), errorBody{Error: ref.Detail})
	case errors.As(err, &he) && he.status < 500:
		for k, vs := range he.header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		s.refusals.record(r, he.status, he.reason, tenant, he.msg)
		writeJSON(w, he.status, errorBody{Error: he.msg})
	default:
		reference := newReference()
		s.logger.Error("request failed", "route", routeOf(r), "tenant", tenant, "reference", reference, "error", err)
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "internal error; the service's log has the cause under this reference", Reference: reference})
	}
}

// routeOf is the route pattern that matched r ("GET /v1/jobs/{id}"), or
// "unmatched": a bounded stand-in for the path a client chose.
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return "unmatched"
}
