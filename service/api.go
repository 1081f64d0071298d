package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// maxQueryBytes bounds a query.
const maxQueryBytes = 8 << 10

// routes is the public API. Nothing else is served on this address;
// debug endpoints live on -debug-addr.
func (s *service) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", metricsHandler(s.telemetry))
	if s.cfg.serves() {
		mux.HandleFunc("POST /v1/runs", s.postRun)
		mux.HandleFunc("POST /v1/jobs", s.postJob)
		mux.HandleFunc("GET /v1/jobs/{id}", s.getJob)
		mux.HandleFunc("POST /v1/jobs/{id}/cancel", s.cancelJob)
		mux.HandleFunc("GET /v1/jobs/{id}/events", s.jobEvents)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{"no such endpoint: " + r.Method + " " + r.URL.Path})
	})
	return mux
}

// queryRequest is the body of POST /v1/runs and POST /v1/jobs.
type queryRequest struct {
	Query string `json:"query"`
}

func (q *queryRequest) validate() error {
	q.Query = strings.TrimSpace(q.Query)
	switch {
	case q.Query == "":
		return &httpError{status: http.StatusBadRequest, msg: `"query" is required`}
	case len(q.Query) > maxQueryBytes:
		return &httpError{status: http.StatusRequestEntityTooLarge, msg: "query longer than 8192 bytes"}
	}
	return nil
}

// readQuery reads and checks the body, then admits the request. Bad input
// is answered before admission, so it uses no rate token.
func (s *service) readQuery(w http.ResponseWriter, r *http.Request) (*tenant, string, error) {
	var q queryRequest
	if err := readJSON(w, r, &q); err != nil {
		return nil, "", err
	}
	if err := q.validate(); err != nil {
		return nil, "", err
	}
	t, err := s.admit.admit(r.Context(), r.Header.Get("X-Tenant-ID"))
	return t, q.Query, err
}

// statsView is a run's counters in responses.
type statsView struct {
	LLMCalls     int   `json:"llm_calls"`
	ToolCalls    int   `json:"tool_calls"`
	ToolErrors   int   `json:"tool_errors"`
	Retries      int   `json:"retries"`
	InputTokens  int   `json:"input_tokens"`
	OutputTokens int   `json:"output_tokens"`
	DurationMS   int64 `json:"duration_ms"`
}

func viewStats(st aigentic.Stats) statsView {
	return statsView{LLMCalls: st.LLMCalls, ToolCalls: st.ToolCalls, ToolErrors: st.ToolErrors, Retries: st.Retries,
		InputTokens: st.InputTokens, OutputTokens: st.OutputTokens, DurationMS: st.Duration.Milliseconds()}
}

// runResponse is POST /v1/runs' answer.
type runResponse struct {
	Outcome string    `json:"outcome"`
	Answer  string    `json:"answer,omitempty"`
	Error   string    `json:"error,omitempty"`
	Stats   statsView `json:"stats"`
	// TraceID is the run's session ID: it names the run in the service's
	// logs (and in trace files when tracing is on).
	TraceID string `json:"trace_id"`
}

// postRun is Pattern 1: run now, bounded by the tenant's timeout.
func (s *service) postRun(w http.ResponseWriter, r *http.Request) {
	t, query, err := s.readQuery(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), t.cfg.Timeout)
	defer cancel()
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	run, err := s.tenantAgent(t, session).Start(query)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for range run.Next() {
	}
	answer, err := run.Wait(0)
	st := run.Stats()
	if uerr := s.store.addTokens(context.WithoutCancel(ctx), t.id, int64(st.InputTokens+st.OutputTokens)); uerr != nil {
		s.logger.Error("token usage not recorded", "tenant", t.id, "error", uerr)
	}
	resp := runResponse{Outcome: outcomeOf(err), Answer: answer, Stats: viewStats(st), TraceID: session.ID}
	status := http.StatusOK
	if err != nil {
		resp.Error = err.Error()
		var le *aigentic.LimitError
		switch resp.Outcome {
		case outcomeLimited:
			if errors.As(err, &le) {
				resp.Answer = le.Partial
			}
		case outcomeTimeout:
			status = http.StatusGatewayTimeout
		case outcomeModel:
			status = http.StatusBadGateway
			if d := retryAfter(err); d > 0 {
				w.Header().Set("Retry-After", retryAfterSeconds(d))
				status = http.StatusServiceUnavailable
			}
		case outcomeCanceled:
			status = 499 // the client went away; nobody reads this
		default:
			status = http.StatusInternalServerError
		}
		s.logger.Warn("run did not complete", "tenant", t.id, "outcome", resp.Outcome, "session", session.ID, "error", err)
	}
	writeJSON(w, status, resp)
}

func (s *service) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz: the database answers and every tenant's model answers Ping.
func (s *service) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.logger.Warn("not ready: database", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"database unreachable"})
		return
	}
	for _, m := range s.models {
		if _, err := m.Ping(ctx); err != nil {
			s.logger.Warn("not ready: model", "model", m.ModelName(), "error", err)
			writeJSON(w, http.StatusServiceUnavailable, errorBody{"model " + m.ModelName() + " unreachable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": s.db.kind})
}
