package openaitest

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// maxBody bounds a request body the server reads.
const maxBody = 32 << 20

// Server is a fake OpenAI-compatible server backed by an ai.Model. Build it
// with [NewServer]; it is safe for concurrent use.
type Server struct {
	model   ai.Model
	srv     *httptest.Server
	apiKey  string
	models  map[string]bool // nil: every model ID exists
	latency time.Duration

	allowInvalid bool
	quirks       map[Quirk]bool
	stopped      chan struct{} // closed by Close: ends held-open answers

	mu         sync.Mutex
	callSeq    int
	signatures map[string]string // tool-call ID -> thought signature (ThoughtSignatures)
	reasonings map[string]string // tool-call ID -> reasoning_content (ReasoningContent)
	encrypted  map[string]string // tool-call ID -> encrypted_content of its reasoning item (Responses API)
	faults     []Fault
	requests   [][]byte
	violations []error
	validated  int
	hits       int
	seq        int
	closed     bool
}

// Option configures a [Server].
type Option func(*Server)

// WithAPIKey makes the server require "Authorization: Bearer <key>" on
// every request and answer 401, with an OpenAI-shaped error body, to
// anything else. Without it, any Authorization (or none) is accepted.
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithFaults queues faults from the start, as [Server.Inject] does.
func WithFaults(faults ...Fault) Option {
	return func(s *Server) { s.faults = append(s.faults, faults...) }
}

// WithModels restricts GET /v1/models/{id} to the given IDs: others get
// OpenAI's 404 "model_not_found". Without it every ID exists. Chat
// completions accept any model name either way.
func WithModels(ids ...string) Option {
	return func(s *Server) {
		if s.models == nil {
			s.models = map[string]bool{}
		}
		for _, id := range ids {
			s.models[id] = true
		}
	}
}

// WithLatency delays every chat completion by d before the model is
// called; the wait ends early when the client goes away.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// AllowInvalidRequests keeps the server from failing the test over the
// request bodies it rejects as invalid ([ValidateRequest]): for a test
// that sends bad bodies on purpose. They are still answered 400 and
// recorded in [Server.Violations].
func AllowInvalidRequests() Option { return func(s *Server) { s.allowInvalid = true } }

// NewServer starts a server in front of model and closes it when t ends.
// Unless [AllowInvalidRequests] is given, every invalid chat completion
// body it received ([Server.Violations]) is then reported with t.Errorf.
func NewServer(t testing.TB, model ai.Model, opts ...Option) *Server {
	t.Helper()
	if model == nil {
		t.Fatal("openaitest: NewServer needs a model")
	}
	if err := compiledSchemas(); err != nil {
		t.Fatal(err)
	}
	s := &Server{model: model, stopped: make(chan struct{}),
		signatures: map[string]string{}, reasonings: map[string]string{}, encrypted: map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close() // waits for the requests in flight
		if s.allowInvalid {
			return
		}
		for _, v := range s.Violations() {
			t.Errorf("%v", v)
		}
	})
	return s
}

// URL returns the base URL to configure a client with — the server's
// address plus "/v1", as for https://api.openai.com/v1 — for
// openai.WithBaseURL or OPENAI_BASE_URL. The SDK appends paths such as
// "chat/completions" to it. The routes are also served without "/v1".
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close shuts the server down; it is called on t's cleanup, and safe to
// call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if !closed {
		close(s.stopped)
		s.srv.Close()
	}
}

// Inject queues faults: each chat completion request that passes the key
// check and validation ([ValidateRequest]) takes the next one instead of a
// normal answer. The model is not called for a faulted request (except
// after a [Slow] fault's delay), so a scripted model stays in step. Model
// routes never take a fault.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, faults...)
	s.mu.Unlock()
}

// PendingFaults is the number of queued faults not yet served.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// Requests returns copies of the bodies of every chat completion request
// received, in order — rejected and faulted ones included.
func (s *Server) Requests() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]byte, len(s.requests))
	for i, b := range s.requests {
		out[i] = append([]byte(nil), b...)
	}
	return out
}

// Violations returns the invalid chat completion bodies received, in
// order: each error says which request it was, the rule it breaks
// ([ValidateRequest]) and the body. The server answered each with a 400.
func (s *Server) Violations() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// Validated is the number of chat completion bodies received that passed
// [ValidateRequest] — whatever the answer then was (a 401, a fault).
func (s *Server) Validated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.validated
}

// Hits is the number of HTTP requests received, on any route.
func (s *Server) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits++
	s.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, "/v1")
	switch {
	case path == "/chat/completions":
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, nil, "invalid_request_error", "method_not_allowed", "use POST for "+r.URL.Path)
			return
		}
		s.chat(w, r)
	case path == "/responses":
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, nil, "invalid_request_error", "method_not_allowed", "use POST for "+r.URL.Path)
			return
		}
		s.responses(w, r)
	case path == "/models" && r.Method == http.MethodGet:
		if s.authorized(w, r) {
			s.listModels(w)
		}
	case strings.HasPrefix(path, "/models/") && r.Method == http.MethodGet:
		if s.authorized(w, r) {
			s.getModel(w, strings.TrimPrefix(path, "/models/"))
		}
	default:
		writeError(w, http.StatusNotFound, nil, "invalid_request_error", "unknown_url",
			fmt.Sprintf("Unknown request URL: %s %s.", r.Method, r.URL.Path))
	}
}

// authorized checks the bearer key, answering 401 when it is wrong.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if s.apiKey == "" {
		return true
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		writeError(w, http.StatusUnauthorized, nil, "invalid_request_error", "missing_api_key",
			"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
		return false
	}
	if subtle.ConstantTimeCompare([]byte(auth), []byte("Bearer "+s.apiKey)) != 1 {
		// Unlike OpenAI, the rejected key is not echoed, even masked.
		writeError(w, http.StatusUnauthorized, nil, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.")
		return false
	}
	return true
}

func (s *Server) getModel(w http.ResponseWriter, id string) {
	if s.has(AnyModelName) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"message": "File Not Found", "type": "not_found_error", "code": 404}})
		return
	}
	if id == "" || s.models != nil && !s.models[id] {
		writeError(w, http.StatusNotFound, nil, "invalid_request_error", "model_not_found",
			fmt.Sprintf("The model '%s' does not exist or you do not have access to it.", id))
		return
	}
	writeJSON(w, http.StatusOK, modelObject(id))
}

func (s *Server) listModels(w http.ResponseWriter) {
	ids := []string{s.model.ModelName()}
	if s.has(AnyModelName) {
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{modelObject(ids[0])}})
		return
	}
	for id := range s.models {
		if id != ids[0] {
			ids = append(ids, id)
		}
	}
	data := make([]any, len(ids))
	for i, id := range ids {
		data[i] = modelObject(id)
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

func modelObject(id string) map[string]any {
	return map[string]any{"id": id, "object": "model", "created": 0, "owned_by": "openaitest"}
}

func (s *Server) nextFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// answerModel is the model an answer names: the one asked for, or with
// AnyModelName the server's own.
func (s *Server) answerModel(asked string) string {
	if s.has(AnyModelName) {
		return s.model.ModelName()
	}
	return asked
}

func (s *Server) nextID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return "chatcmpl-openaitest-" + strconv.Itoa(s.seq)
}

// sleep waits d, reporting false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
