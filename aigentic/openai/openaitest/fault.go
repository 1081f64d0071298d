package openaitest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type faultKind int

const (
	kindStatus faultKind = iota + 1
	kindMalformed
	kindTruncated
	kindReset
	kindSlow
	kindEvents
)

// Fault is one injected failure — or scripted answer — of a chat
// completion request. Build it with [Status], [RateLimited],
// [MalformedJSON], [TruncatedStream], [ConnectionReset], [Slow], [Events]
// or [JSONBody], and queue it with [WithFaults] or [Server.Inject].
type Fault struct {
	kind   faultKind
	status int
	header http.Header
	body   string
	delay  time.Duration
	events []string
	hold   bool
}

// Status answers with an HTTP status and an OpenAI-shaped error body, e.g.
// Status(500) or Status(503, "Retry-After", "2"). headerKV are header
// name/value pairs.
func Status(code int, headerKV ...string) Fault {
	h := http.Header{}
	for i := 0; i+1 < len(headerKV); i += 2 {
		h.Add(headerKV[i], headerKV[i+1])
	}
	return Fault{kind: kindStatus, status: code, header: h}
}

// RateLimited is a 429 with "Retry-After: <seconds>" (rounded up) and
// "retry-after-ms", as OpenAI sends.
func RateLimited(retryAfter time.Duration) Fault {
	secs := int((retryAfter + time.Second - 1) / time.Second)
	return Status(http.StatusTooManyRequests,
		"Retry-After", strconv.Itoa(secs),
		"Retry-After-Ms", strconv.FormatInt(retryAfter.Milliseconds(), 10))
}

// WithBody replaces a [Status] fault's OpenAI-shaped body with body, sent
// as text/plain unless a Content-Type header was given: a proxy's answer.
func (f Fault) WithBody(body string) Fault {
	f.body = body
	return f
}

// MalformedJSON answers 200 with a body that is not valid JSON; a
// streaming request gets an event whose data is not valid JSON.
func MalformedJSON() Fault { return Fault{kind: kindMalformed} }

// TruncatedStream cuts the answer short. A streaming request gets the role
// and a partial content chunk, then the stream ends cleanly without a
// finish_reason or [DONE]. A non-streaming request gets half of a JSON body
// shorter than its Content-Length, then the connection closes (the client
// reads an unexpected EOF).
func TruncatedStream() Fault { return Fault{kind: kindTruncated} }

// ConnectionReset reads the request, then resets the TCP connection
// without answering: the client sees "connection reset by peer".
func ConnectionReset() Fault { return Fault{kind: kindReset} }

// Slow waits d before answering normally — the model is then called — or
// stops when the client goes away first (a context deadline, a cancel).
func Slow(d time.Duration) Fault { return Fault{kind: kindSlow, delay: d} }

// Events answers 200 text/event-stream with the given events, verbatim and
// in order, whatever the request asked: a scripted stream, to replay what a
// particular server sends. An event that does not start with "data:" or
// "event:" is sent as "data: <event>"; "[DONE]" is sent only if given. The
// body then ends, unless [Fault.HoldOpen] keeps it open.
func Events(events ...string) Fault {
	out := make([]string, len(events))
	for i, e := range events {
		if !strings.HasPrefix(e, "data:") && !strings.HasPrefix(e, "event:") && !strings.HasPrefix(e, ":") {
			e = "data: " + e
		}
		out[i] = e
	}
	return Fault{kind: kindEvents, events: out}
}

// HoldOpen keeps an [Events] answer open after its last event until the
// client goes away or the server closes: a stream that never ends.
func (f Fault) HoldOpen() Fault {
	f.hold = true
	return f
}

// JSONBody answers with status and a JSON body, verbatim, whatever the
// request asked (a streaming request included): a scripted non-streamed
// answer, e.g. an error object sent with status 200.
func JSONBody(status int, body string) Fault {
	return Status(status, "Content-Type", "application/json").WithBody(body)
}

// ---- faults ----

// faultShapes are the route's shapes of the faults that imitate an
// answer: a stream's first event and a partial text event, a broken event
// and body, a whole answer to cut.
type faultShapes struct {
	stream         bool
	start, partial []byte
	brokenEvent    string
	brokenBody     string
	full           []byte
}

// serveFault answers with fault f, in the route's shapes sh.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f Fault, sh faultShapes) {
	sse := func(events ...[]byte) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		for _, e := range events {
			_, _ = fmt.Fprintf(w, "data: %s\n\n", e)
		}
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
	}
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
		if sh.stream {
			sse(sh.start, []byte(sh.brokenEvent), []byte("[DONE]"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, sh.brokenBody)
	case kindTruncated:
		if sh.stream {
			// A cleanly ended stream without its end (finish_reason, [DONE],
			// response.completed): the case a client must detect itself.
			sse(sh.start, sh.partial)
			return
		}
		// A body shorter than its Content-Length, then the connection
		// closes: the client reads an unexpected EOF.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(sh.full)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(sh.full[:len(sh.full)/2])
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
