package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// maxRequestBody bounds a request body the Recorder reads (32 MiB).
const maxRequestBody = 32 << 20

// Option configures a [Recorder].
type Option func(*config)

type config struct {
	mode          *Mode
	real          http.RoundTripper
	ignore        [][]string
	allowUnplayed bool
}

// WithMode fixes the mode, whatever AIGENTIC_RECORD says: for a test that
// must always replay, or a tool that records.
func WithMode(m Mode) Option { return func(c *config) { c.mode = &m } }

// WithRealTransport is the transport that reaches the real server when
// recording; nil (the default) is [openai.NewTransport]. It is never used
// in [ModeReplay].
func WithRealTransport(rt http.RoundTripper) Option { return func(c *config) { c.real = rt } }

// IgnoreFields leaves request body fields out of matching, each named by
// its path of object keys ("user", "metadata.trace_id"): for fields a
// program sets to a new value on every run.
func IgnoreFields(paths ...string) Option {
	return func(c *config) {
		for _, p := range paths {
			if p = strings.TrimSpace(p); p != "" {
				c.ignore = append(c.ignore, strings.Split(p, "."))
			}
		}
	}
}

// AllowUnplayed accepts a test that ends before every recorded exchange
// was requested. Without it, [Recorder.Stop] reports them ([ErrUnplayed]):
// an agent that now makes fewer model calls has changed.
func AllowUnplayed() Option { return func(c *config) { c.allowUnplayed = true } }

// WithSecrets registers more values to remove from recordings (and from
// everything aigentic writes: see [secret.Register]).
func WithSecrets(values ...string) Option {
	return func(*config) { secret.Register(values...) }
}

// Recorder is an http.RoundTripper that records a test's HTTP exchanges
// with a model server into a file, or replays them from it (see the
// package documentation). Build it with [New] in a test, or [Open]; give
// it to a model with openai.WithHTTPClient(r.Client()), or use
// [Recorder.OpenAI]. It is safe for concurrent use.
type Recorder struct {
	file   string
	mode   Mode // ModeReplay or ModeRecord: ModeRecordMissing resolved
	vcr    *recorder.Recorder
	real   http.RoundTripper // recording: the transport to the server
	xs     []*exchange
	byBody map[string]body // recorded raw body → normalised
	ignore [][]string
	allow  bool
	tb     testing.TB

	mu         sync.Mutex
	requests   int
	played     map[int]bool
	mismatches []error
	stopped    bool
	stopErr    error
}

var _ http.RoundTripper = (*Recorder)(nil)

// liveKey carries a live request's normalised body to the matcher.
type liveKey struct{}

// Open opens the recording file (a go-vcr v4 cassette, whose name must
// end in ".yaml") in the mode AIGENTIC_RECORD selects, unless [WithMode]
// fixes it. Replaying, the file is read and checked first: a missing file
// is [ErrNoRecording], a bad one a [*RecordingError]. Recording, nothing
// is read; the file is written by [Recorder.Stop]. Mismatches are
// returned to the client as HTTP 400 answers and kept for
// [Recorder.Err]; [New] also reports them to the test.
func Open(file string, opts ...Option) (*Recorder, error) {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	mode := ModeReplay
	if c.mode != nil {
		mode = *c.mode
	} else {
		m, err := ModeFromEnv()
		if err != nil {
			return nil, err
		}
		mode = m
	}
	if !strings.HasSuffix(file, ".yaml") {
		return nil, fmt.Errorf("replay: the recording %q must be named *.yaml (a go-vcr cassette)", file)
	}
	name := strings.TrimSuffix(file, ".yaml")
	r := &Recorder{file: file, ignore: c.ignore, allow: c.allowUnplayed, played: map[int]bool{}, byBody: map[string]body{}}
	fs := &fileFS{data: map[string][]byte{}}
	vcrOpts := []recorder.Option{
		recorder.WithSkipRequestLatency(true),
		recorder.WithMatcher(r.match),
		recorder.WithFS(fs),
		recorder.WithMarshalFunc(marshal),
		recorder.WithHook(scrub, recorder.AfterCaptureHook),
		recorder.WithHook(r.markPlayed, recorder.BeforeResponseReplayHook),
	}
	if mode == ModeRecordMissing {
		mode = ModeRecord
		if fs.IsFileExists(file) {
			mode = ModeReplay
		}
	}
	r.mode = mode
	switch mode {
	case ModeReplay:
		data, xs, err := load(file, c.ignore)
		if err != nil {
			return nil, err
		}
		fs.data[file] = data
		r.xs = xs
		for _, x := range xs {
			r.byBody[x.raw] = x.body
		}
		vcrOpts = append(vcrOpts, recorder.WithMode(recorder.ModeReplayOnly), recorder.WithRealTransport(refuse{}))
	case ModeRecord:
		real := c.real
		if real == nil {
			real = openai.NewTransport()
		}
		r.real = real
		vcrOpts = append(vcrOpts, recorder.WithMode(recorder.ModeRecordOnly), recorder.WithRealTransport(real))
	default:
		return nil, fmt.Errorf("%w: %v", ErrBadMode, mode)
	}
	v, err := recorder.New(name, vcrOpts...)
	if err != nil {
		return nil, &RecordingError{File: file, Exchange: -1, Err: err}
	}
	r.vcr = v
	return r, nil
}

// New is [Open] for a test: it fails t at once when the recording cannot
// be opened, reports each request the recording does not hold with
// t.Errorf (the changes and a diff: [MismatchError.Report]), and stops
// the Recorder when t ends — writing the file when recording, reporting
// exchanges never requested when replaying.
func New(t testing.TB, file string, opts ...Option) *Recorder {
	t.Helper()
	r, err := Open(file, opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.tb = t
	t.Cleanup(func() {
		if err := r.Stop(); err != nil {
			t.Error(err)
		} else if r.mode == ModeRecord {
			t.Logf("replay: recorded %s", file)
		}
	})
	return r
}

// Mode is the mode in effect: [ModeReplay] or [ModeRecord]
// ([ModeRecordMissing] resolves to one of them when the Recorder opens).
func (r *Recorder) Mode() Mode { return r.mode }

// File is the recording's path.
func (r *Recorder) File() string { return r.file }

// Client returns an HTTP client on r, for openai.WithHTTPClient. It has
// no timeout: bound calls with the context.
func (r *Recorder) Client() *http.Client { return &http.Client{Transport: r} }

// Err returns the mismatches so far, joined (each a [*MismatchError]),
// or nil.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return errors.Join(r.mismatches...)
}

// RoundTrip implements http.RoundTripper: replaying, the recorded answer
// to the request (a request not in the recording gets an HTTP 400 answer
// whose error message is the [*MismatchError], and the test is failed);
// recording, the real server's answer, kept for the file.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var raw []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		raw, err = io.ReadAll(io.LimitReader(req.Body, maxRequestBody+1))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("replay: reading the request body: %w", err)
		}
		if len(raw) > maxRequestBody {
			return nil, fmt.Errorf("replay: request body over %d bytes", maxRequestBody)
		}
	}
	live := normalize(raw, r.ignore)
	req = req.Clone(context.WithValue(req.Context(), liveKey{}, &live))
	req.Body = io.NopCloser(bytes.NewReader(raw))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	req.ContentLength = int64(len(raw))

	r.mu.Lock()
	r.requests++
	n := r.requests
	r.mu.Unlock()

	res, err := r.vcr.RoundTrip(req)
	if errors.Is(err, cassette.ErrInteractionNotFound) {
		return r.mismatch(req, n, live), nil
	}
	if err != nil {
		return nil, err
	}
	if strings.Contains(res.Header.Get("Content-Type"), "text/event-stream") {
		res.Body = &eventReader{r: res.Body}
	}
	return res, nil
}

// match is go-vcr's matcher: method, path, query and normalised body.
func (r *Recorder) match(req *http.Request, rec cassette.Request) bool {
	live, _ := req.Context().Value(liveKey{}).(*body)
	if live == nil {
		return false
	}
	x := &exchange{method: rec.Method, body: r.byBody[rec.Body]}
	u, err := url.Parse(rec.URL)
	if err != nil {
		return false
	}
	x.path, x.query = u.Path, canonicalQuery(u)
	return sameRequest(req.Method, req.URL, *live, x)
}

// markPlayed notes a replayed exchange.
func (r *Recorder) markPlayed(i *cassette.Interaction) error {
	r.mu.Lock()
	r.played[i.ID] = true
	r.mu.Unlock()
	return nil
}

// mismatch reports request n and answers it with HTTP 400.
func (r *Recorder) mismatch(req *http.Request, n int, live body) *http.Response {
	r.mu.Lock()
	var nearest *exchange
	for _, x := range r.xs {
		if !r.played[x.id] && x.method == req.Method && x.path == req.URL.Path {
			nearest = x
			break
		}
	}
	r.mu.Unlock()
	me := &MismatchError{File: r.file, Request: n, Method: req.Method, Path: req.URL.Path}
	if r.tb != nil {
		me.Test = r.tb.Name()
	}
	me = describe(me, live, nearest)
	r.mu.Lock()
	r.mismatches = append(r.mismatches, me)
	r.mu.Unlock()
	if r.tb != nil {
		r.tb.Errorf("%s", me.Report())
	}
	msg, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": me.Error(), "type": "invalid_request_error", "code": "replay_mismatch",
	}})
	return &http.Response{
		Status: "400 Bad Request", StatusCode: http.StatusBadRequest,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(msg)),
		ContentLength: int64(len(msg)),
		Request:       req,
	}
}

// Stop ends the Recorder (once; later calls return the first result).
// Recording, it closes the real transport's idle connections and writes
// the file — after removing the secrets, and never
// if one is left ([ErrSecretInRecording]). Replaying, it returns
// [ErrUnplayed] naming the recorded exchanges never requested (unless
// [AllowUnplayed], or requests already mismatched).
func (r *Recorder) Stop() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return r.stopErr
	}
	r.stopped = true
	if c, ok := r.real.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections() // no connection outlives the test
	}
	if err := r.vcr.Stop(); err != nil {
		r.stopErr = fmt.Errorf("replay: writing %s: %w", r.file, err)
		return r.stopErr
	}
	if r.mode != ModeReplay || r.allow || len(r.mismatches) > 0 {
		return nil
	}
	var left []string
	for _, x := range r.xs {
		if !r.played[x.id] {
			left = append(left, fmt.Sprintf("%d (%s)", x.id, x))
		}
	}
	sort.Strings(left)
	if len(left) > 0 {
		r.stopErr = fmt.Errorf("%w: %s holds %d exchanges the test never requested: %s — the code now makes fewer requests; record again (%s=record) if that is intended",
			ErrUnplayed, r.file, len(left), strings.Join(left, ", "), EnvMode)
	}
	return r.stopErr
}

// refuse is the real transport of a replaying Recorder: it never connects.
type refuse struct{}

func (refuse) RoundTrip(req *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("%w: %s %s", ErrNetworkRefused, req.Method, req.URL.Redacted())
}

// eventReader hands a replayed event stream to the client one event per
// Read (up to and including its blank line), as a server that flushes
// each event delivers it: go-vcr keeps the body as one string.
type eventReader struct {
	r   io.ReadCloser
	buf []byte
	eof bool
}

func (e *eventReader) Read(p []byte) (int, error) {
	for {
		if i := bytes.Index(e.buf, []byte("\n\n")); i >= 0 {
			return e.take(p, i+2), nil
		}
		if e.eof {
			if len(e.buf) == 0 {
				return 0, io.EOF
			}
			return e.take(p, len(e.buf)), nil
		}
		chunk := make([]byte, 32<<10)
		n, err := e.r.Read(chunk)
		e.buf = append(e.buf, chunk[:n]...)
		if err == io.EOF {
			e.eof = true
		} else if err != nil {
			return 0, err
		}
	}
}

func (e *eventReader) take(p []byte, n int) int {
	n = copy(p, e.buf[:n])
	e.buf = e.buf[n:]
	return n
}

func (e *eventReader) Close() error { return e.r.Close() }
