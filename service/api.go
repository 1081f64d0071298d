package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// maxQueryBytes bounds a query.
const maxQueryBytes = 8 << 10

// routes is the API. Nothing else is served on this address; debug
// endpoints live on -debug-addr. Each route names the role it needs
// (auth.go): tenant routes a tenant's key (or a trusted proxy's
// X-Tenant-ID), GET /metrics a metrics or admin key, admin routes an admin
// key; /healthz and /readyz are open and say nothing about tenants.
func (s *service) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz())
	mux.HandleFunc("GET /metrics", s.requireRole(roleMetrics, metricsHandler(s.telemetry).ServeHTTP))
	if s.cfg.serves() {
		mux.HandleFunc("POST /v1/runs", s.requireRole(roleTenant, s.postRun))
		mux.HandleFunc("POST /v1/jobs", s.requireRole(roleTenant, s.postJob))
		mux.HandleFunc("GET /v1/jobs/{id}", s.requireRole(roleTenant, s.getJob))
		mux.HandleFunc("POST /v1/jobs/{id}/cancel", s.requireRole(roleTenant, s.cancelJob))
		mux.HandleFunc("GET /v1/jobs/{id}/events", s.requireRole(roleTenant, s.limitStreams(s.jobEvents)))
		mux.HandleFunc("POST /v1/jobs/{id}/approvals/{approval_id}", s.requireRole(roleTenant, s.postApproval))
		mux.HandleFunc("GET /v1/admin/tenants", s.requireRole(roleAdmin, s.adminTenants))
	}
	if s.ui != nil {
		mux.Handle(riverUIPrefix+"/", s.uiRoute())
	}
	return mux
}

// handler serves the routes; a request no route matches is a JSON 404,
// or, when its path is a route's with another method, a JSON 405 with the
// Allow header ServeMux computed (RFC 9110 section 15.5.6). (A catch-all
// "/" pattern would shadow ServeMux's 405, so there is none.) In the local
// demo a request whose Host is not a loopback name gets 421 before any
// route (loopbackHost).
func (s *service) handler() http.Handler {
	mux := s.routes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.auth.demo != nil && !loopbackHost(r.Host) {
			s.writeError(w, r, &httpError{status: http.StatusMisdirectedRequest, reason: reasonMisdirected,
				msg: "the local demo (no -tenants, no API keys) answers only requests addressed to localhost, 127.0.0.1 or [::1]; Host " + echo(r.Host) + " is refused (a web page could otherwise reach it by DNS rebinding)"})
			return
		}
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			s.writeError(w, r, &httpError{status: http.StatusMethodNotAllowed, reason: reasonMethodNotAllowed,
				msg:    "method " + echo(r.Method) + " not allowed here; allowed: " + probe.header.Get("Allow"),
				header: http.Header{"Allow": {probe.header.Get("Allow")}}})
			return
		}
		s.writeError(w, r, &httpError{status: http.StatusNotFound, reason: reasonNotFound, msg: "no such endpoint"})
	})
}

// reasonMisdirected is the refusal reason of a local-demo request whose
// Host is not a loopback name (421, RFC 9110 section 15.5.20).
const reasonMisdirected = "misdirected_request"

// loopbackHost reports whether a request's Host names loopback:
// "localhost" or a loopback IP ("127.0.0.1", "[::1]"), with or without a
// port. The local demo has no keys and listens on loopback only, but a
// browser lets any web page send it requests once the page's own name
// resolves to 127.0.0.1 (DNS rebinding); such requests carry the page's
// name in Host, so the demo refuses every other Host.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}

// headerProbe records what ServeMux's own 404 or 405 handler would send.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }

// queryRequest is the body of POST /v1/runs and POST /v1/jobs.
type queryRequest struct {
	Query string `json:"query"`
}

// validate trims and checks the query: present, at most maxQueryBytes,
// no control characters (checkText).
func (q *queryRequest) validate() error {
	q.Query = strings.TrimSpace(q.Query)
	switch {
	case q.Query == "":
		return badRequest(`"query" is required`)
	case len(q.Query) > maxQueryBytes:
		return &httpError{status: http.StatusRequestEntityTooLarge, reason: reasonTooLarge, msg: "query longer than 8192 bytes"}
	}
	return checkText("query", q.Query)
}

// readQuery reads and checks the body, and returns the query redacted
// (aigentic.Redact): a credential a user pasted into a question ("my key
// sk-… fails") is replaced by "[REDACTED]" before the query is stored in
// a job's args — which River UI's API serves — or sent to the model
// provider. Bad input is answered before admission, so it uses no rate
// token.
func (s *service) readQuery(w http.ResponseWriter, r *http.Request) (string, error) {
	var q queryRequest
	if err := readJSON(w, r, &q); err != nil {
		return "", err
	}
	if err := q.validate(); err != nil {
		return "", err
	}
	return aigentic.Redact(q.Query), nil
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
	Outcome string `json:"outcome"`
	Answer  string `json:"answer,omitempty"`
	// Error is a message for the user (safeMessage), never the raw error:
	// that is in the service's log under Reference.
	Error     string    `json:"error,omitempty"`
	Reference string    `json:"reference,omitempty"`
	Stats     statsView `json:"stats"`
	// TraceID is the run's session ID: it names the run in the service's
	// logs (and in trace files when tracing is on).
	TraceID string `json:"trace_id"`
}

// postRun is Pattern 1: run now, bounded by the tenant's timeout. The
// answer is redacted; a failed run answers the way production demo 1
// teaches: a safe message and a reference, the cause in the log.
func (s *service) postRun(w http.ResponseWriter, r *http.Request) {
	t := principalOf(r.Context()).tenant
	query, err := s.readQuery(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	idem, err := idempotencyOf(r, idempotencyRuns, query)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	adm, err := s.admit.admitRun(r.Context(), t, idem)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if adm.replayed {
		replayed(w)
		writeRaw(w, adm.run.status, adm.run.body)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), t.cfg.Timeout)
	defer cancel()
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	settle := func(tokens int64) {
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer scancel()
		if err := s.store.settleRun(sctx, t.id, adm.reservation, tokens); err != nil {
			s.logger.Error("token usage not recorded", "tenant", t.id, "session", session.ID, "error", err)
		}
	}
	agent := s.tenantAgent(t, session, false)
	var run *aigentic.AgentRun
	if idem != nil {
		// Tool effects keyed by the Idempotency-Key (idempotency.go).
		run, err = agent.StartDurable(query, aigentic.Durable{Key: idem.durableKey(t.id)})
	} else {
		run, err = agent.Start(query)
	}
	if err != nil {
		settle(0)
		if idem != nil {
			s.forgetIdempotentRun(t.id, idem)
		}
		s.writeError(w, r, err)
		return
	}
	for range run.Next() {
	}
	answer, err := run.Wait(0)
	st := run.Stats()
	settle(int64(st.InputTokens + st.OutputTokens))
	resp := runResponse{Outcome: outcomeOf(err), Answer: aigentic.Redact(answer), Stats: viewStats(st), TraceID: session.ID}
	status := http.StatusOK
	if err != nil {
		resp.Reference = session.ID
		resp.Error = safeMessage(resp.Outcome, err, resp.Reference)
		var le *aigentic.LimitError
		switch resp.Outcome {
		case outcomeLimited:
			if errors.As(err, &le) {
				resp.Answer = aigentic.Redact(le.Partial)
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
		s.logger.Warn("run did not complete", "tenant", t.id, "outcome", resp.Outcome, "reference", resp.Reference, "error", err)
	}
	if idem != nil {
		body := encodeJSON(resp)
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer scancel()
		if err := s.store.finishIdempotentRun(sctx, t.id, idem, status, body); err != nil {
			s.logger.Error("run's answer not kept for its Idempotency-Key", "tenant", t.id, "trace_id", session.ID, "error", err)
		}
	}
	writeJSON(w, status, resp)
}

// forgetIdempotentRun forgets the key of a run that did not start.
func (s *service) forgetIdempotentRun(tenant string, idem *idempotency) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.store.finishIdempotentRun(ctx, tenant, idem, http.StatusInternalServerError, nil); err != nil {
		s.logger.Error("Idempotency-Key not released", "tenant", tenant, "error", err)
	}
}

func (s *service) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyTTL is how long GET /readyz reuses a readiness check (database
// Ping and every tenant model's Ping): /readyz needs no login, so without
// it every anonymous request would reach the model providers on the
// operator's API key. Ten seconds is the kubelet's default readiness
// periodSeconds: a probe at that rate still sees a fresh check.
const readyTTL = 10 * time.Second

// readyTimeout bounds one readiness check.
const readyTimeout = 3 * time.Second

// readiness is /readyz's shared check: concurrent requests share one
// check (singleflight) and its result is reused for readyTTL by the
// service's clock.
type readiness struct {
	now   func() time.Time
	check func(context.Context) *httpError
	group singleflight.Group

	mu  sync.Mutex
	at  time.Time
	err *httpError
	ok  bool // a result is cached
}

// result is the cached check's result, checking again when it is older
// than readyTTL. A request that goes away does not cancel the shared
// check: it runs for readyTimeout at most.
func (rd *readiness) result(ctx context.Context) *httpError {
	rd.mu.Lock()
	if rd.ok && rd.now().Sub(rd.at) < readyTTL {
		err := rd.err
		rd.mu.Unlock()
		return err
	}
	rd.mu.Unlock()
	v, _, _ := rd.group.Do("ready", func() (any, error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readyTimeout)
		defer cancel()
		err := rd.check(cctx)
		rd.mu.Lock()
		rd.at, rd.err, rd.ok = rd.now(), err, true
		rd.mu.Unlock()
		return err, nil
	})
	return v.(*httpError)
}

// readyz answers 200 when the database and every tenant's model answered
// Ping within readyTTL, else 503 with a generic reason: the caller is
// anonymous, so the model's name and the provider's error go only to the
// log.
func (s *service) readyz() http.HandlerFunc {
	rd := &readiness{now: s.now, check: s.checkReady}
	return func(w http.ResponseWriter, r *http.Request) {
		if err := rd.result(r.Context()); err != nil {
			writeJSON(w, err.status, errorBody{Error: err.msg})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": s.db.kind})
	}
}

// checkReady pings the database, then every tenant's model; nil when all
// answer.
func (s *service) checkReady(ctx context.Context) *httpError {
	if err := s.db.Ping(ctx); err != nil {
		s.logger.Warn("not ready: database", "error", err)
		return &httpError{status: http.StatusServiceUnavailable, msg: "database unreachable"}
	}
	for _, m := range s.models {
		if _, err := m.Ping(ctx); err != nil {
			s.logger.Warn("not ready: model", "model", m.ModelName(), "error", err)
			return &httpError{status: http.StatusServiceUnavailable, msg: "model provider unreachable"}
		}
	}
	return nil
}
