package main

import (
	"errors"
	"log/slog"
	"net/http"
)

// httpError is a client-visible error: its status and message.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// errorBody is every error response: {"error": "..."}.
type errorBody struct {
	Error string `json:"error"`
}

// writeError answers with err as {"error": "..."}: a *httpError or a
// *RefusalError with its status (a refusal with Retry-After, logged at
// Info: a client condition, not a fault); anything else is a 500 whose
// detail stays in the log.
func (s *service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		he  *httpError
		ref *RefusalError
	)
	switch {
	case errors.As(err, &ref):
		if ref.RetryAfter > 0 {
			w.Header().Set("Retry-After", retryAfterSeconds(ref.RetryAfter))
		}
		s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request refused", slog.String("tenant", ref.Tenant),
			slog.String("reason", ref.Reason.Error()), slog.String("path", r.URL.Path), slog.Duration("retry_after", ref.RetryAfter))
		writeJSON(w, ref.Status(), errorBody{ref.Detail})
	case errors.As(err, &he):
		if he.status >= 500 {
			s.logger.Error("request failed", "path", r.URL.Path, "status", he.status, "error", he.msg)
		} else {
			s.logger.Debug("bad request", "path", r.URL.Path, "status", he.status, "error", he.msg)
		}
		writeJSON(w, he.status, errorBody{he.msg})
	default:
		s.logger.Error("request failed", "path", r.URL.Path, "error", err)
		writeJSON(w, http.StatusInternalServerError, errorBody{"internal error; see the service log"})
	}
}
