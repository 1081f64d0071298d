package openaitest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
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
	if _, _, err := compiledSchemas(); err != nil {
		t.Fatal(err)
	}
	s := &Server{model: model, stopped: make(chan struct{})}
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
	if id == "" || s.models != nil && !s.models[id] {
		writeError(w, http.StatusNotFound, nil, "invalid_request_error", "model_not_found",
			fmt.Sprintf("The model '%s' does not exist or you do not have access to it.", id))
		return
	}
	writeJSON(w, http.StatusOK, modelObject(id))
}

func (s *Server) listModels(w http.ResponseWriter) {
	ids := []string{s.model.ModelName()}
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

func (s *Server) nextID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return "chatcmpl-openaitest-" + strconv.Itoa(s.seq)
}

// chat serves POST /v1/chat/completions.
func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	s.mu.Lock()
	s.requests = append(s.requests, body)
	n := len(s.requests) - 1
	s.mu.Unlock()
	if err != nil {
		return // the client went away
	}
	// Every body is validated, even one then refused for its key.
	var invalid error
	if len(body) > maxBody {
		invalid = fmt.Errorf("body larger than openaitest's limit of %d bytes", maxBody)
	} else {
		invalid = ValidateRequest(body)
	}
	s.mu.Lock()
	if invalid != nil {
		s.violations = append(s.violations, fmt.Errorf("openaitest: invalid chat completion request %d: %w\nbody: %s", n, invalid, clip(body)))
	} else {
		s.validated++
	}
	s.mu.Unlock()
	if !s.authorized(w, r) {
		return
	}
	if invalid != nil {
		writeInvalid(w, invalid)
		return
	}
	var wr wireRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_value", err.Error())
		return
	}

	fault, faulted := s.nextFault()
	delay := s.latency
	if faulted && fault.kind == kindSlow {
		delay += fault.delay
		faulted = false
	}
	if !sleep(r.Context(), delay) {
		return
	}
	if faulted {
		s.serveFault(w, r, fault, &wr)
		return
	}

	req, err := wr.toAI()
	if err != nil {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_value", err.Error())
		return
	}
	id := s.nextID()
	if wr.Stream {
		s.stream(w, r, &wr, req, id)
		return
	}
	resp, err := s.model.Generate(r.Context(), req)
	if err != nil {
		if r.Context().Err() == nil {
			writeModelError(w, err)
		}
		return
	}
	c := completion(id, wr.Model, resp)
	s.quirkCompletion(c)
	writeJSON(w, http.StatusOK, c)
}

// stream serves a streaming chat completion: content deltas as the model
// produces them, then each tool call in pieces (its arguments split in
// two), the finish reason, usage when asked, and [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, wr *wireRequest, req ai.Request, id string) {
	ev := newEvents(w, id, wr)
	ev.nullError = s.has(NullErrorField)
	var streamed strings.Builder
	req.OnDelta = func(text string) {
		if text == "" {
			return
		}
		ev.content(text)
		streamed.WriteString(text)
	}
	resp, err := s.model.Generate(r.Context(), req)
	if err != nil {
		if r.Context().Err() != nil {
			return
		}
		if !ev.started {
			writeModelError(w, err)
			return
		}
		// Headers are gone: report in the stream, as OpenAI does.
		_, typ, code, msg := describe(err)
		ev.raw(map[string]any{"error": errorObject(typ, code, msg)})
		return
	}
	if rest, ok := strings.CutPrefix(resp.Message.Content, streamed.String()); ok && rest != "" {
		ev.content(rest) // a model that did not stream, or not all of it
	}
	calls := s.quirkIDs(withIDs(resp.Message.ToolCalls, id))
	for i, tc := range calls {
		if s.has(ToolCallsAtOneIndex) {
			ev.toolCall(0, tc.ID, tc.Name, tc.Arguments)
			continue
		}
		half := len(tc.Arguments) / 2
		ev.toolCall(i, tc.ID, tc.Name, tc.Arguments[:half])
		ev.toolCall(i, "", "", tc.Arguments[half:])
	}
	if s.has(UsageInFinishChunk) {
		ev.finishWithUsage(finishReason(resp), resp.Usage)
	} else {
		ev.finish(finishReason(resp))
		ev.usage(resp.Usage)
	}
	if s.has(NoDoneMarker) {
		s.hold(r)
		return
	}
	ev.done()
}

// hold keeps an answer open until the client goes away or the server
// closes.
func (s *Server) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.stopped:
	}
}

// quirkIDs applies NoToolCallIDs and RepeatedToolCallIDs.
func (s *Server) quirkIDs(calls []ai.ToolCall) []ai.ToolCall {
	for i := range calls {
		switch {
		case s.has(NoToolCallIDs):
			calls[i].ID = ""
		case s.has(RepeatedToolCallIDs):
			calls[i].ID = "call_0"
		}
	}
	return calls
}

// quirkCompletion applies the quirks to a non-streamed answer.
func (s *Server) quirkCompletion(c map[string]any) {
	if s.has(NullErrorField) {
		c["error"] = nil
	}
	if !s.has(NoToolCallIDs) && !s.has(RepeatedToolCallIDs) {
		return
	}
	msg := &c["choices"].([]wireChoice)[0].Message
	for i := range msg.ToolCalls {
		if s.has(NoToolCallIDs) {
			msg.ToolCalls[i].ID = ""
		} else {
			msg.ToolCalls[i].ID = "call_0"
		}
	}
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

// ---- JSON answers ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func errorObject(typ, code, msg string) map[string]any {
	var c any
	if code != "" {
		c = code
	}
	return map[string]any{"message": msg, "type": typ, "param": nil, "code": c}
}

// writeInvalid answers a body that [ValidateRequest] rejected with a 400
// naming the violation.
func writeInvalid(w http.ResponseWriter, err error) {
	code, msg := "invalid_value", err.Error()
	var param any
	var ir *invalidRequest
	if errors.As(err, &ir) {
		code = ir.code
		if ir.param != "" {
			param = ir.param
		}
	}
	e := errorObject("invalid_request_error", code, "Invalid request body: "+msg)
	e["param"] = param
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": e})
}

// clip shortens a body quoted in an error.
func clip(body []byte) string {
	const limit = 4 << 10
	if len(body) <= limit {
		return string(body)
	}
	return string(body[:limit]) + fmt.Sprintf("… (%d bytes in all)", len(body))
}

// writeError writes an OpenAI-shaped error body.
func writeError(w http.ResponseWriter, status int, header http.Header, typ, code, msg string) {
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeJSON(w, status, map[string]any{"error": errorObject(typ, code, msg)})
}

// describe maps a model's error to an HTTP answer: a *ai.ModelError keeps
// its status (or gets 503 when transient, 400 when permanent) and code.
func describe(err error) (status int, typ, code, msg string) {
	var me *ai.ModelError
	transient := ai.IsTransient(err)
	msg = err.Error()
	if errors.As(err, &me) {
		status, code = me.StatusCode, me.Code
		if me.Message != "" {
			msg = me.Message
		}
	}
	if status < 400 {
		status = http.StatusBadRequest
		if transient {
			status = http.StatusServiceUnavailable
		}
	}
	typ = errorType(status)
	return status, typ, code, msg
}

func writeModelError(w http.ResponseWriter, err error) {
	status, typ, code, msg := describe(err)
	h := http.Header{}
	if d, ok := ai.RetryAfterOf(err); ok {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		h.Set("Retry-After-Ms", strconv.FormatInt(d.Milliseconds(), 10))
	}
	writeError(w, status, h, typ, code, msg)
}

func errorType(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_request_error"
	case status == http.StatusForbidden:
		return "permission_error"
	case status == http.StatusNotFound:
		return "not_found_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

type wireChoice struct {
	Index        int             `json:"index"`
	Message      wireRespMessage `json:"message"`
	FinishReason string          `json:"finish_reason"`
	Logprobs     any             `json:"logprobs"`
}

type wireRespMessage struct {
	Role      string         `json:"role"`
	Content   *string        `json:"content"`
	Refusal   *string        `json:"refusal"`
	ToolCalls []wireToolCall `json:"tool_calls,omitempty"`
}

type wireUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func toWireUsage(u ai.Usage) wireUsage {
	return wireUsage{PromptTokens: u.InputTokens, CompletionTokens: u.OutputTokens, TotalTokens: u.Total()}
}

func finishReason(resp *ai.Response) string {
	if resp.FinishReason != "" {
		return resp.FinishReason
	}
	if len(resp.Message.ToolCalls) > 0 {
		return "tool_calls"
	}
	return "stop"
}

// withIDs gives calls without an ID one derived from the completion's.
func withIDs(calls []ai.ToolCall, id string) []ai.ToolCall {
	out := append([]ai.ToolCall(nil), calls...)
	for i := range out {
		if out[i].ID == "" {
			out[i].ID = "call_" + strings.TrimPrefix(id, "chatcmpl-") + "_" + strconv.Itoa(i)
		}
	}
	return out
}

// completion is the non-streamed answer.
func completion(id, model string, resp *ai.Response) map[string]any {
	msg := wireRespMessage{Role: "assistant"}
	calls := withIDs(resp.Message.ToolCalls, id)
	if resp.Message.Content != "" || len(calls) == 0 {
		c := resp.Message.Content
		msg.Content = &c
	}
	for _, tc := range calls {
		var wc wireToolCall
		wc.ID, wc.Type = tc.ID, "function"
		wc.Function.Name, wc.Function.Arguments = tc.Name, tc.Arguments
		msg.ToolCalls = append(msg.ToolCalls, wc)
	}
	return map[string]any{
		"id":      id,
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []wireChoice{{Index: 0, Message: msg, FinishReason: finishReason(resp)}},
		"usage":   toWireUsage(resp.Usage),
	}
}

// ---- server-sent events ----

// events writes a chat completion as server-sent events. Headers and the
// role chunk are written lazily, so that an error before any output can
// still be an HTTP status.
type events struct {
	w       http.ResponseWriter
	id      string
	model   string
	created int64
	usageOn bool
	started bool
	// nullError adds "error": null to every chunk (NullErrorField).
	nullError bool
}

func newEvents(w http.ResponseWriter, id string, wr *wireRequest) *events {
	return &events{
		w: w, id: id, model: wr.Model, created: time.Now().Unix(),
		usageOn: wr.StreamOptions != nil && wr.StreamOptions.IncludeUsage,
	}
}

func (e *events) start() {
	if e.started {
		return
	}
	e.started = true
	h := e.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	e.w.WriteHeader(http.StatusOK)
	e.chunk(map[string]any{"role": "assistant", "content": ""}, nil)
}

func (e *events) raw(v any) {
	e.start()
	b, _ := json.Marshal(v)
	e.line(b)
}

func (e *events) line(data []byte) {
	_, _ = fmt.Fprintf(e.w, "data: %s\n\n", data)
	if f, ok := e.w.(http.Flusher); ok {
		f.Flush()
	}
}

func (e *events) chunk(delta map[string]any, finish any) {
	c := map[string]any{
		"id": e.id, "object": "chat.completion.chunk", "created": e.created, "model": e.model,
		"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": nil}},
	}
	if e.usageOn {
		c["usage"] = nil
	}
	if e.nullError {
		c["error"] = nil
	}
	b, _ := json.Marshal(c)
	e.line(b)
}

// finishWithUsage sends the finish reason and the usage in one chunk.
func (e *events) finishWithUsage(reason string, u ai.Usage) {
	e.start()
	c := map[string]any{
		"id": e.id, "object": "chat.completion.chunk", "created": e.created, "model": e.model,
		"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": reason, "logprobs": nil}},
		"usage":   toWireUsage(u),
	}
	if e.nullError {
		c["error"] = nil
	}
	b, _ := json.Marshal(c)
	e.line(b)
}

func (e *events) content(text string) {
	e.start()
	e.chunk(map[string]any{"content": text}, nil)
}

func (e *events) toolCall(index int, id, name, args string) {
	e.start()
	tc := map[string]any{"index": index, "function": map[string]any{"arguments": args}}
	if id != "" {
		tc["id"] = id
	}
	if name != "" {
		tc["type"] = "function"
		tc["function"].(map[string]any)["name"] = name
	}
	e.chunk(map[string]any{"tool_calls": []any{tc}}, nil)
}

func (e *events) finish(reason string) {
	e.start()
	e.chunk(map[string]any{}, reason)
}

func (e *events) usage(u ai.Usage) {
	if !e.usageOn {
		return
	}
	b, _ := json.Marshal(map[string]any{
		"id": e.id, "object": "chat.completion.chunk", "created": e.created, "model": e.model,
		"choices": []any{}, "usage": toWireUsage(u),
	})
	e.line(b)
}

func (e *events) done() { e.line([]byte("[DONE]")) }

// ---- faults ----

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f Fault, wr *wireRequest) {
	switch f.kind {
	case kindStatus:
		if f.body != "" {
			for k, vs := range f.header {
				for _, v := range vs {
					w.Header().Add(k, v)
				}
			}
			if w.Header().Get("Content-Type") == "" {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			}
			w.WriteHeader(f.status)
			_, _ = io.WriteString(w, f.body)
			return
		}
		writeError(w, f.status, f.header, errorType(f.status), statusCode(f.status),
			fmt.Sprintf("openaitest: injected %d %s", f.status, http.StatusText(f.status)))
	case kindMalformed:
		if wr.Stream {
			ev := newEvents(w, s.nextID(), wr)
			ev.start()
			ev.line([]byte(`{"id": "chatcmpl-malformed", "choices": [ this is not JSON`))
			ev.done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"id": "chatcmpl-malformed", "object": "chat.completion", "choices": [ this is not JSON ]}`)
	case kindTruncated:
		if wr.Stream {
			// A cleanly ended stream without finish_reason or [DONE]: the
			// case a client must detect itself.
			ev := newEvents(w, s.nextID(), wr)
			ev.content("This answer was cut sho")
			return
		}
		// A body shorter than its Content-Length, then the connection
		// closes: the client reads an unexpected EOF.
		full, _ := json.Marshal(completion(s.nextID(), wr.Model, &ai.Response{
			Message: ai.Message{Role: ai.RoleAssistant, Content: "This answer was cut short by the server."},
		}))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(full)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(full[:len(full)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		hijackClose(w, false)
	case kindReset:
		hijackClose(w, true)
	case kindEvents:
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		for _, e := range f.events {
			_, _ = fmt.Fprintf(w, "%s\n\n", e)
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
		}
		if f.hold {
			s.hold(r)
		}
	}
}

// hijackClose takes the connection over and closes it; with reset, the
// close sends a TCP RST (SO_LINGER 0) so the client reads "connection
// reset by peer".
func hijackClose(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("openaitest: the ResponseWriter cannot be hijacked")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if buf != nil {
		_ = buf.Flush()
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

func statusCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "rate_limit_exceeded"
	case http.StatusUnauthorized:
		return "invalid_api_key"
	}
	return ""
}
