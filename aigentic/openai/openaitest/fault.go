package openaitest

import (
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
